# SPDX-License-Identifier: AGPL-3.0-or-later
"""Generation and finalisation of documents: generic over the registered kinds.

A kind (registry.DocumentKind) brings everything domain-specific: the context of a subject, what is missing,
and in `hooks` the resolvers that check the actor may see the subject (`resolve(actor, id)`, which raises
Http404). These services never import a domain app.

Workflow: `document_generate` makes a draft (PDF with a « BROUILLON » background) from the organisation's
active template of that kind, or the kind's default text, and stores the text and the context it used;
`document_finalise` renders that same snapshot without the background, stores it and its SHA-256: from then
on nothing changes the file or the hash. Generating again for a subject whose latest document is not a draft
makes a new version (`previous` → the old one, whose status becomes « replaced »).
"""

import hashlib
import io
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.selectors import organisation_signatory, signatory_context
from coopforma.core.log import log_action
from coopforma.documents.branding import branding_inputs, with_branding
from coopforma.documents.models import Document, DocumentStatus, DocumentTemplate
from coopforma.documents.qr import qr_svg, verification_url
from coopforma.documents.registry import (
    DocumentKind,
    Missing,
    batch,
    build_context,
    finalise_refusals,
    get_kind,
)
from coopforma.documents.rendering import TemplateProblem, compile_pdf, render_markup, typst_escape
from coopforma.documents.selectors import document_get, document_subject

# Statuses a later generation replaces (a draft is regenerated in place instead).
REPLACEABLE = (
    DocumentStatus.FINAL,
    DocumentStatus.AWAITING_SIGNATURES,
    DocumentStatus.SIGNED,
    DocumentStatus.DIFFUSED,
)


class MissingData(Exception):
    """The subject lacks data the document needs; `missing` lists it with the pages that fix it."""

    def __init__(self, missing: list[Missing], *, kind: DocumentKind | None = None, subject_label: str = "") -> None:
        self.missing = list(missing)
        self.kind = kind
        self.subject_label = subject_label
        super().__init__("; ".join(m.label for m in self.missing))


def _kind(kind: DocumentKind | str) -> DocumentKind:
    return get_kind(kind) if isinstance(kind, str) else kind


# --- Rendering ----------------------------------------------------------------------------------------------


def engine_preamble(*, code: str | None, draft: bool, logo_header: bool = False) -> str:
    """typst set rules put in front of every template: the footer (QR code + verification URL, page numbers)
    and, for a draft, a « BROUILLON » background. Templates must not set the page footer themselves."""
    if code:
        url = verification_url(code)
        left = (
            f"Document n° {typst_escape(code)} — vérifiez son authenticité sur "
            f"#link({_typst_string(url)})[{typst_escape(url)}] ou en scannant le code"
        )
        qr = ', image(bytes(sys.inputs.at("qr")), width: 1.7cm)'
        columns = "(1fr, auto)"
    else:
        left = "Exemplaire non enregistré (sans code de vérification)"
        qr = ""
        columns = "(1fr,)"
    background = (
        'background: rotate(-40deg, text(size: 90pt, weight: "bold", fill: luma(225))[BROUILLON]),\n' if draft else ""
    )
    header = (
        'header: context if counter(page).get().first() == 1 { align(right, image(bytes(sys.inputs.at("image_logo")), '
        "height: 0.9cm)) },\n"
        if logo_header
        else ""
    )
    return (
        "#set page(\n"
        f"{background}"
        f"{header}"
        "footer: context {\n"
        "  set text(size: 7pt, fill: luma(80))\n"
        f"  grid(columns: {columns}, gutter: 8pt, align: horizon,\n"
        f"    [{left} \\ Page #counter(page).display() sur #counter(page).final().first()]{qr})\n"
        "},\n"
        "footer-descent: 20%,\n"
        ")\n"
    )


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=2048)
def _qr_for(code: str) -> str:
    return qr_svg(verification_url(code))


def render_pdf(body: str, context: dict[str, Any], *, code: str | None, draft: bool, standard: str = "") -> bytes:
    """Template text + context → PDF bytes, with the engine's footer (and QR code when `code` is given);
    `standard` (« a-3b ») makes the final PDF a PDF/A (a draft never is).

    A template checked with the examples may still fail on real data (too many pages, too long): ValidationError
    with the reason, so that the page shows it and nothing is written."""
    try:
        inputs = {"qr": _qr_for(code)} if code else {}
        # Images in the context (an SVG text each, e.g. the organisation's logo) and the organisation's colour: the
        # template reads them as `sys.inputs.at("image_<name>")` and `brand_color`; they travel with the stored
        # context, so finalising redraws them (documents/branding.py).
        inputs.update(branding_inputs(context))
        # A template written before logos were printed on every document (it never reads the logo): the engine
        # puts the logo at the top of its first page.
        logo_header = "image_logo" in inputs and "image_logo" not in body
        markup = engine_preamble(code=code, draft=draft, logo_header=logo_header) + render_markup(body, context)
        return compile_pdf(markup, inputs=inputs or None, tagged=not draft, standard="" if draft else standard)
    except TemplateProblem as problem:
        raise ValidationError(
            {"template": _("Le modèle ne peut pas produire ce document : %(problem)s.") % {"problem": problem}}
        ) from problem


