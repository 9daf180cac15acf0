# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the certifiers directory (docs/certifiers.md).

The certifiers are public. What an organisation writes is its own (`Actor`: 404 for another organisation's
review); a network (`NetworkActor` with `certifiers.view`) reads only what its member organisations agreed to
show it: the certifier and certificate dates of a member whose choice is `visible_to_network`, the reviews that
are. Averages are shown from MIN_REVIEWS consented reviews on, so that no member's price can be worked out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, QuerySet
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.networks.access import NetworkActor
from coopforma.registry.audit_calendar import AuditCalendar, Window, audit_calendar
from coopforma.registry.models import (
    AuditKind,
    Certifier,
    CertifierAgreement,
    CertifierChoice,
    CertifierKind,
    CertifierReview,
)
from coopforma.registry.names import normalise

MIN_REVIEWS = 3
REVIEW_FLAG = "quality.manage"


# --- the public directory ------------------------------------------------------------------------------------


def certifier_list(*, kind: str = "") -> QuerySet[Certifier]:
    certifiers = Certifier.objects.all()
    if kind in CertifierKind.values:
        certifiers = certifiers.filter(kind=kind)
    return certifiers.order_by("search_name", "code")


def certifier_get(*, code: str) -> Certifier:
    certifier = Certifier.objects.filter(code=code).first()
    if certifier is None:
        raise Http404
    return certifier


def certifier_match(name: str) -> Certifier | None:
    """The certifier a free-text name stands for (« AFNOR » → Afnor Certification): the same normalised name, else
    the only one whose name begins with it or with which it begins; None when unsure."""
    text = normalise(name)
    if not text:
        return None
    exact = Certifier.objects.filter(search_name=text).first()
    if exact is not None:
        return exact
    found = [
        c
        for c in Certifier.objects.only("pk", "search_name", "name", "code")
        if c.search_name.startswith(text + " ") or text.startswith(c.search_name + " ")
    ]
    return found[0] if len(found) == 1 else None


# --- the organisation's side --------------------------------------------------------------------------------


@dataclass
class OwnCertifier:
    choice: CertifierChoice | None
    suggested: Certifier | None  # from the organisation's free-text certifier, when it has not chosen yet
    calendar: AuditCalendar | None
    next_window: Window | None

    @property
    def certifier(self) -> Certifier | None:
        return self.choice.certifier if self.choice else self.suggested


def _surveillance_done(organisation_id: int, start: dt.date) -> bool:
    return CertifierReview.objects.filter(
        organisation_id=organisation_id, audit_kind=AuditKind.SURVEILLANCE, audit_date__gte=start
    ).exists()


def own_certifier(*, actor: Actor, today: dt.date) -> OwnCertifier:
    actor.require(REVIEW_FLAG)
    org = actor.organisation
    choice = CertifierChoice.objects.select_related("certifier").filter(organisation=org).first()
    suggested = None if choice else certifier_match(org.qualiopi_certifier)
    calendar = audit_calendar(org.qualiopi_valid_from, org.qualiopi_valid_until)
    window = None
    if calendar is not None:
        window = calendar.next_window(today, surveillance_done=_surveillance_done(org.pk, calendar.certificate_start))
    return OwnCertifier(choice=choice, suggested=suggested, calendar=calendar, next_window=window)


def own_reviews(*, actor: Actor) -> QuerySet[CertifierReview]:
    actor.require(REVIEW_FLAG)
    return CertifierReview.objects.filter(organisation=actor.organisation).select_related("certifier")


def own_review_get(*, actor: Actor, review_id: int) -> CertifierReview:
    review = own_reviews(actor=actor).filter(pk=review_id).first()
    if review is None:
        raise Http404
    return review


# --- the network's side -------------------------------------------------------------------------------------


