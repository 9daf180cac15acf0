# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for documents: list a session's documents, generate, finalise, download.

POST /documents generates a draft of `kind` for `subject_id` (an enrolment, a session or a participant, as
the kind says): 201 with the document, or 422 listing the missing data with the pages that fix it.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.errors import ErrorOut, field_error, refusal_body
from coopforma.api.params import paged
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


class MissingErrorOut(ErrorOut):
    """422: the error envelope; for the data a document needs and lacks, also `missing` (with the pages that fix
    it)."""

    missing: list[MissingOut] = []


@router.get("/documents", response=list[DocumentOut])
@permission(MEMBER)
@paged
def document_list(request: HttpRequest, session: int) -> QuerySet[Document]:
    """The documents of a session, paginated."""
    return selectors.document_list(actor=get_actor(request), session_id=session)


@router.get("/documents/{document_id}", response=DocumentOut)
@permission(MEMBER)
def document_get(request: HttpRequest, document_id: int) -> Document:
    return selectors.document_get(actor=get_actor(request), document_id=document_id)


@router.post("/documents", response={201: DocumentOut, 422: MissingErrorOut})
@permission(MEMBER)
def document_generate(request: HttpRequest, payload: GenerateIn) -> Status:
    actor = get_actor(request)
    try:
        kind = get_kind(payload.kind)
    except LookupError:
        raise ValidationError({"kind": _("Type de document inconnu : %(kind)s") % {"kind": payload.kind}}) from None
    if kind.hooks.resolve is None:
        raise Http404
    subject = kind.hooks.resolve(actor, payload.subject_id)
    try:
        document = services.document_generate(actor=actor, kind=kind, subject=subject)
    except services.MissingData as exc:
        labels = "; ".join(m.label for m in exc.missing)
        message = _("Données manquantes : %(labels)s.") % {"labels": labels}
        body = refusal_body([field_error(["body", "subject_id"], message, "missing")], code="missing_data")
        return Status(422, {**body, "missing": [{"label": m.label, "url": m.url} for m in exc.missing]})
    return Status(201, document)


@router.post("/documents/{document_id}/finalise", response=DocumentOut)
@permission(MEMBER)
def document_finalise(request: HttpRequest, document_id: int) -> Document:
    return services.document_finalise(actor=get_actor(request), document_id=document_id)


@router.get("/documents/{document_id}/file")
@permission(MEMBER)
def document_file_get(request: HttpRequest, document_id: int, original: bool = False) -> FileResponse:
    """The signed copy once every signature is in (`?original=true`: the stored original), else the PDF."""
    document = selectors.document_get(actor=get_actor(request), document_id=document_id)
    handle, filename = services.document_open(document, original=original)
    return FileResponse(handle, content_type="application/pdf", filename=filename, as_attachment=False)
