# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the evaluations: response counts (for the quality app), results, published indicators, surveys.

Anonymity: results are aggregates; free-text answers are returned without any name, sorted by their text (never
by response, invitation or submission order). Nothing here returns a response's id or its invitation.

A positive answer (satisfied, objective reached, would recommend): yes/no = yes; a scale or an objective
rating `v` on 1..n counts when 10·v ≥ 7·n (4 or 5 on a 1–5 scale).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.lookups import GreaterThanOrEqual
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import Training
from coopforma.core.dates import add_months
from coopforma.evaluations.models import (
    Answer,
    Invitation,
    Measure,
    PublishedIndicator,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    Survey,
)
from coopforma.people.models import MemberStructure, Trainer
from coopforma.training_sessions.models import Participant, ParticipantStatus, Session, SessionStatus
from coopforma.training_sessions.selectors import member_structures_for, session_queryset_for

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- For the quality app (Qualiopi evidence) ------------------------------------------------------------------


def answered_counts(
    organisation: Organisation, *, kind: str, session_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Per session id → (invitations, answered invitations) of the surveys of questionnaire kind `kind`
    (a `QuestionnaireKind` value) in `organisation`; limited to `session_ids` when given. Sessions without
    any survey of that kind are absent from the result. One query."""
    qs = Invitation.objects.filter(organisation=organisation, survey__questionnaire__kind=kind)
    if session_ids is not None:
        qs = qs.filter(survey__session_id__in=list(session_ids))
    rows = (
        qs.values("survey__session_id")
        .order_by()
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    return {row["survey__session_id"]: (row["n"], row["answered"]) for row in rows}


def participants_with_answer(organisation: Organisation, *, kind: str) -> set[int]:
    """Ids of the participants whose invitation of questionnaire kind `kind` is answered (needs, hot, cold: the
    trainee answered; skills: the trainer assessed that trainee). For anonymous questionnaires this says who
    answered, never what. One query."""
    return set(
        Invitation.objects.filter(
            organisation=organisation,
            survey__questionnaire__kind=kind,
            participant__isnull=False,
            answered_at__isnull=False,
        ).values_list("participant_id", flat=True)
    )


def enrolments_with_answer(organisation: Organisation, *, kind: str) -> set[int]:
    """Ids of the enrolments whose invitation of kind `kind` (client, funder) is answered. One query."""
    return set(
        Invitation.objects.filter(
            organisation=organisation,
            survey__questionnaire__kind=kind,
            enrolment__isnull=False,
            answered_at__isnull=False,
        ).values_list("enrolment_id", flat=True)
    )


# --- Aggregates -------------------------------------------------------------------------------------------------


def is_positive_value(value: int | None, *, question_type: str, scale_max: int) -> bool:
    """The Python twin of `_positive()` (used on snapshots and in tests)."""
    if value is None:
        return False
    if question_type == QuestionType.YES_NO:
        return value == 1
    return value * 10 >= scale_max * 7


def _positive() -> Case:
    return Case(
        When(Q(question__type=QuestionType.YES_NO) & Q(value=1), then=Value(1)),
        When(
            Q(question__type__in=[QuestionType.SCALE, QuestionType.OBJECTIVES])
            & GreaterThanOrEqual(F("value") * 10, F("question__scale_max") * 7),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def percent(part: int, whole: int) -> Decimal | None:
    """An integer percentage rounded half up (None when `whole` is 0)."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The figures of one group of sessions (or the whole selection)."""

    invitations: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # kind -> count
    answered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (kind, measure) -> [responses, answers, positive answers, sum of scale values, scale answers]
    measures: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    participants: int = 0  # active (not cancelled) participants of finished sessions
    completed: int = 0
    dropped_out: int = 0
    sessions: int = 0

    def add_measure(self, key: tuple[str, str], values: list[int]) -> None:
        current = self.measures.setdefault(key, [0, 0, 0, 0, 0])
        for i, v in enumerate(values):
            current[i] += v

    def response_rate(self, kind: str) -> Decimal | None:
        return percent(self.answered.get(kind, 0), self.invitations.get(kind, 0))

    def rate(self, kind: str, measure: str) -> Decimal | None:
        row = self.measures.get((kind, measure))
        return percent(row[2], row[1]) if row else None

    def sample(self, kind: str, measure: str) -> int:
        """Responses that answered a question of this measure (the « n » shown)."""
        row = self.measures.get((kind, measure))
        return row[0] if row else 0

    def mean(self, kind: str, measure: str) -> Decimal | None:
        row = self.measures.get((kind, measure))
        if not row or not row[4]:
            return None
        return (Decimal(row[3]) / row[4]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.completed, self.participants)

    @property
    def dropout_rate(self) -> Decimal | None:
        return percent(self.dropped_out, self.participants)


# The lines of the results page and of the CSV: (key, label, how to read it from Figures).
METRICS: list[tuple[str, Any]] = [
    ("satisfaction", _("Satisfaction des stagiaires à chaud (4 ou 5 sur 5)")),
    ("satisfaction_mean", _("Note moyenne de satisfaction à chaud")),
    ("objectives_self", _("Objectifs atteints selon les stagiaires")),
    ("skills", _("Acquis validés par le ou la formateur·rice (par objectif)")),
    ("recommendation", _("Recommanderaient la formation")),
    ("cold_satisfaction", _("Satisfaction à froid")),
    ("client_satisfaction", _("Satisfaction des clients")),
    ("funder_satisfaction", _("Satisfaction des financeurs")),
    ("trainer_satisfaction", _("Satisfaction des formateur·rices")),
    ("completion", _("Stagiaires ayant terminé la formation")),
    ("dropout", _("Abandons")),
]

# metric key -> (questionnaire kind, measure) for the metrics read from answers.
ANSWER_METRICS: dict[str, tuple[str, str]] = {
    "satisfaction": (QuestionnaireKind.HOT, Measure.SATISFACTION),
    "objectives_self": (QuestionnaireKind.HOT, Measure.OBJECTIVES),
    "skills": (QuestionnaireKind.SKILLS, Measure.OBJECTIVES),
    "recommendation": (QuestionnaireKind.HOT, Measure.RECOMMENDATION),
    "cold_satisfaction": (QuestionnaireKind.COLD, Measure.SATISFACTION),
    "client_satisfaction": (QuestionnaireKind.CLIENT, Measure.SATISFACTION),
    "funder_satisfaction": (QuestionnaireKind.FUNDER, Measure.SATISFACTION),
    "trainer_satisfaction": (QuestionnaireKind.TRAINER, Measure.SATISFACTION),
}


def metric_value(figures: Figures, key: str) -> tuple[Decimal | None, int, str]:
    """(value, sample size, unit) of one metric; value None when there is nothing to measure."""
    if key == "satisfaction_mean":
        kind, measure = ANSWER_METRICS["satisfaction"]
        return figures.mean(kind, measure), figures.sample(kind, measure), "/5"
    if key in ANSWER_METRICS:
        kind, measure = ANSWER_METRICS[key]
        return figures.rate(kind, measure), figures.sample(kind, measure), "%"
    if key == "completion":
        return figures.completion_rate, figures.participants, "%"
    if key == "dropout":
        return figures.dropout_rate, figures.participants, "%"
    raise KeyError(key)


def figures_by_session(session_ids: list[int]) -> dict[int, Figures]:
    """Figures per session id, in three queries whatever the number of sessions."""
    result: dict[int, Figures] = defaultdict(Figures)
    if not session_ids:
        return result
    invitations = (
        Invitation.objects.filter(survey__session_id__in=session_ids)
        .values("survey__session_id", "survey__questionnaire__kind")
        .order_by()
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    for row in invitations:
        figures = result[row["survey__session_id"]]
        figures.invitations[row["survey__questionnaire__kind"]] += row["n"]
        figures.answered[row["survey__questionnaire__kind"]] += row["answered"]
    answers = (
        Answer.objects.filter(response__survey__session_id__in=session_ids)
        .exclude(question__measure="")
        .exclude(value__isnull=True)
        .values("response__survey__session_id", "response__survey__questionnaire__kind", "question__measure")
        .order_by()
        .annotate(
            responses=Count("response_id", distinct=True),
            answers=Count("pk"),
            positive=Sum(_positive()),
            total=Sum(
                Case(
                    When(question__type=QuestionType.SCALE, then=F("value")),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            scale_answers=Count("pk", filter=Q(question__type=QuestionType.SCALE)),
        )
    )
    for answer_row in answers:
        key = (answer_row["response__survey__questionnaire__kind"], answer_row["question__measure"])
        result[answer_row["response__survey__session_id"]].add_measure(
            key,
            [
                answer_row["responses"],
                answer_row["answers"],
                answer_row["positive"] or 0,
                answer_row["total"] or 0,
                answer_row["scale_answers"],
            ],
        )
    participants = (
        Participant.objects.filter(session_id__in=session_ids, session__status=SessionStatus.DONE)
        .exclude(status=ParticipantStatus.CANCELLED)
        .values("session_id")
        .order_by()
        .annotate(
            n=Count("pk"),
            completed=Count("pk", filter=Q(status=ParticipantStatus.COMPLETED)),
            dropped=Count("pk", filter=Q(status=ParticipantStatus.DROPPED_OUT)),
        )
    )
    for participant_row in participants:
        figures = result[participant_row["session_id"]]
        figures.participants += participant_row["n"]
        figures.completed += participant_row["completed"]
        figures.dropped_out += participant_row["dropped"]
    return result


def merge(parts: Iterable[Figures]) -> Figures:
    total = Figures()
    for part in parts:
        total.sessions += 1
        for kind, n in part.invitations.items():
            total.invitations[kind] += n
        for kind, n in part.answered.items():
            total.answered[kind] += n
        for key, values in part.measures.items():
            total.add_measure(key, values)
        total.participants += part.participants
        total.completed += part.completed
        total.dropped_out += part.dropped_out
    return total


# --- The results page -------------------------------------------------------------------------------------------

GROUPINGS = {
    "session": _("Session"),
    "training": _("Formation"),
    "trainer": _("Formateur·rice"),
    "member_structure": _("Structure membre"),
    "year": _("Année"),
}


@dataclass
class Group:
    key: Any
    label: str
    figures: Figures


@dataclass
class Results:
    total: Figures
    groups: list[Group]
    grouping: str
    distribution: list[tuple[int, int]]  # satisfaction à chaud: (value 1..5, count)
    texts: list[tuple[str, str]]  # (question label, text), no names, sorted by text
    session_count: int


def results_sessions(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Session]:
    """The sessions the actor may see, narrowed by the filters: session, training, trainer, member_structure,
    year (of the session's end). Cancelled sessions are left out."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    qs = session_queryset_for(actor).exclude(status=SessionStatus.CANCELLED)
    if value := filters.get("session"):
        qs = qs.filter(pk=getattr(value, "pk", value))
    if value := filters.get("training"):
        qs = qs.filter(training_id=getattr(value, "pk", value))
    if value := filters.get("trainer"):
        qs = qs.filter(trainers=getattr(value, "pk", value))
    if value := filters.get("member_structure"):
        ms = getattr(value, "pk", value)
        qs = qs.filter(Q(member_structure_id=ms) | Q(trainers__member_structure_id=ms))
    if value := filters.get("year"):
        qs = qs.filter(end_date__year=int(value))
    return qs.distinct()


def _group_keys(session: Session, grouping: str) -> list[tuple[Any, str]]:
    if grouping == "training":
        return [(session.training_id, session.training.title)]
    if grouping == "trainer":
        return [(t.pk, str(t)) for t in session.trainers.all()] or [(None, str(_("Sans formateur·rice")))]
    if grouping == "member_structure":
        return [(session.member_structure_id, session.member_structure.name)]
    if grouping == "year":
        year = session.end_date.year if session.end_date else None
        return [(year, str(year) if year else "—")]
    return [(session.pk, str(session))]


def results_get(*, actor: Actor, filters: dict[str, Any] | None = None, grouping: str = "session") -> Results:
    """The results of the sessions the actor may see (see `results_sessions`), grouped by `grouping` (one of
    GROUPINGS). A constant number of queries."""
    grouping = grouping if grouping in GROUPINGS else "session"
    sessions = list(
        results_sessions(actor=actor, filters=filters)
        .select_related("training", "member_structure")
        .prefetch_related("trainers")
        .order_by("-end_date", "-id")
    )
    ids = [s.pk for s in sessions]
    per_session = figures_by_session(ids)
    members: dict[Any, tuple[str, list[Figures]]] = {}
    for session in sessions:
        for key, label in _group_keys(session, grouping):
            members.setdefault(key, (label, []))[1].append(per_session[session.pk])
    buckets = {key: Group(key=key, label=label, figures=merge(parts)) for key, (label, parts) in members.items()}
    total = merge(per_session[s.pk] for s in sessions)
    total.sessions = len(sessions)
    kind, measure = ANSWER_METRICS["satisfaction"]
    counts = dict(
        Answer.objects.filter(
            response__survey__session_id__in=ids,
            response__survey__questionnaire__kind=kind,
            question__measure=measure,
            question__type=QuestionType.SCALE,
        )
        .values_list("value")
        .order_by()
        .annotate(n=Count("pk"))
    )
    distribution = [(v, counts.get(v, 0)) for v in range(1, 6)]
    texts = sorted(
        (label, text)
        for label, text in Answer.objects.filter(response__survey__session_id__in=ids)
        .exclude(text="")
        .values_list("question__label", "text")[:500]
    )
    return Results(
        total=total,
        groups=sorted(buckets.values(), key=lambda g: str(g.label)),
        grouping=grouping,
        distribution=distribution,
        texts=texts,
        session_count=len(sessions),
    )


# --- Published indicators (Qualiopi indicator 2) ----------------------------------------------------------------

PUBLISHABLE = {
    "satisfaction": _("Taux de satisfaction des stagiaires"),
    "satisfaction_mean": _("Note moyenne de satisfaction"),
    "objectives_self": _("Objectifs atteints selon les stagiaires"),
    "skills": _("Acquis validés en fin de formation"),
    "recommendation": _("Taux de recommandation"),
    "client_satisfaction": _("Satisfaction des entreprises clientes"),
    "completion": _("Taux d'achèvement de la formation"),
    "dropout": _("Taux d'abandon"),
}


@dataclass(frozen=True)
class PublishedResult:
    measure: str
    label: str
    value: Decimal  # a percentage (unit "%") or a mean (unit "/5")
    unit: str
    n: int
    period_start: dt.date
    period_end: dt.date
    whole_organisation: bool


def indicator_result(
    indicator: PublishedIndicator, *, training: Training | None, today: dt.date | None = None
) -> tuple[PublishedResult | None, Decimal | None, int]:
    """(what would be published or None, raw value, sample size) for one indicator: computed on the finished
    sessions (not cancelled) that ended within the last `period_months` months, of `training` when the
    indicator is per training."""
    today = today or timezone.localdate()
    start = add_months(today, -indicator.period_months)
    sessions = Session.objects.filter(
        organisation_id=indicator.organisation_id, end_date__gte=start, end_date__lte=today
    ).exclude(status=SessionStatus.CANCELLED)
    if indicator.per_training and training is not None:
        sessions = sessions.filter(training=training)
    figures = merge(figures_by_session(list(sessions.values_list("pk", flat=True))).values())
    value, n, unit = metric_value(figures, indicator.measure)
    if value is None or n < indicator.min_sample or n == 0:
        return None, value, n
    result = PublishedResult(
        measure=indicator.measure,
        label=str(PUBLISHABLE.get(indicator.measure, indicator.measure)),
        value=value,
        unit=unit,
        n=n,
        period_start=start,
        period_end=today,
        whole_organisation=not (indicator.per_training and training is not None),
    )
    return result, value, n


def results_filter_choices(*, actor: Actor) -> tuple[QuerySet[Training], QuerySet[Trainer], QuerySet[MemberStructure]]:
    """What the results page filters by: the trainings and the trainers of the sessions the actor sees, and the
    member structures (every one for admin and quality, the actor's own otherwise)."""
    sessions = session_queryset_for(actor)
    return (
        Training.objects.for_actor(actor).filter(sessions__in=sessions).distinct(),
        Trainer.objects.for_actor(actor).filter(sessions__in=sessions).distinct(),
        MemberStructure.objects.for_actor(actor) if actor.sees_all else member_structures_for(actor),
    )


def indicator_list(*, actor: Actor) -> QuerySet[PublishedIndicator]:
    return PublishedIndicator.objects.for_actor(actor).select_related("training").order_by("id")


def indicator_get(*, actor: Actor, indicator_id: int) -> PublishedIndicator:
    indicator = PublishedIndicator.objects.for_actor(actor).filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    return indicator


def published_results(organisation: Organisation, training: Training | None = None) -> list[PublishedResult]:
    """What a public training page shows: the organisation's active published indicators (those of `training`
    and those for every training), each with its value (Decimal percent, or mean out of 5 for
    satisfaction_mean), sample size n and period (start, end). An indicator below its minimum sample is left
    out. `training=None`: the indicators for every training, computed on the whole organisation."""
    indicators = PublishedIndicator.objects.filter(organisation=organisation, is_active=True)
    if training is None:
        indicators = indicators.filter(training__isnull=True)
    else:
        indicators = indicators.filter(Q(training__isnull=True) | Q(training=training))
    results = []
    for indicator in indicators.order_by("id"):
        result, _value, _n = indicator_result(indicator, training=training)
        if result is not None:
            results.append(result)
    return results


# --- Questionnaires and surveys --------------------------------------------------------------------------------


def questionnaire_list(*, actor: Actor) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.for_actor(actor).annotate(
        n_questions=Count("questions", filter=Q(questions__is_archived=False), distinct=True),
        n_surveys=Count("surveys", distinct=True),
    )


def questionnaire_get(*, actor: Actor, questionnaire_id: int) -> Questionnaire:
    questionnaire = Questionnaire.objects.for_actor(actor).filter(pk=questionnaire_id).first()
    if questionnaire is None:
        raise Http404
    return questionnaire


def question_get(*, actor: Actor, question_id: int) -> Question:
    question = Question.objects.for_actor(actor).filter(pk=question_id).select_related("questionnaire").first()
    if question is None:
        raise Http404
    return question


def questionnaire_questions(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.annotate(n_answers=Count("answers")).order_by("is_archived", "position", "id"))


class SurveyCounts(TypedDict):
    n_invitations: int
    n_answered: int
    n_responses: int


def surveys_of_session(
    *, actor: Actor, session_id: int
) -> tuple[Session, list["WithAnnotations[Survey, SurveyCounts]"]]:
    """A visible session (404 otherwise) and its surveys with their counts (one query for the surveys)."""
    session = session_queryset_for(actor).filter(pk=session_id).first()
    if session is None:
        raise Http404
    surveys = list(
        Survey.objects.filter(session=session)
        .select_related("questionnaire")
        .annotate(
            n_invitations=Count("invitations", distinct=True),
            n_answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True),
            n_responses=Count("responses", distinct=True),
        )
        .order_by("send_on", "questionnaire__kind")
    )
    for survey in surveys:
        survey.rate = percent(survey.n_answered, survey.n_invitations)
    return session, surveys


def survey_get(*, actor: Actor, survey_id: int) -> Survey:
    survey = (
        Survey.objects.filter(pk=survey_id, session__in=session_queryset_for(actor))
        .select_related("session", "questionnaire", "session__training")
        .first()
    )
    if survey is None:
        raise Http404
    return survey


def survey_invitations(survey: Survey) -> list[Invitation]:
    """Who was asked and whether they answered (never what: responses are not joined)."""
    return list(
        survey.invitations.select_related("participant__trainee", "enrolment__client", "trainer", "contact").order_by(
            "pk"
        )
    )


def invitation_person(invitation: Invitation) -> str:
    if invitation.participant is not None:
        return str(invitation.participant.trainee)
    if invitation.enrolment is not None:
        name = str(invitation.enrolment.client)
        return f"{name} — {invitation.contact}" if invitation.contact_id else name
    if invitation.trainer_id:
        return str(invitation.trainer)
    return invitation.email


def skills_to_assess(*, actor: Actor) -> list[Invitation]:
    """The open skills assessments (one per trainee) of the sessions the actor sees, not answered yet."""
    return list(
        Invitation.objects.filter(
            survey__session__in=session_queryset_for(actor),
            survey__questionnaire__kind=QuestionnaireKind.SKILLS,
            survey__status="open",
            answered_at__isnull=True,
        )
        .select_related("participant__trainee", "survey__session")
        .order_by("survey__session__end_date", "survey_id", "participant__trainee__last_name")[:200]
    )


def survey_question_results(survey: Survey) -> list[dict[str, Any]]:
    """Per question of the survey's snapshot: counts per value / choice / objective, and texts sorted
    alphabetically (no names, no order of submission). Two queries."""
    questions = survey.snapshot.get("questions", [])
    answers = list(
        Answer.objects.filter(response__survey=survey).values(
            "response_id", "question_id", "objective_index", "value", "choices", "text"
        )
    )
    by_question: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in answers:
        by_question[row["question_id"]].append(row)
    out = []
    for question in questions:
        rows = by_question.get(question["id"], [])
        item: dict[str, Any] = {
            "question": question,
            "n": len({r["response_id"] for r in rows}),
            "texts": [],
            "counts": [],
        }
        qtype = question["type"]
        if qtype == QuestionType.TEXT:
            item["texts"] = sorted(r["text"] for r in rows if r["text"])
        elif qtype in (QuestionType.SCALE, QuestionType.YES_NO):
            values = [r["value"] for r in rows if r["value"] is not None]
            options = range(1, question["scale_max"] + 1) if qtype == QuestionType.SCALE else [1, 0]
            labels = {1: str(_("Oui")), 0: str(_("Non"))} if qtype == QuestionType.YES_NO else {}
            item["counts"] = [(labels.get(v, str(v)), values.count(v)) for v in options]
        elif qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            chosen: list[int] = []
            for r in rows:
                chosen.extend(r["choices"] if qtype == QuestionType.MULTIPLE else [r["value"]])
            item["counts"] = [(label, chosen.count(i)) for i, label in enumerate(question.get("choices", []))]
        elif qtype == QuestionType.OBJECTIVES:
            objectives = survey.snapshot.get("objectives", [])
            item["objectives"] = []
            for index, objective in enumerate(objectives):
                values = [r["value"] for r in rows if r["objective_index"] == index and r["value"] is not None]
                positive = sum(
                    1 for v in values if is_positive_value(v, question_type=qtype, scale_max=question["scale_max"])
                )
                item["objectives"].append(
                    {"label": objective, "n": len(values), "rate": percent(positive, len(values))}
                )
        out.append(item)
    return out
