# SPDX-License-Identifier: AGPL-3.0-or-later
"""The certifiers directory (docs/certifiers.md): the public list of Qualiopi certifiers (no token), a network's
audit calendar (the token's person must hold `certifiers.view` in that network: `network_id` is its short name,
as in /reseaux/<slug>/), and the organisation's review after an audit (`quality.manage`).

A certifier is named by its code (`afnor-certification`), not by a number: the list is public and shared."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from coopforma.api.auth import MEMBER, PUBLIC, get_actor, permission
from coopforma.api.params import coded, paged
from coopforma.networks.access import network_actor
from coopforma.registry import selectors_certifiers as selectors
from coopforma.registry import services_certifiers as services
from coopforma.registry.models import AuditKind, Certifier, CertifierKind, CertifierReview
from coopforma.registry.selectors_certifiers import CalendarRow

router = Router(tags=["certifiers"])


class CertifierOut(Schema):
    code: str = Field(description="the certifier's short name (its page: /reseaux/<network>/certificateurs/<code>/)")
    name: str
    kind: str = coded(CertifierKind)
    kind_label: str
    accreditation_number: str = Field(description="Cofrac accreditation number, empty until checked")
    accreditation_scope: str

    @staticmethod
    def resolve_kind_label(obj: Certifier) -> str:
        return str(obj.get_kind_display())


class CertifierFilters(Schema):
    kind: str = coded(CertifierKind, default="", what="filter by kind (default: all)")


@router.get("/certifiers", response=list[CertifierOut], auth=None, summary="The public directory of certifiers")
@permission(PUBLIC)
@paged
def certifier_list(request: HttpRequest, filters: Query[CertifierFilters]) -> list[Certifier]:
    return list(selectors.certifier_list(kind=filters.kind))


class CalendarRowOut(Schema):
    organisation: str
    certifier: str = Field(description="the certifier's code")
    certifier_name: str
    window: str = Field(description="surveillance, renewal or expired: the next audit to plan")
    window_label: str
    window_start: dt.date
    window_end: dt.date
    certificate_start: dt.date
    certificate_end: dt.date

    @staticmethod
    def resolve_organisation(obj: CalendarRow) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_certifier(obj: CalendarRow) -> str:
        return obj.certifier.code

    @staticmethod
    def resolve_certifier_name(obj: CalendarRow) -> str:
        return obj.certifier.name

    @staticmethod
    def resolve_window(obj: CalendarRow) -> str:
        return obj.window.kind

    @staticmethod
    def resolve_window_label(obj: CalendarRow) -> str:
        return obj.window.label

    @staticmethod
    def resolve_window_start(obj: CalendarRow) -> dt.date:
        return obj.window.start

    @staticmethod
    def resolve_window_end(obj: CalendarRow) -> dt.date:
        return obj.window.end

    @staticmethod
    def resolve_certificate_start(obj: CalendarRow) -> dt.date:
        return obj.calendar.certificate_start

    @staticmethod
    def resolve_certificate_end(obj: CalendarRow) -> dt.date:
        return obj.calendar.certificate_end


@router.get(
    "/networks/{network_id}/certifiers/calendar",
    response=list[CalendarRowOut],
    summary="The next audit window of the network's members that show their certifier to it",
)
@permission(MEMBER)
@paged
def certifier_calendar_list(request: HttpRequest, network_id: str) -> list[CalendarRow]:
    """404 when the token's person has no role in the network; 403 without `certifiers.view` there."""
    actor = network_actor(get_actor(request).user, network_id)
    actor.require("certifiers.view")
    return selectors.network_calendar(actor=actor, today=timezone.localdate()).rows


class ReviewIn(Schema):
    certifier: str = Field(max_length=80, description="the certifier's code (GET /certifiers)")
    audit_kind: str = coded(AuditKind)
    audit_date: dt.date
    price_cents: int | None = Field(None, ge=0, le=10_000_000, description="price paid, excl. VAT, in cents")
    audit_days: Decimal | None = Field(None, gt=0, le=30, decimal_places=1)
    understanding: int | None = Field(None, ge=1, le=5, description="the auditor's understanding of cooperatives")
    major_nonconformities: int = Field(0, ge=0, le=200)
    minor_nonconformities: int = Field(0, ge=0, le=200)
    nonconformities_text: str = Field("", max_length=5000)
    comment: str = Field("", max_length=5000)
    visible_to_network: bool = Field(False, description="consent: the organisation's networks may read it")


class ReviewOut(Schema):
    id: int
    certifier: str
    audit_kind: str = coded(AuditKind)
    audit_date: dt.date
    price_cents: int | None
    audit_days: Decimal | None
    understanding: int | None
    major_nonconformities: int
    minor_nonconformities: int
    nonconformities_text: str
    comment: str
    visible_to_network: bool

    @staticmethod
    def resolve_certifier(obj: CertifierReview) -> str:
        return obj.certifier.code


@router.post("/certifiers/reviews", response={201: ReviewOut}, summary="Review the certifier after an audit")
@permission("quality.manage")
def certifier_review_create(request: HttpRequest, payload: ReviewIn) -> Status:
    actor = get_actor(request)
    data = payload.model_dump()
    certifier = services.certifier_by_code(data.pop("certifier"))
    review = services.review_create(actor=actor, certifier_id=certifier.pk, **data)
    return Status(201, review)
