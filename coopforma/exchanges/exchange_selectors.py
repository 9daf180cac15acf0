# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of an exchange's life (issue 18 points 2 and 3), for the person who asks.

Who sees an exchange: the persons of its participants, its facilitator and the network's facilitators
(`exchanges.facilitate`); anybody else gets 404, as for an exchange of another network. Who changes it (plan,
dates, steps, state, milestones): its facilitator and the network's facilitators (`can_manage`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coopforma.exchanges.access import can_facilitate
from coopforma.exchanges.models import (
    Artefact,
    Debrief,
    DebriefCompetency,
    Exchange,
    LogEntry,
    Member,
    Milestone,
    Participant,
    Step,
)
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import Network
from coopforma.referentiel.models import Item, ItemKind, VersionState
from coopforma.referentiel.selectors import latest_published

# Beyond a 64-bit integer no row has that id (and the database refuses to compare with it): 404 at once.
MAX_ID = 2**63 - 1


def _no_such(*ids: int) -> bool:
    return any(not 0 < i <= MAX_ID for i in ids)


@dataclass(frozen=True)
class ExchangeFilters:
    state: str = ""
    kind: str = ""


def _visible(actor: NetworkActor) -> QuerySet[Exchange]:
    exchanges = Exchange.objects.filter(network=actor.network)
    if can_facilitate(actor):
        return exchanges
    mine = Participant.objects.filter(exchange=OuterRef("pk"), member__user=actor.user)
    return exchanges.filter(Q(facilitator=actor.user) | Exists(mine))


def exchange_list(*, actor: NetworkActor, filters: ExchangeFilters | None = None) -> QuerySet[Exchange]:
    """The exchanges the person sees (theirs; every exchange of the network for its facilitators), newest first,
    with what a list row shows loaded (a constant number of queries)."""
    filters = filters or ExchangeFilters()
    exchanges = _visible(actor)
    if filters.state:
        exchanges = exchanges.filter(state=filters.state)
    if filters.kind:
        exchanges = exchanges.filter(kind=filters.kind)
    return exchanges.select_related("facilitator").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("member").order_by("id")),
        Prefetch("steps", queryset=Step.objects.order_by("starts_at", "id")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")),
        Prefetch("competencies", queryset=Item.objects.order_by("position")),
    )


def exchange_get(*, actor: NetworkActor, exchange_id: int) -> Exchange:
    """An exchange the person sees, else 404 (missing, another network's, or not theirs)."""
    if _no_such(exchange_id):
        raise Http404
    exchange = _visible(actor).select_related("facilitator", "network").filter(pk=exchange_id).first()
    if exchange is None:
        raise Http404
    return exchange


def can_manage(actor: NetworkActor, exchange: Exchange) -> bool:
    """Edits the plan, dates, steps, milestones and state: its facilitator or the network's facilitators."""
    return can_facilitate(actor) or (exchange.facilitator_id is not None and exchange.facilitator_id == actor.user.pk)


def my_participant(*, actor: NetworkActor, exchange: Exchange) -> Participant | None:
    """The person's own place in the exchange (None for a facilitator who does not take part)."""
    return (
        Participant.objects.select_related("member")
        .filter(exchange=exchange, member__user=actor.user)
        .order_by("id")
        .first()
    )


def participants_of(*, exchange: Exchange) -> list[Participant]:
    return list(Participant.objects.filter(exchange=exchange).select_related("member", "member__partner"))


def has_past_step(*, exchange: Exchange, now: dt.datetime | None = None) -> bool:
    """A step of the exchange has ended (a debrief can be written, the exchange can be marked done)."""
    return Step.objects.filter(exchange=exchange, ends_at__lte=now or timezone.now()).exists()


def exchange_detail(*, exchange: Exchange) -> dict[str, object]:
    """Everything the exchange page shows, each kind of record in one query."""
    return {
        "steps": list(
            Step.objects.filter(exchange=exchange)
            .select_related("host")
            .prefetch_related(Prefetch("present", queryset=Participant.objects.select_related("member")))
        ),
        "milestones": list(Milestone.objects.filter(exchange=exchange)),
        "log": list(LogEntry.objects.filter(exchange=exchange).select_related("author")),
        "debriefs": list(
            Debrief.objects.filter(participant__exchange=exchange)
            .select_related("participant__member")
            .prefetch_related(Prefetch("competencies", queryset=DebriefCompetency.objects.select_related("competency")))
            .order_by("participant_id")
        ),
        "artefacts": list(
            Artefact.objects.filter(exchange=exchange).prefetch_related("authors", "agreements").order_by("id")
        ),
        "competencies": list(exchange.competencies.order_by("position")),
    }


def step_get(*, exchange: Exchange, step_id: int) -> Step:
    if _no_such(step_id):
        raise Http404
    step = Step.objects.filter(exchange=exchange, pk=step_id).select_related("host").first()
    if step is None:
        raise Http404
    return step


def milestone_get(*, exchange: Exchange, milestone_id: int) -> Milestone:
    if _no_such(milestone_id):
        raise Http404
    milestone = Milestone.objects.filter(exchange=exchange, pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return milestone


def artefact_get(*, exchange: Exchange, artefact_id: int) -> Artefact:
    if _no_such(artefact_id):
        raise Http404
    artefact = Artefact.objects.filter(exchange=exchange, pk=artefact_id).prefetch_related("authors").first()
    if artefact is None:
        raise Http404
    return artefact


def artefact_public_get(*, network: Network, artefact_id: int) -> Artefact:
    """A published artefact of a public network (the page without login), else 404."""
    if not network.is_public or _no_such(artefact_id):
        raise Http404
    artefact = (
        Artefact.objects.filter(exchange__network=network, pk=artefact_id, published_at__isnull=False)
        .select_related("exchange")
        .prefetch_related("authors")
        .first()
    )
    if artefact is None:
        raise Http404
    return artefact


def competency_choices(*, network: Network) -> QuerySet[Item]:
    """The competencies of the network's latest published référentiel version (none without one)."""
    version = latest_published(network=network)
    if version is None:
        return Item.objects.none()
    return Item.objects.filter(version=version, kind=ItemKind.COMPETENCY).order_by("position")


def network_competencies(*, network: Network) -> QuerySet[Item]:
    """Every competency of the network's published versions (what a debrief or an exchange may cite)."""
    return Item.objects.filter(
        version__referentiel__network=network, version__state=VersionState.PUBLISHED, kind=ItemKind.COMPETENCY
    )


def network_members(*, network: Network) -> QuerySet[Member]:
    """The members who joined the network's exchanges (the cohort, hosts and compagnons are chosen among them)."""
    return Member.objects.filter(network=network, joined_at__isnull=False).select_related("partner")


def debrief_list(*, exchange: Exchange) -> QuerySet[Debrief]:
    """The exchange's debriefs (read by whoever sees the exchange), their competencies loaded."""
    return (
        Debrief.objects.filter(participant__exchange=exchange)
        .prefetch_related(Prefetch("competencies", queryset=DebriefCompetency.objects.select_related("competency")))
        .order_by("participant_id")
    )


def log_entry_list(*, exchange: Exchange) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(exchange=exchange).select_related("author")


def artefact_list(*, exchange: Exchange) -> QuerySet[Artefact]:
    return Artefact.objects.filter(exchange=exchange).prefetch_related("authors", "agreements").order_by("id")
