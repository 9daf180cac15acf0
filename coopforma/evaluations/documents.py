# SPDX-License-Identifier: AGPL-3.0-or-later
"""The acquired-skills assessment on the attestation de fin de formation (Code du travail L6353-1: the OF gives
each trainee, at the end, a document stating the objectives, nature and duration of the action **and the results
of the assessment of acquired skills**; Qualiopi indicator 11).

training_sessions builds the attestation's context but sits above evaluations in the layers: `ready()` registers
a context provider with the documents engine (`documents.registry.register_context_provider`) that adds
`assessment` — the trainer's answers to the « Évaluation des acquis par objectif » questionnaire (kind
`skills`) for that trainee: per objective « Acquis », « En cours d'acquisition » or « Non acquis » — and a
finalise check: no final attestation (nor sending it for signature) while that assessment is not entered.

Reading a rating v on 1..n: (v − 1) / (n − 1) ≥ 3/4 → acquis, ≥ 1/2 → en cours d'acquisition, else non acquis
(with the shipped 1–5 scale: 4–5 acquis, 3 en cours, 1–2 non acquis, as its help text says).
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from coopforma.documents.registry import Keyword, register_context_provider, register_finalise_check
from coopforma.evaluations.models import Answer, Invitation, QuestionnaireKind, QuestionType
from coopforma.training_sessions.models import Participant

ACQUIRED = "Acquis"
IN_PROGRESS = "En cours d'acquisition"
NOT_ACQUIRED = "Non acquis"
NOT_ASSESSED = "Non évalué"


def level(value: int | None, scale_max: int) -> str:
    if value is None:
        return NOT_ASSESSED
    span = max(scale_max - 1, 1)
    ratio = (value - 1) / span
    if ratio >= 0.75:
        return ACQUIRED
    if ratio >= 0.5:
        return IN_PROGRESS
    return NOT_ACQUIRED


def _invitation(participant: Participant) -> Invitation | None:
    return (
        Invitation.objects.filter(
            participant=participant,
            survey__session_id=participant.session_id,
            survey__questionnaire__kind=QuestionnaireKind.SKILLS,
            answered_at__isnull=False,
        )
        .select_related("survey", "response")
        .order_by("-answered_at")
        .first()
    )


def assessment_data(participant: Participant, objectives: list[str]) -> dict[str, Any]:
    """The trainee's assessment per objective (the objectives assessed, else the session's)."""
    invitation = _invitation(participant)
    if invitation is None or not hasattr(invitation, "response"):
        return {
            "done": False,
            "date": "",
            "method": "",
            "comment": "",
            "objectives": [_row(o, NOT_ASSESSED) for o in objectives],
        }
    snapshot = invitation.survey.snapshot or {}
    questions = {q["id"]: q for q in snapshot.get("questions", [])}
    assessed = [str(o) for o in snapshot.get("objectives") or objectives]
    values: dict[int, str] = {}
    method = comment = ""
    for answer in Answer.objects.filter(response=invitation.response).order_by("id"):
        question = questions.get(answer.question_id, {})
        kind = question.get("type")
        if kind == QuestionType.OBJECTIVES and answer.objective_index is not None:
            values[answer.objective_index] = level(answer.value, int(question.get("scale_max") or 5))
        elif kind == QuestionType.SINGLE and answer.value is not None:
            choices = question.get("choices") or []
            method = str(choices[answer.value]) if 0 <= answer.value < len(choices) else method
        elif kind == QuestionType.TEXT and answer.text:
            comment = answer.text
    return {
        "done": True,
        "date": timezone.localtime(invitation.answered_at).strftime("%d/%m/%Y"),
        "method": method,
        "comment": comment,
        "objectives": [_row(o, values.get(i, NOT_ASSESSED)) for i, o in enumerate(assessed)],
    }


def _row(objective: str, result: str) -> dict[str, Any]:
    return {
        "objective": objective,
        "result": result,
        "acquired": result == ACQUIRED,
        "in_progress": result == IN_PROGRESS,
        "not_acquired": result == NOT_ACQUIRED,
    }


def attestation_provider(subject: Participant, context: dict[str, Any]) -> dict[str, Any]:
    objectives = [str(o) for o in (context.get("session") or {}).get("objectives") or []]
    return {**context, "assessment": assessment_data(subject, objectives)}


def attestation_check(subject: Participant, context: dict[str, Any]) -> list[str]:
    """L6353-1: the attestation states the results of the assessment; refuse it final without them."""
    fresh = assessment_data(subject, [])
    name = subject.trainee.full_name
    if not fresh["done"]:
        url = reverse("evaluations:assess_list", kwargs={"org": subject.organisation.slug})
        return [
            f"L'évaluation des acquis de {name} n'est pas saisie (questionnaire « Évaluation des acquis par "
            f"objectif », {url}) : l'attestation de fin de formation doit en porter les résultats "
            "(art. L6353-1 du Code du travail)."
        ]
    stored = context.get("assessment") or {}
    if not stored.get("done") or stored.get("objectives") != fresh["objectives"]:
        return [
            f"Le brouillon de l'attestation de {name} a été établi avant la saisie de son évaluation des acquis, "
            "ou celle-ci a changé depuis : générez-le à nouveau."
        ]
    return []


KEYWORDS = (
    Keyword("assessment.done", "Vrai quand l'évaluation des acquis du ou de la stagiaire est saisie", True),
    Keyword("assessment.date", "Date de l'évaluation des acquis", "03/03/2026"),
    Keyword("assessment.method", "Méthode d'évaluation utilisée", "Mise en situation"),
    Keyword("assessment.comment", "Commentaire du ou de la formateur·rice", ""),
    Keyword(
        "assessment.objectives",
        "Résultats par objectif (liste : objective, result, acquired, in_progress, not_acquired)",
        [
            {
                "objective": "Préparer un ordre du jour",
                "result": ACQUIRED,
                "acquired": True,
                "in_progress": False,
                "not_acquired": False,
            }
        ],
    ),
)


def register_providers() -> None:
    """Called by EvaluationsConfig.ready() (registering twice is a no-op)."""
    register_context_provider("attestation", attestation_provider, keywords=KEYWORDS)
    register_finalise_check("attestation", attestation_check)
