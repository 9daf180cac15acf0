# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network's exchanges on its map (issue 18, point 5): one source of offers per network, `exchanges-<slug>`
(kind « Échanges de savoir-faire du réseau », the network as subscriber), upserted like the member catalogues
(offers.services.sync_member_catalogue): what did not change is not written, what is no longer there is retired,
never deleted.

- one offer (`offre-<listing id>`) per OPEN offer listing of a joined member who consented (`Member.on_map`);
- one offer (`echange-<exchange id>`) per exchange marked public (`Exchange.is_public`), not cancelled, whose
  participants ALL consented (`Participant.on_map`).

Each has its experience-based mode (`listing_mode`, `exchange_mode`: the table in docs/exchanges-open-data.md),
its place at the precision of the commune (the commune's position from offers.geo, never the member's own
coordinates) and its provider (the partner structure the member represents, else the member's display name).
The offers belong to the network itself: offers.relevance shows them on this network's map only.

Runs after each commit that changed a member, a listing, an exchange or a participant (`exchanges_changed`,
connected in ExchangesConfig.ready, enqueues `publish_network_task` once per network and transaction), and by
`coopforma exchanges publish --network SLUG`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.catalogue.models import Modality
from coopforma.core.compat import task
from coopforma.core.links import absolute_url
from coopforma.exchanges.models import (
    Exchange,
    ExchangeFormat,
    ExchangeKind,
    ExchangeState,
    Listing,
    ListingKind,
    ListingState,
    Member,
    Participant,
    ParticipantRole,
    Step,
)
from coopforma.networks.models import Network, PartnerState, PartnerStructure
from coopforma.offers import geo, relevance, search
from coopforma.offers.models import ExperienceMode, GeoPrecision, Offer, OfferSession, OfferSource, OfferStatus
from coopforma.offers.models import SourceKind as OfferSourceKind

# --- experience-based modes ------------------------------------------------------------------------------------

# An exchange's format → the map's experience-based mode (docs/exchanges-open-data.md, « Modes »).
FORMAT_MODES = {
    ExchangeFormat.VISIT: ExperienceMode.PEER_LEARNING,
    ExchangeFormat.SHADOWING: ExperienceMode.PEER_LEARNING,
    ExchangeFormat.IMMERSION: ExperienceMode.PEER_LEARNING,
    ExchangeFormat.MENTORING: ExperienceMode.PEER_LEARNING,
    ExchangeFormat.WORKSHOP: ExperienceMode.PEER_LEARNING,
    ExchangeFormat.CODEVELOPMENT: ExperienceMode.PEER_LEARNING,
    ExchangeFormat.LEARNING_EXPEDITION: ExperienceMode.LEARNING_EXPEDITION,
    ExchangeFormat.COMMUNITY_OF_PRACTICE: ExperienceMode.COMMUNITY_OF_PRACTICE,
}
# An exchange's kind wins over its format: an expedition, a compagnonnage.
KIND_MODES = {
    ExchangeKind.EXPEDITION: ExperienceMode.LEARNING_EXPEDITION,
    ExchangeKind.TRANSFER: ExperienceMode.COMPAGNONNAGE,
}
# A listing offers several formats; the map shows one mode: the most specific one.
MODE_ORDER = (
    ExperienceMode.LEARNING_EXPEDITION,
    ExperienceMode.COMPAGNONNAGE,
    ExperienceMode.COMMUNITY_OF_PRACTICE,
    ExperienceMode.PEER_LEARNING,
)


def listing_mode(formats: Iterable[str]) -> str:
    modes = {FORMAT_MODES.get(f) for f in formats or []}  # type: ignore[call-overload]
    return next((str(mode) for mode in MODE_ORDER if mode in modes), str(ExperienceMode.PEER_LEARNING))


def exchange_mode(exchange: Exchange) -> str:
    mode = KIND_MODES.get(exchange.kind) or FORMAT_MODES.get(exchange.format) or ExperienceMode.PEER_LEARNING  # type: ignore[call-overload]
    return str(mode)


def format_labels(formats: Iterable[str]) -> list[str]:
    """The French labels of the formats, in the order of ExchangeFormat (an unknown code is dropped)."""
    given = set(formats or [])
    return [str(label) for value, label in ExchangeFormat.choices if value in given]


# --- places at the precision of the commune ------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    city: str
    insee_code: str
    postal_code: str
    department: str
    region: str
    latitude: float | None
    longitude: float | None


def place_of(*, insee_code: str = "", city: str = "", department: str = "") -> Place | None:
    """The commune (by its INSEE code, else its name) with its position from the shipped dataset; the
    département alone when the commune is unknown; None when nothing is known."""
    commune = geo.commune_by_insee(insee_code) if insee_code else None
    if commune is None and city:
        found = geo.find_commune(city)
        if found is not None and (not department or found.departement == department):
            commune = found
    if commune is not None:
        return Place(
            city=commune.name,
            insee_code=commune.insee,
            postal_code=commune.postal_codes[0] if commune.postal_codes else "",
            department=commune.departement,
            region=commune.region,
            latitude=commune.lat,
            longitude=commune.lon,
        )
    if department:
        return Place(city, "", "", department, geo.departement_region(department), None, None)
    return None


def member_place(member: Member) -> Place | None:
    return place_of(insee_code=member.insee_code, city=member.city, department=member.department)


def listing_place(listing: Listing) -> Place | None:
    """The listing's commune, else its member's."""
    return place_of(insee_code=listing.insee_code, city=listing.city, department=listing.department) or member_place(
        listing.member
    )


def published_partner(member: Member) -> PartnerStructure | None:
    """The partner structure the member represents, when the network published it (it has a public page)."""
    partner = member.partner
    return partner if partner is not None and partner.state == PartnerState.PUBLISHED else None


def provider_name(member: Member) -> str:
    """Who offers: the partner structure the member represents, else the member's display name."""
    return member.partner.name if member.partner is not None else member.display_name


# --- what is published -------------------------------------------------------------------------------------------


def consenting_members(network: Network) -> QuerySet[Member]:
    """The joined members of the network who agreed to appear on the map and in the exports."""
    return Member.objects.filter(network=network, on_map=True, joined_at__isnull=False)


def published_listings(network: Network, kinds: Iterable[str] = (ListingKind.OFFER,)) -> QuerySet[Listing]:
    """The open listings (offers by default) of the consenting members, with their member, partner and
    competencies."""
    return (
        Listing.objects.filter(
            network=network, kind__in=list(kinds), state=ListingState.OPEN, member__in=consenting_members(network)
        )
        .select_related("member__partner", "network")
        .prefetch_related("competencies")
        .order_by("pk")
    )


def published_exchanges(network: Network) -> QuerySet[Exchange]:
    """The public exchanges, not cancelled, with at least one participant and every participant consenting."""
    refusing = Participant.objects.filter(exchange=OuterRef("pk"), on_map=False)
    anyone = Participant.objects.filter(exchange=OuterRef("pk"))
    return (
        Exchange.objects.filter(network=network, is_public=True)
        .exclude(state=ExchangeState.CANCELLED)
        .filter(Exists(anyone))
        .exclude(Exists(refusing))
        .select_related("network")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("member__partner").order_by("pk"),
            ),
            Prefetch("steps", queryset=Step.objects.select_related("host").order_by("starts_at", "pk")),
            "competencies",
        )
        .order_by("pk")
    )