def active_template(organisation_id: int, kind_code: str) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(organisation_id=organisation_id, kind=kind_code, is_active=True).first()


def _visible_subject(actor: Actor, kind: DocumentKind, subject: Any) -> Any:
    """The subject again through the domain's scoped selector: Http404 when the actor may not see it."""
    if getattr(subject, "organisation_id", None) != actor.organisation_id:
        raise Http404
    if kind.hooks.resolve is None:
        raise Http404
    return kind.hooks.resolve(actor, subject.pk)


def subject_label(kind: DocumentKind, subject: Any) -> str:
    label = kind.hooks.label
    return label(subject) if label else str(subject)


def document_render(*, kind: DocumentKind | str, subject: Any) -> bytes:
    """A PDF of the kind for the subject without storing anything (the CLI): raises MissingData."""
    kind = _kind(kind)
    missing = kind.missing(subject)
    if missing:
        raise MissingData(missing, kind=kind, subject_label=subject_label(kind, subject))
    template = active_template(subject.organisation_id, kind.code)
    body = template.body if template else kind.default_template
    context = with_branding(build_context(kind, subject), subject.organisation)
    return render_pdf(body, context, code=None, draft=False)


# --- Generation ---------------------------------------------------------------------------------------------


def _file_name(document: Document, suffix: str) -> str:
    return f"{document.kind}-{document.verification_code}-v{document.version}-{suffix}.pdf"


_READ = object()  # `template` / `latest` not given: _generate reads them


def _latest_documents(
    *, actor: Actor, kind: DocumentKind, subject_type: ContentType, subject_ids: list[int]
) -> dict[int, Document]:
    """The current (not replaced) document of `kind` of each subject, locked until the transaction ends."""
    latest: dict[int, Document] = {}
    rows = (
        Document.objects.select_for_update()
        .filter(
            organisation_id=actor.organisation_id, subject_type=subject_type, subject_id__in=subject_ids, kind=kind.code
        )
        .exclude(status=DocumentStatus.REPLACED)
        .order_by("subject_id", "-version", "-id")
    )
    for document in rows:
        latest.setdefault(document.subject_id, document)
    return latest


def _generate(
    *,
    actor: Actor,
    kind: DocumentKind,
    subject: Any,
    template: Any = _READ,
    latest: Any = _READ,
    visible: bool = False,
    signatory: str | None = None,
) -> tuple[Document, bytes]:
    """A draft for one subject. The bulk run passes `visible=True` for subjects it got from the kind's scoped
    `subjects_for_session`, and the `template` and `latest` documents it read (and locked) once for all."""
    if not visible:
        subject = _visible_subject(actor, kind, subject)
    label = subject_label(kind, subject)
    missing = kind.missing(subject)
    if missing:
        raise MissingData(missing, kind=kind, subject_label=label)
    if template is _READ:
        template = active_template(actor.organisation_id, kind.code)
    body = template.body if template else kind.default_template
    context = with_branding(build_context(kind, subject), actor.organisation)
    if signatory:
        context = _with_signatory(actor, context, signatory)
    subject_type = ContentType.objects.get_for_model(type(subject))
    with transaction.atomic():
        if latest is _READ:
            found = _latest_documents(actor=actor, kind=kind, subject_type=subject_type, subject_ids=[subject.pk])
            latest = found.get(subject.pk)
        old_file = ""
        if latest is not None and latest.status == DocumentStatus.DRAFT:
            document = latest
            old_file = document.file.name
            action = "documents.document.regenerate"
        else:
            document = Document(
                organisation_id=actor.organisation_id,
                kind=kind.code,
                subject_type=subject_type,
                subject_id=subject.pk,
                version=(latest.version + 1) if latest else 1,
                previous=latest,
                created_by=actor.user,
            )
            action = "documents.document.generate"
            if latest is not None:
                Document.objects.filter(pk=latest.pk).update(status=DocumentStatus.REPLACED, updated_at=timezone.now())
        document.title = f"{kind.label} — {label}"[:300]
        session_of = kind.hooks.session_id
        document.session_id_ref = session_of(subject) if session_of else None
        document.template = template
        document.template_body = body
        document.context = context
        document.requires_quality_signature = (
            template.requires_quality_signature if template else "quality" in kind.default_signers
        )
        document.signers = list(template.signers) if template else [s for s in kind.default_signers if s != "quality"]
        pdf = render_pdf(body, context, code=document.verification_code, draft=True)
        document.file.save(_file_name(document, "brouillon"), ContentFile(pdf), save=False)
        # The foreign keys come from the actor, ContentType and the rows read above: no need to query them again.
        document.full_clean(exclude=["organisation", "created_by", "subject_type", "template", "previous"])
        document.save()
        log_action(
            actor=actor,
            obj=document,
            action=action,
            data={"kind": kind.code, "version": document.version, "previous": latest.pk if latest else None},
        )
        if old_file and old_file != document.file.name:
            # Once the new file is committed (a bulk run commits all its documents together).
            transaction.on_commit(lambda: default_storage.delete(old_file))
    return document, pdf


