# SPDX-License-Identifier: AGPL-3.0-or-later
"""The session's document kinds, registered with the engine by `TrainingSessionsConfig.ready()`."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from coopforma.core.mail import MailAttachment
from coopforma.documents.default_templates import load_default
from coopforma.documents.registry import DocumentKind, Keyword, Missing, register
from coopforma.training_sessions.documents.access_map import access_map_files
from coopforma.training_sessions.documents.data import (
    enrolment_context,
    participant_context,
    session_context,
    skills_assessment_context,
    subcontracting_context,
)
from coopforma.training_sessions.documents.hooks import (
    SUBJECT_HOOKS,
    _enrolment_applies,
    _session_trainees,
)
from coopforma.training_sessions.documents.keywords import (
    CLIENT_KEYWORDS,
    DOCUMENT_KEYWORDS,
    ENROLMENT_KEYWORDS,
    ORGANISATION_KEYWORDS,
    SESSION_KEYWORDS,
    SUBCONTRACTOR_KEYWORDS,
    TRAINEE_KEYWORDS,
)
from coopforma.training_sessions.documents.missing import (
    attendance_missing,
    attestation_missing,
    certificate_missing,
    contract_missing,
    convention_missing,
    convocation_missing,
    programme_missing,
    quote_missing,
    rules_missing,
    skills_assessment_convention_missing,
    subcontracting_missing,
)

# --- The kinds ----------------------------------------------------------------------------------------------


def _kind(
    code: str,
    label: str,
    subject: str,
    keywords: tuple[Keyword, ...],
    build: Callable[[Any], dict[str, Any]],
    missing: Callable[[Any], list[Missing]],
    *,
    signers: tuple[str, ...] = (),
    bulk: bool = False,
    description: str = "",
    applies: Callable[[Any], bool] | None = None,
    attachments: tuple[str, ...] = (),
    extra_files: Callable[[int], list[tuple[str, MailAttachment]]] | None = None,
    session_recipients: bool = False,
) -> DocumentKind:
    hooks = SUBJECT_HOOKS[subject]
    if subject == "enrolment":
        hooks = replace(hooks, applies=_enrolment_applies(code))
    if applies is not None:
        hooks = replace(hooks, applies=applies)
    if attachments:
        hooks = replace(hooks, attachments=attachments)
    if extra_files is not None:
        hooks = replace(hooks, extra_files=extra_files)
    if session_recipients:
        hooks = replace(hooks, session_recipients=_session_trainees)
    return DocumentKind(
        code=code,
        label=label,
        subject=subject,
        keywords=keywords,
        build_context=build,
        missing=missing,
        default_template=load_default(code),
        default_signers=signers,
        description=description,
        bulk=bulk,
        hooks=hooks,
    )


BASE = ORGANISATION_KEYWORDS + SESSION_KEYWORDS + DOCUMENT_KEYWORDS


def kinds() -> list[DocumentKind]:
    enrolment_kw = BASE + CLIENT_KEYWORDS + ENROLMENT_KEYWORDS
    participant_kw = BASE + CLIENT_KEYWORDS + TRAINEE_KEYWORDS
    return [
        _kind(
            "convention",
            "Convention de formation",
            "enrolment",
            enrolment_kw,
            enrolment_context,
            convention_missing,
            signers=("quality", "client"),
            description="Entre l'organisme et une entreprise, un organisme public ou un autre OF (art. D6353-1).",
        ),
        _kind(
            "skills_assessment_convention",
            "Convention de bilan de compétences",
            "enrolment",
            enrolment_kw + TRAINEE_KEYWORDS[:5],
            skills_assessment_context,
            skills_assessment_convention_missing,
            signers=("quality", "client", "trainee"),
            description=(
                "Tripartite : l'employeur, le ou la salarié·e bénéficiaire et l'organisme (articles L6313-4 et "
                "R6313-4 à R6313-8) ; à la place de la convention de formation pour un bilan de compétences."
            ),
        ),
        _kind(
            "contract",
            "Contrat de formation professionnelle",
            "enrolment",
            enrolment_kw,
            enrolment_context,
            contract_missing,
            signers=("quality", "client"),
            description="Avec un particulier qui finance lui-même sa formation (art. L6353-3 à L6353-7).",
        ),
        _kind(
            "programme",
            "Programme de formation",
            "session",
            BASE,
            session_context,
            programme_missing,
            session_recipients=True,
        ),
        _kind(
            "convocation",
            "Convocation",
            "participant",
            participant_kw,
            participant_context,
            convocation_missing,
            bulk=True,
            # The convocation says the programme and the règlement intérieur are attached (L6353-8: given
            # before the final enrolment): diffusing it delivers them too, and is refused until they are issued.
            attachments=("programme", "rules"),
            # And the access map of its places (address, access notes, accessibility, a QR code to a map).
            extra_files=access_map_files,
        ),
        _kind("rules", "Règlement intérieur", "session", BASE, session_context, rules_missing, session_recipients=True),
        _kind(
            "attendance_sheet",
            "Feuille d'émargement",
            "session",
            BASE,
            session_context,
            attendance_missing,
            signers=("trainer", "trainee"),
        ),
        _kind(
            "certificate",
            "Certificat de réalisation",
            "participant",
            participant_kw,
            participant_context,
            certificate_missing,
            signers=("quality",),
            bulk=True,
        ),
        _kind(
            "attestation",
            "Attestation de fin de formation",
            "participant",
            participant_kw,
            participant_context,
            attestation_missing,
            signers=("quality",),
            bulk=True,
        ),
        _kind(
            "subcontracting",
            "Contrat de sous-traitance",
            "session",
            BASE + SUBCONTRACTOR_KEYWORDS,
            subcontracting_context,
            subcontracting_missing,
            description=(
                "Avec l'organisme de formation à qui l'OF confie la réalisation d'une session (indicateur "
                "Qualiopi 27) ; ce n'est pas une convention de formation (D6353-1)."
            ),
            applies=lambda session: session.subcontracted_out,
        ),
        _kind("quote", "Devis", "enrolment", enrolment_kw, enrolment_context, quote_missing, signers=("client",)),
    ]


_REGISTERED = False


def register_kinds() -> None:
    """Called once by TrainingSessionsConfig.ready()."""
    global _REGISTERED
    if _REGISTERED:
        return
    for kind in kinds():
        register(kind)
    _REGISTERED = True