def exchange_hosts(exchange: Exchange) -> list[Member]:
    """The members who welcome or pass on their know-how in the exchange (providers, hosts, compagnons), else
    all its participants."""
    giving = {ParticipantRole.PROVIDER, ParticipantRole.HOST, ParticipantRole.COMPAGNON}
    participants = list(exchange.participants.all())
    members = [p.member for p in participants if p.role in giving] or [p.member for p in participants]
    return list({m.pk: m for m in members}.values())


def public_url(network: Network, anchor: str = "") -> str:
    """The network's public page of the exchanges (views/public.py), with an anchor."""
    try:
        path = reverse("exchanges:public", kwargs={"network": network.slug})
    except NoReverseMatch:  # pragma: no cover - the page is in urls.py
        return ""
    return absolute_url(path) + (f"#{anchor}" if anchor else "")


# --- offer values ------------------------------------------------------------------------------------------------


def _summary(text: str) -> str:
    first = (text or "").strip().split("\n", 1)[0]
    return first if len(first) <= 300 else first[:299].rsplit(" ", 1)[0] + "…"


def _modality(is_remote: bool, has_place: bool) -> str:
    if is_remote and has_place:
        return str(Modality.HYBRID)
    return str(Modality.REMOTE if is_remote else Modality.ON_SITE)