def _with_signatory(actor: Actor, context: dict[str, Any], choice: str) -> dict[str, Any]:
    """The context naming `choice` (« head », « delegate ») as the person who signs for the organisation."""
    if not organisation_signatory(actor.organisation, choice):
        raise ValidationError(
            {
                "signatory": _(
                    "Ce ou cette signataire n'est pas renseigné·e pour l'organisme (nom, et pour un·e délégataire "
                    "la date de la délégation) : complétez la page « Organisme »."
                )
            }
        )
    organisation = dict(context.get("organisation") or {})
    organisation.update(signatory_context(actor.organisation, choice))
    return {**context, "organisation": organisation}


def document_generate(
    *, actor: Actor, kind: DocumentKind | str, subject: Any, signatory: str | None = None
) -> Document:
    """A draft document of `kind` for `subject` (an object the kind knows). Raises MissingData, Http404.
    `signatory` (« head », « delegate ») names another person than the organisation's usual signatory."""
    document, _pdf = _generate(actor=actor, kind=_kind(kind), subject=subject, signatory=signatory)
    return document


def _pdf_standard(kind_code: str) -> str:
    """The PDF standard the kind asks for its final PDF (« a-3b » for invoices and credit notes), else none."""
    try:
        return get_kind(kind_code).pdf_standard
    except LookupError:
        return ""


def document_check_final(*, actor: Actor, document: Document) -> None:
    """Refuse (ValidationError, field « status ») a document its kind's registered checks forbid to make final or
    to send for signature: e.g. a certificat de réalisation before the trainee's last slot has ended and its
    émargement is closed (Code du travail R6313-3: the realisation is proven, not planned)."""
    try:
        kind = get_kind(document.kind)
    except LookupError:
        return
    reasons = finalise_refusals(kind, lambda: document_subject(actor=actor, document=document), document.context or {})
    if reasons:
        raise ValidationError({"status": reasons})


def document_finalise(*, actor: Actor, document_id: int) -> Document:
    """Draft → final: the same text and data rendered without the draft background, stored with its SHA-256."""
    document = document_get(actor=actor, document_id=document_id)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(
            {
                "status": _(
                    "« %(title)s » est déjà %(status)s : un document définitif ne change plus. "
                    "Générez-le à nouveau pour en faire une nouvelle version."
                )
                % {"title": document.title, "status": document.get_status_display().lower()}
            }
        )
    document_check_final(actor=actor, document=document)
    pdf = render_pdf(
        document.template_body,
        document.context,
        code=document.verification_code,
        draft=False,
        standard=_pdf_standard(document.kind),
    )
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status != DocumentStatus.DRAFT:
            raise ValidationError({"status": _("Ce document vient d'être finalisé par quelqu'un d'autre.")})
        draft_file = locked.file.name
        locked.file.save(_file_name(locked, "definitif"), ContentFile(pdf), save=False)
        locked.sha256 = hashlib.sha256(pdf).hexdigest()
        locked.status = DocumentStatus.FINAL
        locked.finalised_at = timezone.now()
        locked.finalised_by = actor.user
        locked.save()
        log_action(actor=actor, obj=locked, action="documents.document.finalise", data={"sha256": locked.sha256})
        if draft_file and draft_file != locked.file.name:
            transaction.on_commit(lambda: default_storage.delete(draft_file))
    return locked


CHUNK = 64 * 1024


def _stored_name(file: FieldFile) -> str:
    """The storage name of a document's file (a document is created with its PDF)."""
    if not file.name:
        raise FileNotFoundError("The document has no stored file.")
    return file.name


