# SPDX-License-Identifier: AGPL-3.0-or-later
"""A trainee's competency record: what the acquired-skills assessments prove, competency by competency.

Source: each trainer's answer of the « Évaluation des acquis (par objectif) » questionnaire (evaluations, kind
`skills`) on an objective of the session's training that the training links to a competency of a published
version of a référentiel (`ObjectiveCompetency`). Only what the records prove (Code du travail L6353-1): the
session, its dates, the training, who assessed, the organisation, the référentiel's name, version and the
competency's stable URL.

The level reached (docs/credentials.md, « Niveau atteint »). The answer reads as the attestation reads it
(`evaluations.documents.level`: on the 1–5 scale 4–5 « acquis », 3 « en cours d'acquisition », 1–2 « non
acquis »); the link's targeted level T (blank: « pratique », a training's operational objective is practised):
- « acquis » → T;
- « en cours d'acquisition » → the level below T (nothing when T is « notions »);
- « non acquis » (or not assessed) → nothing.
So a record never claims more than the training aimed at, nor more than the trainer stated.

These functions are not scoped: the selectors (`competency_record`, `competency_record_for_visitor`) decide
whose record may be read, then call them.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from coopforma.core.links import absolute_url
from coopforma.core.models import ActivityLog
from coopforma.evaluations.documents import ACQUIRED, IN_PROGRESS, level
from coopforma.evaluations.models import Answer, QuestionnaireKind, QuestionType
from coopforma.referentiel.models import LEVELS, ObjectiveCompetency, VersionState
from coopforma.training_sessions.models import Session

LEVEL_CODES = [code for code, _label in LEVELS]
LEVEL_LABELS = {code: str(label) for code, label in LEVELS}
DEFAULT_TARGET = "pratique"


def level_reached(result: str, target: str) -> str:
    """The référentiel level an assessment result proves for a link targeting `target` ("" when none)."""
    target = target if target in LEVEL_CODES else DEFAULT_TARGET
    rank = LEVEL_CODES.index(target)
    if result == ACQUIRED:
        return target
    if result == IN_PROGRESS and rank > 0:
        return LEVEL_CODES[rank - 1]
    return ""


def competency_url(network_slug: str, version_number: str, code: str) -> str:
    """The stable public URL of a competency in a published version."""
    return absolute_url(
        reverse("referentiel:competences", kwargs={"network": network_slug, "number": version_number, "code": code})
    )


@dataclass(frozen=True)
class RecordEntry:
    """One competency evidenced at one level by one assessment of one session."""

    trainee_id: int
    participant_id: int
    competency_id: int
    competency_code: str
    competency_label: str
    competency_description: str
    competency_url: str
    referentiel_title: str
    version_number: str
    level: str
    objective: str
    session_id: int
    session_title: str
    start_date: dt.date | None
    end_date: dt.date | None
    training_title: str
    evaluator: str
    assessed_on: dt.date
    organisation_name: str

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    def as_context(self) -> dict[str, Any]:
        """Plain values for a document's context (dates as dd/mm/yyyy)."""

        def day(value: dt.date | None) -> str:
            return value.strftime("%d/%m/%Y") if value else ""

        return {
            "code": self.competency_code,
            "label": self.competency_label,
            "url": self.competency_url,
            "referentiel": self.referentiel_title,
            "version": self.version_number,
            "level": self.level_label,
            "objective": self.objective,
            "session": self.session_title,
            "training": self.training_title,
            "start": day(self.start_date),
            "end": day(self.end_date),
            "evaluator": self.evaluator,
            "assessed_on": day(self.assessed_on),
        }


