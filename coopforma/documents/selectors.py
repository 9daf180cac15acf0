# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of issued documents. Visibility follows the subject: an actor sees a document when the kind's
resolver (`kind.hooks.resolve`, the domain's scoped `<noun>_get`) lets them see its subject."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.documents.models import Document, DocumentStatus
from coopforma.documents.registry import DocumentKind, Missing, all_kinds, batch, get_kind


def _kind_or_404(code: str) -> DocumentKind:
    try:
        return get_kind(code)
    except LookupError:
        raise Http404 from None


def session_kinds() -> list[DocumentKind]:
    """The kinds whose subjects belong to a session (they carry the session hooks)."""
    return [k for k in all_kinds() if k.hooks.resolve_session is not None]


def session_resolve(*, actor: Actor, session_id: int) -> Any:
    """The session through the domain's scoped selector (Http404 when missing or not visible)."""
    for kind in session_kinds():
        if kind.hooks.resolve_session is not None:
            return kind.hooks.resolve_session(actor, session_id)
    raise Http404


def document_subject(*, actor: Actor, document: Document) -> Any:
    kind = _kind_or_404(document.kind)
    if kind.hooks.resolve is None:
        raise Http404
    return kind.hooks.resolve(actor, document.subject_id)


def document_get(*, actor: Actor, document_id: int) -> Document:
    """One document of the actor's organisation whose subject the actor may see; Http404 otherwise."""
    document = (
        Document.objects.filter(organisation_id=actor.organisation_id, pk=document_id)
        .select_related("finalised_by", "created_by", "previous")
        .first()
    )
    if document is None:
        raise Http404
    document_subject(actor=actor, document=document)
    return document


def document_list(*, actor: Actor, session_id: int) -> QuerySet[Document]:
    """The documents of a visible session, newest first (one query)."""
    session_resolve(actor=actor, session_id=session_id)
    return Document.objects.filter(organisation_id=actor.organisation_id, session_id_ref=session_id).order_by(
        "kind", "subject_id", "-version", "-id"
    )


def document_versions(document: Document) -> list[Document]:
    """The chain of versions of a document, newest first."""
    chain = [document]
    current = document
    while current.previous_id:
        current = Document.objects.get(pk=current.previous_id)
        chain.append(current)
    return chain


@dataclass
class SubjectRow:
    subject: Any
    label: str
    documents: list[Document]  # every version, newest first
    missing: list[Missing]

    @property
    def current(self) -> Document | None:
        return next((d for d in self.documents if d.status != DocumentStatus.REPLACED), None)

    @property
    def older(self) -> list[Document]:
        current = self.current
        return [d for d in self.documents if d is not current]


@dataclass
class KindSection:
    kind: DocumentKind
    rows: list[SubjectRow] = field(default_factory=list)


@dataclass
class SessionDocuments:
    session: Any
    sections: list[KindSection]


def session_documents(*, actor: Actor, session_id: int, with_missing: bool = True) -> SessionDocuments:
    """For each kind, the session's subjects (enrolments, participants, the session) with their documents.

    A constant number of queries whatever the number of trainees: the documents in one query, each kind of
    subject once, and the missing-data checks inside the kinds' batch (what the rows share — organisation,
    session, slots — is read once, the rest comes with the subjects)."""
    session = session_resolve(actor=actor, session_id=session_id)
    documents = list(document_list(actor=actor, session_id=session_id))
    by_key: dict[tuple[str, int], list[Document]] = {}
    for document in documents:
        by_key.setdefault((document.kind, document.subject_id), []).append(document)
    kinds = session_kinds()
    with batch(*kinds):
        sections = _sections(actor=actor, session_id=session_id, kinds=kinds, by_key=by_key, with_missing=with_missing)
    return SessionDocuments(session=session, sections=sections)


def _sections(
    *,
    actor: Actor,
    session_id: int,
    kinds: list[DocumentKind],
    by_key: dict[tuple[str, int], list[Document]],
    with_missing: bool,
) -> list[KindSection]:
    sections = []
    subjects_cache: dict[Any, Iterable[Any]] = {}
    for kind in kinds:
        hook = kind.hooks.subjects_for_session
        if hook is None:
            continue
        if hook not in subjects_cache:
            subjects_cache[hook] = hook(actor, session_id)
        applies = kind.hooks.applies
        label = kind.hooks.label or str
        rows = [
            SubjectRow(
                subject=subject,
                label=label(subject),
                documents=by_key.get((kind.code, subject.pk), []),
                missing=kind.missing(subject) if with_missing else [],
            )
            for subject in subjects_cache[hook]
            if applies is None or applies(subject)
        ]
        sections.append(KindSection(kind=kind, rows=rows))
    return sections
