# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the template editor: the kinds with their active template, versions, and the preview.

Templates belong to the organisation as a whole (no member-structure scoping): whoever holds the editing
flag sees all of them.
"""

import base64
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.core.models import ActivityLog
from coopforma.documents import registry, rendering
from coopforma.documents.branding import branding_inputs, with_branding
from coopforma.documents.models import DocumentTemplate
from coopforma.documents.registry import DocumentKind, Missing
from coopforma.documents.services import engine_preamble

# Editing templates is for the admin and the quality manager. "catalogue.validate" is the closest flag that
# exists today; a dedicated "documents.templates" flag would say it better (see accounts/roles.py).
TEMPLATE_FLAG = "documents.templates"

# The preview shows at most this many pages (a template is a few pages; a runaway loop is not worth showing).
PREVIEW_MAX_PAGES = 12
PREVIEW_SUBJECTS_MAX = 50


def _code(kind: DocumentKind | str) -> str:
    return kind if isinstance(kind, str) else kind.code


def active_template(*, organisation: Organisation, kind: DocumentKind | str) -> DocumentTemplate | None:
    """The organisation's template in use for `kind` (a kind or its code), or None: the kind's default applies."""
    return (
        DocumentTemplate.objects.filter(organisation=organisation, kind=_code(kind), is_active=True)
        .select_related("updated_by")
        .first()
    )


def kind_get(*, actor: Actor, code: str) -> DocumentKind:
    """A registered kind, for an actor who may edit templates (404 when the code is unknown)."""
    actor.require(TEMPLATE_FLAG)
    try:
        return registry.get_kind(code)
    except LookupError:
        raise Http404(code) from None


@dataclass
class KindRow:
    kind: DocumentKind
    template: DocumentTemplate | None  # None: the default text is used


def template_overview(*, actor: Actor) -> list[KindRow]:
    """Every registered kind with the organisation's active template (one query whatever the number of kinds)."""
    actor.require(TEMPLATE_FLAG)
    active = {
        template.kind: template
        for template in DocumentTemplate.objects.filter(organisation=actor.organisation, is_active=True).select_related(
            "updated_by"
        )
    }
    kinds = sorted(registry.all_kinds(), key=lambda kind: str(kind.label).lower())
    return [KindRow(kind=kind, template=active.get(kind.code)) for kind in kinds]


def template_versions(*, actor: Actor, kind: DocumentKind) -> QuerySet[DocumentTemplate]:
    """Every version of the organisation's template for `kind`, newest first."""
    actor.require(TEMPLATE_FLAG)
    return (
        DocumentTemplate.objects.filter(organisation=actor.organisation, kind=kind.code)
        .select_related("updated_by")
        .order_by("-version", "-id")
    )


def template_version_get(*, actor: Actor, kind: DocumentKind, template_id: int) -> DocumentTemplate:
    """One version of the organisation's template for `kind`; 404 when missing or another organisation's."""
    template = template_versions(actor=actor, kind=kind).filter(pk=template_id).first()
    if template is None:
        raise Http404
    return template


def template_events(*, actor: Actor, kind: DocumentKind) -> QuerySet[ActivityLog]:
    """The activity log of every version of `kind`'s template (saves and resets), newest first."""
    actor.require(TEMPLATE_FLAG)
    return ActivityLog.objects.filter(
        organisation=actor.organisation, action__startswith="documents.template.", data__kind=kind.code
    ).order_by("-created_at", "-id")


def preview_subjects(*, actor: Actor, kind: DocumentKind) -> list[tuple[str, Any]]:
    """Real records the preview may use, when the kind provides them (`hooks.preview_subjects`)."""
    actor.require(TEMPLATE_FLAG)
    provider = kind.hooks.preview_subjects
    if not callable(provider):
        return []
    return list(provider(actor))[:PREVIEW_SUBJECTS_MAX]


@dataclass
class Preview:
    pages: list[str] = field(default_factory=list)  # data: URIs of PNG images
    page_count: int = 0
    problem: rendering.TemplateProblem | None = None
    missing: list[Missing] = field(default_factory=list)
    subject_label: str = ""

    @property
    def truncated(self) -> bool:
        return self.page_count > len(self.pages)


def template_preview(*, actor: Actor, kind: DocumentKind, body: str, subject: int | None = None) -> Preview:
    """Render unsaved text to PNG pages with the kind's examples, or with real record number `subject`.

    The pages are images: nothing from the template or the data can run in the browser.
    """
    actor.require(TEMPLATE_FLAG)
    preview = Preview()
    context = kind.sample_context()
    if subject is not None:
        subjects = preview_subjects(actor=actor, kind=kind)
        if not 0 <= subject < len(subjects):
            raise Http404
        preview.subject_label, record = subjects[subject]
        preview.missing = list(kind.missing(record))
        context = registry.build_context(kind, record)
    context = with_branding(context, actor.organisation)
    try:
        # Only the first pages are drawn: a long document costs its layout, not hundreds of images.
        pages, preview.page_count = rendering.preview_pages(
            rendering.render_markup(body, context), inputs=branding_inputs(context), first=PREVIEW_MAX_PAGES
        )
    except rendering.TemplateProblem as problem:
        preview.problem = problem
        return preview
    preview.pages = ["data:image/png;base64," + base64.b64encode(page).decode("ascii") for page in pages]
    return preview


def preview_context(*, actor: Actor, kind: DocumentKind, subject: int | None = None) -> dict[str, Any]:
    """The values a preview uses: the keywords' examples, or those of real record number `subject` (404 when out
    of range), with the organisation's logo and colour."""
    actor.require(TEMPLATE_FLAG)
    context = kind.sample_context()
    if subject is not None:
        subjects = preview_subjects(actor=actor, kind=kind)
        if not 0 <= subject < len(subjects):
            raise Http404
        context = registry.build_context(kind, subjects[subject][1])
    return with_branding(context, actor.organisation)


def template_preview_pdf(*, actor: Actor, kind: DocumentKind, body: str, subject: int | None = None) -> bytes:
    """Unsaved text as a PDF (no verification code, a « BROUILLON » background). Raises TemplateProblem."""
    context = preview_context(actor=actor, kind=kind, subject=subject)
    markup = engine_preamble(code=None, draft=True) + rendering.render_markup(body, context)
    return rendering.compile_pdf(markup, inputs=branding_inputs(context), tagged=False)
