# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff pages of signatures and diffusion: the outbox, a document's signatures, request, diffuse, scan."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from coopforma.accounts.demo import DEMO_SLUG
from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core import mailcatcher
from coopforma.core.forms import add_service_errors
from coopforma.core.mail import (
    attachment_infos,
    attachment_open,
    can_resend,
    email_resend,
    has_secrets,
    outbox_get,
    outbox_list,
)
from coopforma.core.models import OutboundEmailStatus
from coopforma.core.pagination import paginate
from coopforma.documents import signing

OUTBOX_FLAG = "org.view_all"  # admin and quality manager read the organisation's e-mails


def catcher_open_to(request: HttpRequest, org_slug: str) -> bool:
    """The test mailbox (real links included) opens only while no SMTP server is configured, and only to staff
    accounts (is_staff) or on the demo organisation: never to a real organisation's staff."""
    return mailcatcher.is_on() and (bool(getattr(request.user, "is_staff", False)) or org_slug == DEMO_SLUG)


class OutboxView(OrgViewMixin, TemplateView):
    template_name = "documents/signing_outbox.html"
    required_flag = OUTBOX_FLAG

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        page = paginate(self.request, outbox_list(actor=self.actor, status=status))
        context.update(
            page_obj=page,
            emails=page.object_list,
            statuses=OutboundEmailStatus.choices,
            status=status,
            catcher=catcher_open_to(self.request, self.actor.organisation.slug),
        )
        return context


class OutboxDetailView(OrgViewMixin, TemplateView):
    """One message: its text (one-time links masked), attachments, delivery attempts, « Renvoyer »."""

    template_name = "documents/signing_outbox_detail.html"
    required_flag = OUTBOX_FLAG

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        email = outbox_get(actor=self.actor, email_id=kwargs["pk"])
        context.update(
            email=email,
            attachments=attachment_infos(email),
            attempts=list(email.delivery_attempts.all()),
            resends=list(email.resends.all()),
            masked=has_secrets(email),
            can_resend=can_resend(email),
        )
        return context


class OutboxAttachmentView(OrgViewMixin, View):
    required_flag = OUTBOX_FLAG

    def get(self, request: HttpRequest, org: str, pk: int, index: int) -> HttpResponse:
        info, handle = attachment_open(actor=self.actor, email_id=pk, index=int(index))
        return FileResponse(handle, as_attachment=True, filename=info.file_name, content_type=info.mime_type)


class OutboxResendView(OrgViewMixin, View):
    required_flag = OUTBOX_FLAG

    def post(self, request: HttpRequest, org: str, pk: int) -> HttpResponse:
        try:
            new = email_resend(actor=self.actor, email_id=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("documents:outbox_detail", org=org, pk=pk)
        messages.success(request, _("Le message est renvoyé : voici le nouvel envoi."))
        return redirect("documents:outbox_detail", org=org, pk=new.pk)


class _CatcherMixin(OrgViewMixin):
    required_flag = OUTBOX_FLAG

    def caught_of(self) -> str | None:
        """Whose caught messages this page shows: a staff account (a technician) reads every one, the messages
        of no organisation included (« mot de passe oublié »); the demo's staff read their organisation's."""
        return None if getattr(self.request.user, "is_staff", False) else self.actor.organisation.slug

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not catcher_open_to(request, str(kwargs["org"])):
            raise Http404  # (anonymous: OrgViewMixin sends to the login page)
        return super().dispatch(request, *args, **kwargs)


class CatcherListView(_CatcherMixin, TemplateView):
    """The test mailbox: the messages caught instead of sent (no SMTP server configured), as received."""

    template_name = "documents/catcher_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["messages_caught"] = mailcatcher.caught_list(organisation=self.caught_of())
        return context


class CatcherDetailView(_CatcherMixin, TemplateView):
    template_name = "documents/catcher_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        caught = mailcatcher.caught_get(message_id=str(kwargs["message_id"]), organisation=self.caught_of())
        if caught is None:
            raise Http404
        context["caught"] = caught
        return context


class CatcherAttachmentView(_CatcherMixin, View):
    def get(self, request: HttpRequest, org: str, message_id: str, index: int) -> HttpResponse:
        found = mailcatcher.caught_attachment(message_id=message_id, organisation=self.caught_of(), index=int(index))
        if found is None:
            raise Http404
        info, data = found
        response = HttpResponse(data, content_type=info.mime_type)
        response["Content-Disposition"] = content_disposition_header(True, info.name)
        return response


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
