# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff pages of signatures and diffusion: the outbox, a document's signatures, request, diffuse, scan."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.core.mail import outbox_list
from coopforma.core.models import OutboundEmailStatus
from coopforma.core.pagination import paginate
from coopforma.documents import signing


class OutboxView(OrgViewMixin, TemplateView):
    template_name = "documents/signing_outbox.html"
    required_flag = "org.view_all"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        page = paginate(self.request, outbox_list(actor=self.actor, status=status))
        context.update(page_obj=page, emails=page.object_list, statuses=OutboundEmailStatus.choices, status=status)
        return context


class SignatureListView(OrgViewMixin, TemplateView):
    template_name = "documents/signing_signatures.html"
    required_flag = signing.STAFF_FLAG

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        document, signatures = signing.signature_list(actor=self.actor, document_id=int(kwargs["pk"]))
        context.update(
            document=document,
            signatures=signatures,
            scan_form=ScanForm(),
            signatory=((document.context or {}).get("organisation") or {}).get("signatory_mention", ""),
            signatory_current=signing.document_signatory(document),
            signatory_choices=signing.signatory_choices(actor=self.actor, document_id=document.pk),
        )
        return context


class _ActionView(OrgViewMixin, View):
    required_flag = signing.STAFF_FLAG
    success_message = ""

    def act(self, document_id: int) -> int | None:
        """Do it; return the id of the document to show next when it is another one (a new version)."""
        raise NotImplementedError

    def post(self, request: HttpRequest, org: str, pk: int) -> HttpResponse:
        shown = int(pk)
        try:
            shown = self.act(int(pk)) or shown
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(self.success_message))
        return redirect("documents:signatures", org=org, pk=shown)


class SignatureRequestView(_ActionView):
    success_message = gettext_lazy("Les liens de signature ont été envoyés par e-mail.")

    def act(self, document_id: int) -> int | None:
        signatory = self.request.POST.get("signatory", "").strip() or None
        signatures = signing.signature_request(actor=self.actor, document_id=document_id, signatory=signatory)
        return signatures[0].document_id if signatures else None


class DiffuseView(_ActionView):
    success_message = gettext_lazy("Le document a été diffusé par e-mail.")

    def act(self, document_id: int) -> int | None:
        signing.document_diffuse(actor=self.actor, document_id=document_id)
        return None


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=gettext_lazy("Copie signée numérisée (PDF, 10 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ScanUploadView(OrgViewMixin, FormView):
    template_name = "documents/signing_scan.html"
    form_class = ScanForm
    required_flag = signing.STAFF_FLAG

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["document"], _signatures = signing.signature_list(actor=self.actor, document_id=int(self.kwargs["pk"]))
        return context

    def form_valid(self, form: ScanForm) -> HttpResponse:
        try:
            signing.document_scan_upload(
                actor=self.actor, document_id=int(self.kwargs["pk"]), upload=form.cleaned_data["scan"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("La copie signée numérisée a été enregistrée."))
        return redirect("documents:signatures", org=self.actor.organisation.slug, pk=self.kwargs["pk"])
