# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes of the evaluations: results (aggregates only), a session's surveys, the questionnaires.

No route returns an individual response: results are aggregated, so an anonymous answer is never linked
to a person. Rates are integer percentages (null when nothing to measure), means have one decimal.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from coopforma.api.auth import get_actor, permission
from coopforma.api.params import FilterYear, paged
from coopforma.evaluations import selectors
from coopforma.evaluations.models import QuestionnaireKind

router = Router(tags=["evaluations"])


class MetricOut(Schema):
    key: str
    label: str
    value: Decimal | None
    unit: str
    n: int


class RateOut(Schema):
    kind: str
    invitations: int
    answered: int
    rate: Decimal | None


class GroupOut(Schema):
    label: str
    sessions: int
    metrics: list[MetricOut]


class ResultsOut(Schema):
    sessions: int
    grouping: str
    metrics: list[MetricOut]
    response_rates: list[RateOut]
    groups: list[GroupOut]


class ResultsFilters(Schema):
    session: int | None = None
    training: int | None = None
    trainer: int | None = None
    member_structure: int | None = None
    year: FilterYear | None = None
    by: str = "session"


def _metrics(figures: selectors.Figures) -> list[MetricOut]:
    out = []
    for key, label in selectors.METRICS:
        value, n, unit = selectors.metric_value(figures, key)
        out.append(MetricOut(key=key, label=str(label), value=value, unit=unit, n=n))
    return out


@router.get("/evaluations/results", response=ResultsOut)
@permission("evaluations.view")
def evaluation_results_get(request: HttpRequest, filters: Query[ResultsFilters]) -> ResultsOut:
    """Aggregates of the sessions the token's user may see (trainers: their sessions; member managers: their
    structure's)."""
    actor = get_actor(request)
    data = filters.dict()
    grouping = data.pop("by")
    res = selectors.results_get(actor=actor, filters=data, grouping=grouping)
    return ResultsOut(
        sessions=res.session_count,
        grouping=res.grouping,
        metrics=_metrics(res.total),
        response_rates=[
            RateOut(
                kind=kind,
                invitations=res.total.invitations.get(kind, 0),
                answered=res.total.answered.get(kind, 0),
                rate=res.total.response_rate(kind),
            )
            for kind in QuestionnaireKind.values
        ],
        groups=[
            GroupOut(label=str(g.label), sessions=g.figures.sessions, metrics=_metrics(g.figures)) for g in res.groups
        ],
    )


class SurveyOut(Schema):
    id: int
    questionnaire_id: int
    kind: str
    title: str
    status: str
    send_on: dt.date
    closes_at: dt.datetime | None
    invitations: int
    answered: int
    rate: Decimal | None


@router.get("/sessions/{session_id}/surveys", response=list[SurveyOut])
@permission("evaluations.view")
@paged
def survey_list(request: HttpRequest, session_id: int) -> list[SurveyOut]:
    actor = get_actor(request)
    _session, surveys = selectors.surveys_of_session(actor=actor, session_id=session_id)
    return [
        SurveyOut(
            id=s.pk,
            questionnaire_id=s.questionnaire_id,
            kind=s.questionnaire.kind,
            title=s.questionnaire.title,
            status=s.status,
            send_on=s.send_on,
            closes_at=s.closes_at,
            invitations=s.n_invitations,
            answered=s.n_answered,
            rate=s.rate,
        )
        for s in surveys
    ]


class QuestionOut(Schema):
    id: int
    position: int
    type: str
    label: str
    choices: list[str]
    scale_max: int
    required: bool
    measure: str
    is_archived: bool


class QuestionnaireOut(Schema):
    id: int
    kind: str
    respondent: str
    title: str
    is_anonymous: bool
    is_active: bool
    send_offset_days: int
    open_days: int
    reminder_days: int
    max_reminders: int
    questions: list[QuestionOut]


@router.get("/evaluations/questionnaires", response=list[QuestionnaireOut])
@permission("evaluations.manage")
@paged
def questionnaire_list(request: HttpRequest) -> list[QuestionnaireOut]:
    actor = get_actor(request)
    items = selectors.questionnaire_list(actor=actor).prefetch_related("questions").order_by("kind", "title")
    return [
        QuestionnaireOut(
            id=q.pk,
            kind=q.kind,
            respondent=q.respondent,
            title=q.title,
            is_anonymous=q.is_anonymous,
            is_active=q.is_active,
            send_offset_days=q.send_offset_days,
            open_days=q.open_days,
            reminder_days=q.reminder_days,
            max_reminders=q.max_reminders,
            questions=[
                QuestionOut(
                    id=x.pk,
                    position=x.position,
                    type=x.type,
                    label=x.label,
                    choices=list(x.choices),
                    scale_max=x.scale_max,
                    required=x.required,
                    measure=x.measure,
                    is_archived=x.is_archived,
                )
                for x in q.questions.all()
            ],
        )
        for q in items
    ]