def _members(actor: NetworkActor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(networks__network=actor.network)


def network_reviews(*, actor: NetworkActor, certifier: Certifier | None = None) -> QuerySet[CertifierReview]:
    """The reviews the network's member organisations agreed to show it."""
    actor.require("certifiers.view")
    reviews = CertifierReview.objects.filter(
        visible_to_network=True, organisation__in=_members(actor).values("pk")
    ).select_related("certifier", "organisation")
    if certifier is not None:
        reviews = reviews.filter(certifier=certifier)
    return reviews


def network_review_get(*, actor: NetworkActor, review_id: int) -> CertifierReview:
    review = network_reviews(actor=actor).filter(pk=review_id).first()
    if review is None:
        raise Http404
    return review


@dataclass
class Figures:
    """The network's figures about one certifier, from consented reviews (averages hidden below MIN_REVIEWS)."""

    certifier: Certifier
    reviews: int
    members: int
    price_cents: int | None = None
    audit_days: Decimal | None = None
    understanding: Decimal | None = None

    @property
    def shown(self) -> bool:
        return self.reviews >= MIN_REVIEWS


def network_figures(*, actor: NetworkActor, certifiers: list[Certifier]) -> dict[int, Figures]:
    """Per certifier: consented reviews, members that show it as theirs, and the averages (from MIN_REVIEWS)."""
    actor.require("certifiers.view")
    ids = [c.pk for c in certifiers]
    rows = (
        network_reviews(actor=actor)
        .filter(certifier_id__in=ids)
        .order_by()
        .values("certifier_id")
        .annotate(n=Count("pk"), price=Avg("price_cents"), days=Avg("audit_days"), rating=Avg("understanding"))
    )
    members = dict(
        network_choices(actor=actor)
        .filter(certifier_id__in=ids)
        .order_by()
        .values("certifier_id")
        .annotate(n=Count("pk"))
        .values_list("certifier_id", "n")
    )
    figures = {c.pk: Figures(certifier=c, reviews=0, members=members.get(c.pk, 0)) for c in certifiers}
    for row in rows:
        f = figures[row["certifier_id"]]
        f.reviews = row["n"]
        if f.shown:
            f.price_cents = round(row["price"]) if row["price"] is not None else None
            f.audit_days = Decimal(row["days"]).quantize(Decimal("0.1")) if row["days"] is not None else None
            f.understanding = Decimal(row["rating"]).quantize(Decimal("0.1")) if row["rating"] is not None else None
    return figures


def network_choices(*, actor: NetworkActor) -> QuerySet[CertifierChoice]:
    """The member organisations' certifiers that they show to their networks."""
    actor.require("certifiers.view")
    return CertifierChoice.objects.filter(
        visible_to_network=True, organisation__in=_members(actor).values("pk")
    ).select_related("certifier", "organisation")


def certifier_members(*, actor: NetworkActor, certifier: Certifier) -> list[Organisation]:
    choices = network_choices(actor=actor).filter(certifier=certifier).order_by("organisation__name")
    return [c.organisation for c in choices]


@dataclass
class CalendarRow:
    organisation: Organisation
    certifier: Certifier
    calendar: AuditCalendar
    window: Window


@dataclass
class NetworkCalendar:
    rows: list[CalendarRow]
    hidden: int  # member organisations that do not show their certifier to the network
    without_dates: int  # showing it, but no certificate dates

    def by_certifier(self) -> list[tuple[str, list[CalendarRow]]]:
        groups: dict[str, list[CalendarRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.certifier.name].append(row)
        return sorted(groups.items(), key=lambda g: normalise(g[0]))

    def by_month(self) -> list[tuple[dt.date, list[CalendarRow]]]:
        groups: dict[dt.date, list[CalendarRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.window.start.replace(day=1)].append(row)
        return sorted(groups.items())


def network_calendar(*, actor: NetworkActor, today: dt.date, certifier: Certifier | None = None) -> NetworkCalendar:
    """The next audit window of each member organisation that shows its certifier to the network, in date order."""
    actor.require("certifiers.view")
    choices = network_choices(actor=actor)
    if certifier is not None:
        choices = choices.filter(certifier=certifier)
    members = _members(actor).count()
    shown = list(choices)
    done = set(
        CertifierReview.objects.filter(
            organisation__in=[c.organisation_id for c in shown], audit_kind=AuditKind.SURVEILLANCE
        ).values_list("organisation_id", "audit_date")
    )
    rows = []
    for choice in shown:
        org = choice.organisation
        calendar = audit_calendar(org.qualiopi_valid_from, org.qualiopi_valid_until)
        if calendar is None:
            continue
        surveillance_done = any(o == org.pk and d >= calendar.certificate_start for o, d in done)
        window = calendar.next_window(today, surveillance_done=surveillance_done)
        rows.append(CalendarRow(organisation=org, certifier=choice.certifier, calendar=calendar, window=window))
    rows.sort(key=lambda r: (r.window.start, normalise(r.organisation.name)))
    hidden = members - network_choices(actor=actor).count() if certifier is None else 0
    return NetworkCalendar(rows=rows, hidden=hidden, without_dates=len(shown) - len(rows))


def agreement_list(*, actor: NetworkActor, certifier: Certifier | None = None) -> QuerySet[CertifierAgreement]:
    actor.require("certifiers.view")
    agreements = CertifierAgreement.objects.filter(network=actor.network).select_related("certifier")
    if certifier is not None:
        agreements = agreements.filter(certifier=certifier)
    return agreements


def agreement_get(*, actor: NetworkActor, agreement_id: int) -> CertifierAgreement:
    agreement = agreement_list(actor=actor).filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    return agreement