def document_read(document: Document) -> bytes:
    """The stored PDF (final documents: checked against their SHA-256)."""
    with default_storage.open(_stored_name(document.file), "rb") as handle:
        data = handle.read()
    if document.sha256 and hashlib.sha256(data).hexdigest() != document.sha256:
        raise ValidationError({"file": _("Le fichier de « %(title)s » a été altéré.") % {"title": document.title}})
    return data


def _open_checked(name: str, sha256: str, altered: str) -> Any:
    """The stored file opened for streaming, after its SHA-256 was checked in chunks (never whole in memory)."""
    handle = default_storage.open(name, "rb")
    try:
        if sha256:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
            if digest.hexdigest() != sha256:
                raise ValidationError({"file": altered})
            handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def document_open(document: Document, *, original: bool = False) -> tuple[Any, str]:
    """`document_download` as an open file to stream (`FileResponse` closes it): the same choice of file, the
    same hash checks, read in chunks. A phone on a slow network then holds a thread, not the PDF in memory."""
    if document.signed_file and not original:
        altered = _("La copie signée de « %(title)s » a été altérée.") % {"title": document.title}
        handle = _open_checked(_stored_name(document.signed_file), document.signed_sha256, altered)
        return handle, f"{document.kind}-{document.verification_code}-v{document.version}-signe.pdf"
    altered = _("Le fichier de « %(title)s » a été altéré.") % {"title": document.title}
    handle = _open_checked(_stored_name(document.file), document.sha256, altered)
    return handle, f"{document.kind}-{document.verification_code}-v{document.version}.pdf"


def document_download(document: Document, *, original: bool = False) -> tuple[bytes, str]:
    """What « Télécharger » gives: the signed copy (the original pages and the signatures page) once every
    signature is in, else the stored PDF; `original=True` gives the stored PDF. Each checked against its hash."""
    if document.signed_file and not original:
        with default_storage.open(_stored_name(document.signed_file), "rb") as handle:
            data = handle.read()
        if document.signed_sha256 and hashlib.sha256(data).hexdigest() != document.signed_sha256:
            raise ValidationError(
                {"file": _("La copie signée de « %(title)s » a été altérée.") % {"title": document.title}}
            )
        return data, f"{document.kind}-{document.verification_code}-v{document.version}-signe.pdf"
    return document_read(document), f"{document.kind}-{document.verification_code}-v{document.version}.pdf"


# --- Bulk ---------------------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    documents: list[Document] = field(default_factory=list)
    pdfs: list[bytes] = field(default_factory=list)  # each generated document, in the order of `documents`
    missing: dict[str, list[Missing]] = field(default_factory=dict)  # subject label -> what it lacks

    @cached_property
    def pdf(self) -> bytes:
        """Every generated document in one PDF, merged when asked for (printing a whole session)."""
        from pypdf import PdfReader, PdfWriter

        if not self.pdfs:
            return b""
        writer = PdfWriter()
        for pdf in self.pdfs:
            writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()


def documents_generate_for_session(*, actor: Actor, session: Any, kind: DocumentKind | str) -> BulkResult:
    """One draft per subject of the session (e.g. each participant); `.pdf` merges them into one file."""
    kind = _kind(kind)
    if not kind.bulk:
        raise ValidationError({"kind": _("« %(kind)s » ne se génère pas en lot.") % {"kind": kind.label}})
    if kind.hooks.resolve_session is None or kind.hooks.subjects_for_session is None:
        raise Http404
    kind.hooks.resolve_session(actor, session.pk)  # 404 when the session is not visible
    result = BulkResult()
    template = active_template(actor.organisation_id, kind.code)
    # Inside the batch, what every document shares (organisation, session, slots, trainees…) is read once; one
    # transaction for the whole run (one commit instead of one per document).
    with batch(kind), transaction.atomic():
        subjects = list(kind.hooks.subjects_for_session(actor, session.pk))
        latest: dict[int, Document] = {}
        if subjects:
            subject_type = ContentType.objects.get_for_model(type(subjects[0]))
            ids = [subject.pk for subject in subjects]
            latest = _latest_documents(actor=actor, kind=kind, subject_type=subject_type, subject_ids=ids)
        for subject in subjects:
            try:
                document, pdf = _generate(
                    actor=actor,
                    kind=kind,
                    subject=subject,
                    template=template,
                    latest=latest.get(subject.pk),
                    visible=True,
                )
            except MissingData as exc:
                result.missing[exc.subject_label] = exc.missing
                continue
            result.documents.append(document)
            result.pdfs.append(pdf)
    return result
