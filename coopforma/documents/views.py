# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff pages of issued documents: a session's documents, generate (one or in bulk), finalise, download.

Generic: a subject (enrolment, participant, session) is resolved through its kind's scoped resolver, so a
session or a document the actor may not see answers 404. Files are streamed after that check, never served
from a public media URL.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.files import file_response
from coopforma.documents import selectors, services
from coopforma.documents.registry import DocumentKind, get_kind


def _kind(code: str) -> DocumentKind:
    try:
        kind = get_kind(code)
    except LookupError:
        raise Http404 from None
    # Kinds generated from a session's pages only (billing pieces make their PDFs when issued).
    if kind.hooks.resolve is None or kind.hooks.session_id is None:
        raise Http404
    return kind


def _pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class SessionDocumentsView(OrgViewMixin, TemplateView):
    template_name = "documents/document_session.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["data"] = selectors.session_documents(actor=self.actor, session_id=int(self.kwargs["session_id"]))
        context["session"] = context["data"].session
        return context


class _SessionPage(OrgViewMixin, View):
    def session_url(self, session_id: int) -> str:
        return reverse("documents:session", kwargs={"org": self.actor.organisation.slug, "session_id": session_id})

    def missing_page(self, request: HttpRequest, exc: services.MissingData, session: object) -> HttpResponse:
        from django.shortcuts import render

        return render(
            request,
            "documents/document_missing.html",
            {"org": self.actor.organisation, "actor": self.actor, "error": exc, "session": session, "groups": None},
        )


class DocumentGenerateView(_SessionPage):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org: str, kind: str, subject_id: int) -> HttpResponse:
        document_kind = _kind(kind)
        if document_kind.hooks.resolve is None or document_kind.hooks.session_id is None:
            raise Http404  # `_kind` refuses these kinds already; this tells the type checker
        subject = document_kind.hooks.resolve(self.actor, subject_id)
        session_id = document_kind.hooks.session_id(subject)
        try:
            document = services.document_generate(actor=self.actor, kind=document_kind, subject=subject)
        except services.MissingData as exc:
            session = selectors.session_resolve(actor=self.actor, session_id=session_id)
            return self.missing_page(request, exc, session)
        except ValidationError as exc:  # the template fails on this subject's data
            messages.error(request, " ".join(exc.messages))
            return redirect(self.session_url(session_id))
        messages.success(
            request,
            _("« %(title)s » généré (brouillon, version %(v)s).") % {"title": document.title, "v": document.version},
        )
        return redirect(self.session_url(session_id))


class DocumentBulkView(_SessionPage):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org: str, session_id: int, kind: str) -> HttpResponse:
        document_kind = _kind(kind)
        session = selectors.session_resolve(actor=self.actor, session_id=session_id)
        try:
            result = services.documents_generate_for_session(actor=self.actor, session=session, kind=document_kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.session_url(session_id))
        if not result.documents:
            from django.shortcuts import render

            return render(
                request,
                "documents/document_missing.html",
                {"org": self.actor.organisation, "actor": self.actor, "session": session, "groups": result.missing},
            )
        return _pdf_response(result.pdf, f"{document_kind.code}-session-{session_id}.pdf", inline=False)


class DocumentFinaliseView(_SessionPage):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, org: str, pk: int) -> HttpResponse:
        document = selectors.document_get(actor=self.actor, document_id=pk)
        try:
            document = services.document_finalise(actor=self.actor, document_id=document.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("« %(title)s » est définitif.") % {"title": document.title})
        return redirect(self.session_url(document.session_id_ref)) if document.session_id_ref else redirect("/")


class DocumentFileView(OrgViewMixin, View):
    def get(self, request: HttpRequest, org: str, pk: int) -> HttpResponseBase:
        document = selectors.document_get(actor=self.actor, document_id=pk)
        if not document.file:
            raise Http404
        try:
            handle, filename = services.document_open(document, original=request.GET.get("original") == "1")
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
        # Streamed from the storage in chunks, not loaded whole in the worker's memory; by range when asked.
        response = file_response(request, handle, content_type="application/pdf", filename=filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
