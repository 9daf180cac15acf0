# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the privacy app: the register (art. 30) and retention periods, a person's data page with its
export (art. 15, 20) and erasure (art. 17), and the public privacy notice of an organisation."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.privacy import selectors, services
from coopforma.privacy.forms import ErasureForm, RetentionForm
from coopforma.privacy.pdf import register_pdf


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RegisterView(OrgViewMixin, TemplateView):
    required_flag = "privacy.manage"
    template_name = "privacy/register.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entries"] = selectors.register_for(actor=self.actor)
        context["retention"] = selectors.retention_table(organisation=self.actor.organisation)
        context["form"] = kwargs.get("form") or RetentionForm()
        context["may_edit"] = self.actor.has("org.manage")
        return context


class RegisterPdfView(OrgViewMixin, View):
    required_flag = "privacy.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        entries = selectors.register_for(actor=self.actor)
        pdf = register_pdf(self.actor.organisation.name, entries)
        return _download(pdf, f"registre-traitements-{timezone.localdate():%Y-%m-%d}.pdf", "application/pdf")


class RetentionUpdateView(OrgViewMixin, TemplateView):
    required_flag = "org.manage"
    template_name = "privacy/register.html"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                services.retention_set(
                    actor=self.actor, category=form.cleaned_data["category"], months=form.cleaned_data["months"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Durée de conservation enregistrée."))
                return redirect("privacy:register", org=self.actor.organisation.slug)
        view = RegisterView()
        view.request, view.kwargs, view.actor = request, kwargs, self.actor
        return render(request, self.template_name, view.get_context_data(form=form), status=200)


class PersonMixin(OrgViewMixin):
    required_flag = "privacy.manage"
    kind: str = ""
    id_kwarg: str = ""

    def person(self) -> Any:
        return selectors.person_get(actor=self.actor, kind=self.kind, person_id=int(self.kwargs[self.id_kwarg]))


class PersonView(PersonMixin, TemplateView):
    template_name = "privacy/person.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.person()
        context.update(
            person=person,
            kind=self.kind,
            kind_label=selectors.PERSON_LABELS[self.kind],
            sections=selectors.person_inventory(person=person),
            holds=selectors.person_holds(person=person, today=timezone.localdate()),
            open_invoices=selectors.person_open_invoices(person=person),
            form=kwargs.get("form") or ErasureForm(),
            urls={name: f"privacy:{self.kind}_{name}" for name in ("export", "erase")},
            person_id_kwarg=self.id_kwarg,
        )
        return context


class PersonExportView(PersonMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        archive = services.privacy_export(actor=self.actor, person=self.person())
        return _download(archive.content, archive.filename, "application/zip")


class PersonEraseView(PersonView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.person()
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                report = services.person_erase(actor=self.actor, person=person)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render(
                    request,
                    "privacy/erased.html",
                    {"report": report, "org": self.actor.organisation, "actor": self.actor},
                )
        return self.render_to_response(self.get_context_data(form=form))


def notice(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's privacy notice (RGPD art. 13 and 14), public."""
    organisation = selectors.notice_organisation(slug=org)
    context = {
        "organisation": organisation,
        "entries": selectors.register(organisation=organisation),
        "retention": selectors.retention_table(organisation=organisation),
    }
    return render(request, "privacy/notice.html", context)
