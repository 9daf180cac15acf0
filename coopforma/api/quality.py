# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes of the Qualiopi system: the 32 indicators' statuses with their explanation and evidence links.

Thin: parse the period, call quality.selectors, serialise. Member-structure managers get their structure's
share (as on the dashboard); links are paths of the web pages (prefix them with the site's address). Each list
of links (counted, missing) holds at most the first 100 records; `counted_total` and `missing_total` count them
all.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from coopforma.api.auth import get_actor, permission
from coopforma.api.params import paged
from coopforma.quality import selectors
from coopforma.quality.indicator_statuses import IndicatorStatus, Period

router = Router(tags=["quality"])


class LinkOut(Schema):
    label: str
    url: str


class IndicatorOut(Schema):
    number: int
    criterion: int
    summary: str
    scope: str
    new_entrant_adapted: bool
    minor_nonconformity_allowed: bool
    automatic: bool
    applies: bool
    status: str  # met, partial, missing, not_applicable
    status_label: str
    explanation: str
    counted: list[LinkOut]  # the first 100 at most
    missing: list[LinkOut]  # the first 100 at most
    counted_total: int
    missing_total: int
    evidence_ids: list[int]
    open_nonconformity_ids: list[int]


class PeriodIn(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


def _period(period: PeriodIn) -> Period:
    if period.start and period.end and period.end < period.start:
        raise ValidationError({"end": _("La fin de la période précède son début.")})
    return Period(period.start, period.end)


def _out(s: IndicatorStatus) -> IndicatorOut:
    i = s.indicator
    return IndicatorOut(
        number=i.number,
        criterion=i.criterion,
        summary=str(i.summary),
        scope=i.scope,
        new_entrant_adapted=i.new_entrant,
        minor_nonconformity_allowed=i.minor_allowed,
        automatic=i.automatic,
        applies=s.applies,
        status=s.status,
        status_label=s.label,
        explanation=s.explanation,
        counted=[LinkOut(label=link.label, url=link.url) for link in s.counted],
        missing=[LinkOut(label=link.label, url=link.url) for link in s.missing],
        counted_total=s.counted_total or 0,
        missing_total=s.missing_total or 0,
        evidence_ids=[e.pk for e in s.evidence],
        open_nonconformity_ids=[nc.pk for nc in s.open_nonconformities],
    )


@router.get("/quality/indicators", response=list[IndicatorOut])
@permission("quality.view")
@paged
def indicator_list(request: HttpRequest, period: Query[PeriodIn]) -> list[IndicatorOut]:
    """The 32 indicators with their status computed from the records and the uploaded evidence."""
    actor = get_actor(request)
    return [_out(s) for s in selectors.statuses_for(actor=actor, period=_period(period))]


@router.get("/quality/indicators/{number}", response=IndicatorOut)
@permission("quality.view")
def indicator_get(request: HttpRequest, number: int, period: Query[PeriodIn]) -> IndicatorOut:
    actor = get_actor(request)
    return _out(selectors.indicator_status_get(actor=actor, number=number, period=_period(period)))
