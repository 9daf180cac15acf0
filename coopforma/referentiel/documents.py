# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the référentiel registers with the documents engine: the « Relevé de compétences » document kind (subject:
a trainee), and the keywords it adds to the programme (each objective with the competencies of the networks'
référentiels it aims at, a context provider: the engine and training_sessions never import the référentiel).

Only what the records prove (Code du travail L6353-1; docs/credentials.md): each competency of a référentiel
that an acquired-skills assessment evidences, with its level, the session, its dates, the training, who
assessed it, and the référentiel's name, version and the competency's stable URL. The issued PDF carries the
engine's verification code and QR code (`/v/<code>`) and its SHA-256 is stored.
"""

from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from coopforma.core.formatting import fr_date
from coopforma.documents.default_templates import load_header
from coopforma.documents.registry import DocumentKind, Keyword, KindHooks, Missing, register, register_context_provider
from coopforma.people.models import Trainee
from coopforma.people.selectors import trainee_get
from coopforma.referentiel.records import RecordEntry, record_entries
from coopforma.referentiel.selectors import programme_competencies
from coopforma.training_sessions.documents import DOCUMENT_KEYWORDS, ORGANISATION_KEYWORDS, organisation_data

KIND = "competency_record"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "referentiel" / "competency_record.typ"

ENTRY_EXAMPLE = {
    "code": "M1-C2",
    "label": "Animer une réunion coopérative",
    "url": "https://coopforma.example/reseaux/formations-cooperatives/referentiel/v/1.0/competences/M1-C2/",
    "referentiel": "Référentiel des métiers de la coopération",
    "version": "1.0",
    "level": "Pratique",
    "objective": "Animer une assemblée générale",
    "session": "Animer la vie coopérative — printemps",
    "training": "Animer la vie coopérative",
    "start": "02/03/2026",
    "end": "04/03/2026",
    "evaluator": "Claude Formatrice",
    "assessed_on": "04/03/2026",
}

KEYWORDS = (
    *ORGANISATION_KEYWORDS,
    *DOCUMENT_KEYWORDS,
    Keyword("trainee.full_name", "Nom et prénom du ou de la stagiaire", "Paul Martin"),
    Keyword(
        "record.entries",
        "Compétences attestées (boucle : code, label, url, referentiel, version, level, objective, session, "
        "training, start, end, evaluator, assessed_on)",
        [ENTRY_EXAMPLE],
    ),
)


def record_context(trainee: Trainee, entries: list[RecordEntry]) -> dict[str, Any]:
    return {
        "organisation": organisation_data(trainee.organisation),
        "document": {"date": fr_date(timezone.localdate()), "place": trainee.organisation.city or ""},
        "trainee": {"full_name": trainee.full_name},
        "record": {"entries": [entry.as_context() for entry in entries]},
    }


def _context(trainee: Trainee) -> dict[str, Any]:
    """Every entry of the trainee's record (the staff page and the portal pass the entries they may show)."""
    return record_context(trainee, record_entries(organisation_id=trainee.organisation_id, trainee_ids=[trainee.pk]))


def _missing(trainee: Trainee) -> list[Missing]:
    if record_entries(organisation_id=trainee.organisation_id, trainee_ids=[trainee.pk]):
        return []
    url = reverse("people:trainee_detail", kwargs={"org": trainee.organisation.slug, "pk": trainee.pk})
    return [Missing(f"Aucune compétence attestée pour {trainee.full_name} (évaluation des acquis)", url)]


def default_template() -> str:
    return load_header() + "\n" + TEMPLATE.read_text(encoding="utf-8")


def register_kind() -> None:
    register(
        DocumentKind(
            code=KIND,
            label="Relevé de compétences",
            subject="trainee",
            keywords=KEYWORDS,
            build_context=_context,
            missing=_missing,
            default_template=default_template(),
            description=(
                "Les compétences d'un référentiel attestées par l'évaluation des acquis du ou de la stagiaire, "
                "session par session."
            ),
            hooks=KindHooks(
                resolve=lambda actor, pk: trainee_get(actor=actor, trainee_id=pk),
                label=lambda trainee: trainee.full_name,
            ),
        )
    )


PROGRAMME_KEYWORDS = (
    Keyword(
        "referentiel.objectives",
        "Compétences du référentiel visées, par objectif (liste : objective, competencies — chacune code, label, "
        "level, referentiel)",
        [
            {
                "objective": "Prévenir et réguler les tensions d'un groupe",
                "competencies": [
                    {
                        "code": "M1-C4",
                        "label": "Prévenir et réguler les tensions",
                        "level": "Pratique",
                        "referentiel": "Référentiel des métiers de la coopération 1.0",
                    }
                ],
            }
        ],
    ),
    Keyword("referentiel.has_competencies", "Vrai quand au moins un objectif vise une compétence du référentiel", True),
)


def programme_provider(session: Any, context: dict[str, Any]) -> dict[str, Any]:
    """The session's training's objective links (by rank in `Training.objectives`, which the links name)."""
    training = session.training
    rows = programme_competencies(training_id=training.pk, objectives=[str(o) for o in training.objectives or []])
    return {
        **context,
        "referentiel": {"objectives": rows, "has_competencies": any(row["competencies"] for row in rows)},
    }


def register_providers() -> None:
    """Called by ReferentielConfig.ready() (registering twice is a no-op)."""
    register_context_provider("programme", programme_provider, keywords=PROGRAMME_KEYWORDS)