def _evaluators(sessions: dict[int, Session]) -> dict[tuple[int, int], str]:
    """(session id, participant id) → who entered the assessment from the staff page (the activity log)."""
    found: dict[tuple[int, int], str] = {}
    entries = ActivityLog.objects.filter(
        action="evaluations.skills.assess",
        content_type=ContentType.objects.get_for_model(Session),
        object_id__in=list(sessions),
    ).order_by("created_at", "pk")
    for entry in entries:
        participant = (entry.data or {}).get("participant")
        if isinstance(participant, int):
            found[(int(entry.object_id), participant)] = entry.actor_label
    return found


def record_entries(*, organisation_id: int, trainee_ids: list[int], session_ids: Any = None) -> list[RecordEntry]:
    """Every competency the trainees' skills assessments prove, by competency code then date (a constant number of
    queries). `session_ids` (a list or a queryset of ids) narrows to the sessions a staff member may see."""
    answers = Answer.objects.filter(
        organisation_id=organisation_id,
        response__invitation__participant__trainee_id__in=trainee_ids,
        response__invitation__survey__questionnaire__kind=QuestionnaireKind.SKILLS,
        question__type=QuestionType.OBJECTIVES,
        objective_index__isnull=False,
    ).select_related(
        "question",
        "response__invitation__participant",
        "response__invitation__survey__session__training",
    )
    if session_ids is not None:
        answers = answers.filter(response__invitation__survey__session_id__in=session_ids)
    answers = list(answers)
    sessions = {a.response.invitation.survey.session_id: a.response.invitation.survey.session for a in answers}
    training_ids = {s.training_id for s in sessions.values() if s.training_id}
    links: dict[tuple[int, int], list[ObjectiveCompetency]] = {}
    for link in ObjectiveCompetency.objects.filter(
        training_id__in=training_ids, competency__version__state=VersionState.PUBLISHED
    ).select_related("competency__version__referentiel__network", "training__organisation"):
        links.setdefault((link.training_id, link.objective), []).append(link)
    if not links:
        return []
    evaluators = _evaluators(sessions)
    first_trainers: dict[int, str] = {}
    for session in Session.objects.filter(pk__in=list(sessions)).prefetch_related("trainers"):
        trainers = sorted(session.trainers.all(), key=lambda t: (t.last_name, t.first_name))
        # Answered through the e-mailed link: it went to the session's first trainer (evaluations._people).
        first_trainers[session.pk] = trainers[0].full_name if trainers else ""
    entries: list[RecordEntry] = []
    for answer in answers:
        invitation = answer.response.invitation
        survey = invitation.survey
        session = survey.session
        snapshot = survey.snapshot or {}
        asked = {q.get("id"): q for q in snapshot.get("questions", [])}
        scale_max = int((asked.get(answer.question_id) or {}).get("scale_max") or answer.question.scale_max or 5)
        result = level(answer.value, scale_max)
        objectives = [str(o) for o in snapshot.get("objectives") or []]
        index = int(answer.objective_index or 0)
        for link in links.get((session.training_id, index), []):
            reached = level_reached(result, link.level)
            if not reached:
                continue
            item = link.competency
            version = item.version
            entries.append(
                RecordEntry(
                    trainee_id=invitation.participant.trainee_id,
                    participant_id=invitation.participant_id,
                    competency_id=item.pk,
                    competency_code=item.code,
                    competency_label=item.label,
                    competency_description=item.description,
                    competency_url=competency_url(version.referentiel.network.slug, version.number, item.code),
                    referentiel_title=str(version.referentiel.title),
                    version_number=version.number,
                    level=reached,
                    objective=objectives[index] if index < len(objectives) else "",
                    session_id=session.pk,
                    session_title=session.title,
                    start_date=session.start_date,
                    end_date=session.end_date,
                    training_title=session.training.title if session.training else "",
                    evaluator=evaluators.get((session.pk, invitation.participant_id)) or first_trainers[session.pk],
                    assessed_on=answer.response.submitted_on,
                    organisation_name=link.training.organisation.name,
                )
            )
    entries.sort(key=lambda e: (e.competency_code, e.assessed_on, e.session_id))
    return entries
