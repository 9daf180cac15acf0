# SPDX-License-Identifier: AGPL-3.0-or-later
"""The keywords the référentiel adds to the programme (a session's document, training_sessions): each
objective with the competencies of the networks' référentiels it aims at. Registered by ReferentielConfig.ready()
as a context provider: the documents engine and training_sessions never import the référentiel."""

from typing import Any

from coopforma.documents.registry import Keyword, register_context_provider
from coopforma.referentiel.selectors import programme_competencies

KEYWORDS = (
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
    register_context_provider("programme", programme_provider, keywords=KEYWORDS)