def _session(place: Place | None, *, start: Any, end: Any, is_remote: bool, key: str) -> dict[str, Any]:
    values: dict[str, Any] = {"external_id": key, "start": start, "end": end, "is_remote": is_remote}
    if place is not None:
        values.update(
            city=place.city[:100],
            postal_code=place.postal_code,
            insee_code=place.insee_code,
            department=place.department,
            region=place.region,
            latitude=place.latitude,
            longitude=place.longitude,
            geo_precision=GeoPrecision.APPROXIMATE if place.latitude is not None else "",
        )
    return values


def listing_values(listing: Listing) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(offer fields, sessions' fields) of an offer listing."""
    member = listing.member
    place = listing_place(listing)
    competencies = sorted(listing.competencies.all(), key=lambda item: item.code)
    lines = [listing.description.strip()]
    formats = format_labels(listing.formats)
    if formats:
        lines.append(_("Formats : %(formats)s.") % {"formats": ", ".join(formats)})
    lines.append(_("Conditions : %(conditions)s.") % {"conditions": listing.get_conditions_display()})
    if listing.availability:
        lines.append(_("Disponibilités : %(text)s") % {"text": listing.availability})
    partner = published_partner(member)
    values = {
        "title": listing.title[:255],
        "summary": _summary(listing.description),
        "objectives": "\n".join(f"{item.code} {item.label}" for item in competencies),
        "content": "\n".join(line for line in lines if line),
        "url": public_url(listing.network, f"offre-{listing.pk}"),
        "provider_name": provider_name(member)[:255],
        "modality": _modality(listing.is_remote, place is not None),
        "experience_mode": listing_mode(listing.formats),
        "partner_id": partner.pk if partner else None,
    }
    sessions = [
        _session(
            place,
            start=listing.available_from,
            end=listing.available_until,
            is_remote=listing.is_remote,
            key=f"offre-{listing.pk}",
        )
    ]
    return values, sessions


def exchange_values(exchange: Exchange) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(offer fields, sessions' fields) of a public exchange: one session per step at its host's commune (the
    exchange's dates at its first host's commune when it has no step yet)."""
    hosts = exchange_hosts(exchange)
    competencies = sorted(exchange.competencies.all(), key=lambda item: item.code)
    partners = [published_partner(m) for m in hosts]
    lines = [exchange.plan.strip(), exchange.themes.strip()]
    if exchange.format:
        lines.append(_("Format : %(format)s.") % {"format": exchange.get_format_display()})
    lines.append(_("Type : %(kind)s.") % {"kind": exchange.get_kind_display()})
    first_place = member_place(hosts[0]) if hosts else None
    sessions = []
    for step in exchange.steps.all():
        host = step.host or (hosts[0] if hosts else None)
        place = member_place(host) if host is not None else None
        sessions.append(
            _session(
                place,
                start=timezone.localdate(step.starts_at),
                end=timezone.localdate(step.ends_at),
                is_remote=step.is_remote,
                key=f"etape-{step.pk}",
            )
        )
    if not sessions:
        sessions.append(
            _session(
                first_place,
                start=exchange.starts_on,
                end=exchange.ends_on,
                is_remote=False,
                key=f"echange-{exchange.pk}",
            )
        )
    remote = any(s["is_remote"] for s in sessions)
    values = {
        "title": exchange.title[:255],
        "summary": _summary(exchange.plan or exchange.themes),
        "objectives": "\n".join(f"{item.code} {item.label}" for item in competencies),
        "content": "\n".join(line for line in lines if line),
        "url": public_url(exchange.network, f"echange-{exchange.pk}"),
        "provider_name": ", ".join(provider_name(m) for m in hosts)[:255],
        "modality": _modality(remote, any(s.get("city") for s in sessions)),
        "experience_mode": exchange_mode(exchange),
        "partner_id": next((p.pk for p in partners if p is not None), None),
    }
    return values, sessions


# --- the upsert ---------------------------------------------------------------------------------------------------


def source_name(network: Network) -> str:
    return f"exchanges-{network.slug}"[:80]


def exchanges_source_for(network: Network) -> OfferSource:
    source, _created = OfferSource.objects.get_or_create(
        name=source_name(network),
        defaults={
            "label": _("Échanges de savoir-faire de %(name)s") % {"name": network.name},
            "kind": OfferSourceKind.EXCHANGES,
            "network": network,
            "licence": network.data_licence,
        },
    )
    return source


def _hash(values: dict[str, Any], sessions: list[dict[str, Any]]) -> str:
    payload = json.dumps([values, sessions], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class PublishResult:
    network: Network
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    def summary(self) -> str:
        return _(
            "Carte de %(network)s : %(created)d offre(s) créée(s), %(updated)d mise(s) à jour, "
            "%(unchanged)d inchangée(s), %(retired)d retirée(s)."
        ) % {
            "network": self.network.name,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
        }


def publish_network(network: Network) -> PublishResult:
    """Upsert the network's consenting offers and public exchanges into its exchanges source; retire the rest.
    Idempotent: a second run writes nothing."""
    result = PublishResult(network=network)
    now = timezone.now()
    wanted: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for listing in published_listings(network):
        wanted[f"offre-{listing.pk}"] = listing_values(listing)
    for exchange in published_exchanges(network):
        wanted[f"echange-{exchange.pk}"] = exchange_values(exchange)
    with transaction.atomic():
        source = OfferSource.objects.filter(name=source_name(network)).first()
        if source is None and not wanted:
            return result
        source = source or exchanges_source_for(network)
        existing = {offer.external_id: offer for offer in Offer.objects.filter(source=source)}
        touched: list[int] = []
        for external_id, (values, sessions) in wanted.items():
            digest = _hash(values, sessions)
            offer = existing.get(external_id)
            if offer is not None and offer.content_hash == digest and offer.status == OfferStatus.ACTIVE:
                result.unchanged += 1
                continue
            if offer is None:
                offer = Offer(source=source, external_id=external_id, first_seen_at=now)
                result.created += 1
            else:
                result.updated += 1
            for key, value in values.items():
                setattr(offer, key, value)
            offer.status, offer.retired_at = OfferStatus.ACTIVE, None
            offer.content_hash, offer.last_seen_at = digest, now
            offer.save()
            offer.sessions.all().delete()
            OfferSession.objects.bulk_create([OfferSession(offer=offer, **s) for s in sessions])
            touched.append(offer.pk)
        for external_id, offer in existing.items():
            if external_id not in wanted and offer.status != OfferStatus.RETIRED:
                offer.status, offer.retired_at = OfferStatus.RETIRED, now
                offer.save(update_fields=["status", "retired_at", "updated_at"])
                result.retired += 1
        if touched or result.retired:
            source.last_import_at = now
            source.save(update_fields=["last_import_at", "updated_at"])
        if touched:
            search.index_offers(touched)
            relevance.score_offers(network, touched)
    return result


def command_publish(options: dict[str, Any]) -> str:
    """`coopforma exchanges publish --network SLUG` (the command checked that the network exists)."""
    return publish_network(Network.objects.get(slug=options["network"])).summary()


# --- on commit --------------------------------------------------------------------------------------------------


@task()
def publish_network_task(network_id: int) -> str:
    network = Network.objects.filter(pk=network_id).first()
    return publish_network(network).summary() if network is not None else ""


class _Publish:
    """The on-commit callback for one network: marked, so that a transaction enqueues each network once."""

    def __init__(self, network_id: int) -> None:
        self.network_id = network_id

    def __call__(self) -> None:
        publish_network_task.enqueue(self.network_id)


def schedule_publish(network_id: int | None) -> None:
    if not network_id:
        return
    # connection.run_on_commit holds (savepoint ids, callback, robust) for the current transaction.
    pending = getattr(connection, "run_on_commit", [])
    if any(isinstance(entry[1], _Publish) and entry[1].network_id == network_id for entry in pending):
        return
    # robust: a failing publication is logged, it never turns a saved listing into an error page.
    transaction.on_commit(_Publish(network_id), robust=True)


def _network_id(instance: Any) -> int | None:
    network_id = getattr(instance, "network_id", None)
    if network_id is None and getattr(instance, "exchange_id", None):
        network_id = Exchange.objects.filter(pk=instance.exchange_id).values_list("network_id", flat=True).first()
    return network_id


def exchanges_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A member, a listing, an exchange, a participant or a step was saved or deleted (ExchangesConfig.ready)."""
    schedule_publish(_network_id(instance))
