# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff pages of the competency records, under /o/<org>/competences/ (namespace `records`): a trainee's record
(linked from the trainee's page), the relevé as a PDF, a competency's credential, its revocation."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.files import file_response
from coopforma.referentiel import record_selectors, record_services


def credential_response(token: str, filename: str) -> HttpResponse:
    """A credential as a file to keep or share: the compact JWT (media type of VC-JOSE-COSE)."""
    response = HttpResponse(token, content_type="application/vc+jwt; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def record_pdf_response(request: HttpRequest, document: Any) -> HttpResponseBase:
    response = file_response(
        request, document.file.open("rb"), content_type="application/pdf", filename=f"{document.verification_code}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


class RecordView(OrgViewMixin, TemplateView):
    template_name = "referentiel/record.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = record_selectors.competency_record(actor=self.actor, trainee_id=int(kwargs["trainee_id"]))
        context.update(record=record, trainee=record.trainee, can_revoke=self.actor.has(record_services.REVOKE_FLAG))
        return context


class RecordPdfView(OrgViewMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org: str, trainee_id: int) -> HttpResponseBase:
        record = record_selectors.competency_record(actor=self.actor, trainee_id=trainee_id)
        try:
            document = record_services.competency_record_issue(record=record, user=self.actor.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("records:record", org=org, trainee_id=trainee_id)
        return record_pdf_response(request, document)


class CredentialView(OrgViewMixin, View):
    http_method_names = ["post"]

    def post(
        self, request: HttpRequest, org: str, trainee_id: int, session_id: int, competency_id: int
    ) -> HttpResponse:
        record = record_selectors.competency_record(actor=self.actor, trainee_id=trainee_id)
        entry = record_selectors.record_entry_get(record=record, session_id=session_id, competency_id=competency_id)
        try:
            issued = record_services.credential_issue(record=record, entry=entry, user=self.actor.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("records:record", org=org, trainee_id=trainee_id)
        return credential_response(issued.token, f"competence-{entry.competency_code}.jwt")


class CredentialRevokeView(OrgViewMixin, View):
    http_method_names = ["post"]
    required_flag = record_services.REVOKE_FLAG

    def post(self, request: HttpRequest, org: str, credential_id: int) -> HttpResponse:
        credential = record_selectors.credential_of_actor(actor=self.actor, credential_id=credential_id)
        try:
            record_services.credential_revoke(
                actor=self.actor, credential_id=credential.pk, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attestation numérique révoquée : sa vérification le dira désormais."))
        return redirect("records:record", org=org, trainee_id=credential.trainee_id)
