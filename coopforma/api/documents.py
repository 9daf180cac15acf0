# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for documents: list a session's documents, generate, finalise, download.

POST /documents generates a draft of `kind` for `subject_id` (an enrolment, a session or a participant, as
the kind says): 201 with the document, or 422 listing the missing data with the pages that fix it.
"""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from coopforma.api.auth import get_actor
from coopforma.api.errors import ValidationErrorOut
from coopforma.documents import selectors, services
from coopforma.documents.models import Document
from coopforma.documents.registry import get_kind

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    version: int
    previous_id: int | None
    subject_id: int
    session_id: int | None
    verification_code: str
    sha256: str
    created_at: dt.datetime
    finalised_at: dt.datetime | None

    @staticmethod
    def resolve_session_id(obj: Document) -> int | None:
        return obj.session_id_ref


class GenerateIn(Schema):
    kind: str
    subject_id: int


class MissingOut(Schema):
    label: str
    url: str


class MissingErrorOut(ValidationErrorOut):
    """422: a refused value, or the data a document needs and lacks (`missing`, with the pages that fix it)."""

    missing: list[MissingOut] = []


@router.get("/documents", response=list[DocumentOut])
def list_documents(request: HttpRequest, session: int) -> list[Document]:
    return list(selectors.document_list(actor=get_actor(request), session_id=session)[:500])


@router.get("/documents/{document_id}", response=DocumentOut)
def get_document(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_get(actor=get_actor(request), document_id=document_id)


@router.post("/documents", response={201: DocumentOut, 422: MissingErrorOut})
def generate_document(request: HttpRequest, payload: GenerateIn) -> Status:
    actor = get_actor(request)
    try:
        kind = get_kind(payload.kind)
    except LookupError:
        from django.core.exceptions import ValidationError

        raise ValidationError({"kind": f"Type de document inconnu : {payload.kind}"}) from None
    if kind.hooks.resolve is None:
        raise Http404
    subject = kind.hooks.resolve(actor, payload.subject_id)
    try:
        document = services.document_generate(actor=actor, kind=kind, subject=subject)
    except services.MissingData as exc:
        labels = "; ".join(m.label for m in exc.missing)
        return Status(
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "subject_id"],
                        "msg": _("Données manquantes : %(labels)s.") % {"labels": labels},
                        "type": "missing",
                    }
                ],
                "missing": [{"label": m.label, "url": m.url} for m in exc.missing],
            },
        )
    return Status(201, document)


@router.post("/documents/{document_id}/finalise", response=DocumentOut)
def finalise_document(request: HttpRequest, document_id: int) -> Document:
    return services.document_finalise(actor=get_actor(request), document_id=document_id)


@router.get("/documents/{document_id}/file")
def document_file(request: HttpRequest, document_id: int, original: bool = False) -> HttpResponse:
    """The signed copy once every signature is in (`?original=true`: the stored original), else the PDF."""
    document = selectors.document_get(actor=get_actor(request), document_id=document_id)
    data, filename = services.document_download(document, original=original)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
