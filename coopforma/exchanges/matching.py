# SPDX-License-Identifier: AGPL-3.0-or-later
"""Matching: which open offers fit each open request of a network's exchanges, with a score and reasons in French.

A pair is scored by `score_pair` (pure, from two `Side`s), out of 100:

- what it is about (at most 60): competencies of the référentiel in common (40, +10 for each more, up to 60); without
  one in common, a shared parent (the job or activity of the référentiel) or transversal block counts less (25);
  when one side links no competency, the words their titles share (accent-insensitive, French stems as on the map,
  `offers.relevance.stem`: 15, +10 a word, up to 40). Nothing in common on what: no suggestion;
- formats in common (10); the offer at or above the requested level (10);
- place (10): possible at a distance on either side, or within the requester's travel distance (`Member.travel_km`,
  nearer scores more); beyond it (neither side remote): no suggestion. `Suggestion.distance_km` keeps the distance;
- dates (10): the availability windows overlap; windows that never meet: no suggestion.

Below THRESHOLD nothing is suggested. `refresh_suggestions(network)` is idempotent: new pairs are created, PROPOSED
ones rescored (or removed when they no longer fit), DISMISSED and ARRANGED ones never touched: the facilitators'
decision is remembered. A pair a member asked for (`facilitation.suggestion_ask`, reason code `asked`) stays while
both listings are open, with ASKED_BONUS. It runs after a listing changes (`schedule_refresh`, a task enqueued on
commit) and by `coopforma exchanges match --network SLUG` (`command_match`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core.compat import task
from coopforma.exchanges.models import ExchangeFormat, Listing, ListingKind, ListingState, Suggestion, SuggestionState
from coopforma.networks.models import Network
from coopforma.offers.relevance import normalise, stem
from coopforma.referentiel.models import LEVELS, Item

THRESHOLD = 30
MAX_SCORE = 100
COMPETENCY = 40  # the first competency in common
COMPETENCY_MORE = 10  # each more one, up to COMPETENCY_MAX
COMPETENCY_MAX = 60
PARENT = 25  # a job, activity or block of the référentiel in common, without a competency in common
WORDS = 15  # the first word in common (titles, when a side links no competency)
WORDS_MORE = 10
WORDS_MAX = 40
FORMATS = 10
LEVEL = 10
PLACE = 10
DATES = 10
ASKED_BONUS = 20  # a pair a member asked for comes first
ASKED = "asked"  # the reason code of a member's request

LEVEL_RANK = {code: rank for rank, (code, _label) in enumerate(LEVELS)}
LEVEL_LABELS = dict(LEVELS)
EARTH_RADIUS_KM = 6371.0
# Words too common to say two titles are about the same thing.
STOPWORDS = frozenset(
    [
        "avec",
        "dans",
        "pour",
        "sans",
        "sous",
        "vers",
        "chez",
        "entre",
        "leur",
        "leurs",
        "notre",
        "nos",
        "votre",
        "vos",
        "mais",
        "donc",
        "comme",
        "tout",
        "tous",
        "toute",
        "toutes",
        "plus",
        "moins",
        "tres",
        "bien",
        "faire",
        "etre",
        "avoir",
        "savoir",
        "apprendre",
        "comment",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "cette",
        "ces",
        "cet",
        "une",
        "des",
        "les",
        "aux",
        "du",
        "de",
        "la",
        "le",
        "en",
        "et",
        "ou",
        "un",
        "sur",
        "par",
    ]
)
WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Side:
    """What matching reads of a listing (and of its member, for the request's travel distance)."""

    competencies: Mapping[int, str] = field(default_factory=dict)  # item id -> label
    parents: Mapping[int, str] = field(default_factory=dict)  # parent job/activity or block id -> label
    words: Mapping[str, str] = field(default_factory=dict)  # stem -> the word as written
    formats: frozenset[str] = frozenset()
    level: str = ""
    latitude: float | None = None
    longitude: float | None = None
    remote: bool = False
    available_from: dt.date | None = None
    available_until: dt.date | None = None


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: list[dict[str, str]]
    distance_km: int | None


def title_words(title: str) -> dict[str, str]:
    """The meaningful words of a title by their French stem (accents and case ignored)."""
    words: dict[str, str] = {}
    for word in WORD.findall(normalise(title)):
        if len(word) < 4 or word in STOPWORDS:
            continue
        words.setdefault(stem(word), word)
    return words


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points (degrees), in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _labels(values: Iterable[str], limit: int = 4) -> str:
    values = sorted(values)
    shown = ", ".join(values[:limit])
    return shown + (" …" if len(values) > limit else "")


def _reason(code: str, label: str) -> dict[str, str]:
    return {"code": code, "label": label}


def score_pair(offer: Side, request: Side, *, travel_km: int) -> Fit | None:
    """How well `offer` fits `request` (the requester accepts to travel `travel_km`), or None when it does not:
    nothing in common on what, too far with neither side remote, or availability windows that never meet."""
    reasons: list[dict[str, str]] = []
    score = 0
    shared = offer.competencies.keys() & request.competencies.keys()
    if shared:
        score += min(COMPETENCY_MAX, COMPETENCY + COMPETENCY_MORE * (len(shared) - 1))
        names = _labels(request.competencies[pk] for pk in shared)
        reasons.append(_reason("competencies", _("Compétences en commun : %(names)s") % {"names": names}))
    else:
        parents = offer.parents.keys() & request.parents.keys()
        if parents:
            score += PARENT
            names = _labels(request.parents[pk] for pk in parents)
            reasons.append(_reason("parent", _("Même métier ou bloc du référentiel : %(names)s") % {"names": names}))
    if not offer.competencies or not request.competencies:
        common = offer.words.keys() & request.words.keys()
        if common:
            score += min(WORDS_MAX, WORDS + WORDS_MORE * (len(common) - 1))
            names = _labels(request.words[key] for key in common)
            reasons.append(_reason("words", _("Mots en commun dans les intitulés : %(words)s") % {"words": names}))
    if score == 0:
        return None

    formats = offer.formats & request.formats
    if formats:
        score += FORMATS
        names = _labels(str(ExchangeFormat(value).label) for value in formats if value in ExchangeFormat.values)
        reasons.append(_reason("formats", _("Formats en commun : %(names)s") % {"names": names}))

    if (
        offer.level in LEVEL_RANK
        and request.level in LEVEL_RANK
        and LEVEL_RANK[offer.level] >= LEVEL_RANK[request.level]
    ):
        score += LEVEL
        label = _("Niveau proposé : %(offer)s (demandé : %(request)s)") % {
            "offer": LEVEL_LABELS[offer.level],
            "request": LEVEL_LABELS[request.level],
        }
        reasons.append(_reason("level", label))

    distance: float | None = None
    if None not in (offer.latitude, offer.longitude, request.latitude, request.longitude):
        distance = haversine_km(offer.latitude, offer.longitude, request.latitude, request.longitude)  # type: ignore[arg-type]
    if offer.remote or request.remote:
        score += PLACE
        reasons.append(_reason("remote", _("Possible à distance")))
    elif distance is not None:
        if distance > travel_km:
            return None
        score += round(PLACE * (1 - distance / travel_km)) if travel_km else PLACE
        label = _("À %(km)s km (déplacement accepté : %(travel)s km)") % {"km": round(distance), "travel": travel_km}
        reasons.append(_reason("distance", label))

    bounds = (offer.available_from, offer.available_until, request.available_from, request.available_until)
    if any(bounds):
        start = max((d for d in (offer.available_from, request.available_from) if d), default=dt.date.min)
        end = min((d for d in (offer.available_until, request.available_until) if d), default=dt.date.max)
        if start > end:
            return None
        score += DATES
        reasons.append(_reason("dates", _("Disponibilités compatibles")))

    return Fit(
        score=max(0, min(MAX_SCORE, score)),
        reasons=reasons,
        distance_km=round(distance) if distance is not None else None,
    )


# --- the network's listings --------------------------------------------------------------------------------------


def open_listings(network: Network) -> list[Listing]:
    """The open offers and requests of the network's joined members."""
    return list(
        Listing.objects.filter(network=network, state=ListingState.OPEN, member__joined_at__isnull=False)
        .select_related("member")
        .order_by("pk")
    )


def sides_for(listings: list[Listing]) -> dict[int, Side]:
    """Each listing as matching reads it (three queries whatever their number)."""
    ids = [listing.pk for listing in listings]
    competencies: dict[int, dict[int, str]] = {pk: {} for pk in ids}
    parents: dict[int, dict[int, str]] = {pk: {} for pk in ids}
    by_item: dict[int, list[int]] = {}
    links = Listing.competencies.through.objects.filter(listing_id__in=ids).values_list(
        "listing_id",
        "item_id",
        "item__label",
        "item__parent_id",
        "item__parent__label",
        "item__parent__parent_id",
        "item__parent__parent__label",
    )
    for listing_id, item_id, label, parent_id, parent_label, grand_id, grand_label in links:
        competencies[listing_id][item_id] = label
        by_item.setdefault(item_id, []).append(listing_id)
        if parent_id:
            parents[listing_id][parent_id] = parent_label
        if grand_id:
            parents[listing_id][grand_id] = grand_label
    blocks = Item.blocks.through.objects.filter(from_item_id__in=list(by_item)).values_list(
        "from_item_id", "to_item_id", "to_item__label"
    )
    for item_id, block_id, block_label in blocks:
        for listing_id in by_item[item_id]:
            parents[listing_id][block_id] = block_label
    return {
        listing.pk: Side(
            competencies=competencies[listing.pk],
            parents=parents[listing.pk],
            words=title_words(listing.title),
            formats=frozenset(v for v in (listing.formats or []) if isinstance(v, str)),
            level=listing.level,
            latitude=listing.latitude,
            longitude=listing.longitude,
            remote=listing.is_remote,
            available_from=listing.available_from,
            available_until=listing.available_until,
        )
        for listing in listings
    }


def is_asked(suggestion: Suggestion) -> bool:
    return any(isinstance(r, dict) and r.get("code") == ASKED for r in suggestion.reasons or [])


def asked_reasons(suggestion: Suggestion) -> list[dict[str, str]]:
    return [r for r in suggestion.reasons or [] if isinstance(r, dict) and r.get("code") == ASKED]


def fit_of(offer: Listing, request: Listing, sides: Mapping[int, Side] | None = None) -> Fit | None:
    """The fit of one pair (reads the two listings' competencies when `sides` is not given)."""
    sides = sides or sides_for([offer, request])
    return score_pair(sides[offer.pk], sides[request.pk], travel_km=request.member.travel_km)


def values_for(fit: Fit | None, asked: list[dict[str, str]]) -> dict[str, Any]:
    """The score, reasons and distance a suggestion stores (a member's request first, with its bonus)."""
    if asked:
        base = fit.score if fit else 0
        return {
            "score": min(MAX_SCORE, base + ASKED_BONUS),
            "reasons": asked + (fit.reasons if fit else []),
            "distance_km": fit.distance_km if fit else None,
        }
    assert fit is not None
    return {"score": fit.score, "reasons": fit.reasons, "distance_km": fit.distance_km}


@dataclass
class RefreshSummary:
    created: int = 0
    updated: int = 0
    removed: int = 0


def refresh_suggestions(network: Network) -> RefreshSummary:
    """Bring the network's suggestions up to date with its open listings (idempotent; see the module's doc)."""
    summary = RefreshSummary()
    with transaction.atomic():
        listings = open_listings(network)
        sides = sides_for(listings)
        offers = [listing for listing in listings if listing.kind == ListingKind.OFFER]
        requests = [listing for listing in listings if listing.kind == ListingKind.REQUEST]
        existing = {(s.offer_id, s.request_id): s for s in Suggestion.objects.filter(network=network)}
        new: list[Suggestion] = []
        changed: list[Suggestion] = []
        removed: list[int] = []
        live: set[tuple[int, int]] = set()
        for request in requests:
            for offer in offers:
                if offer.member_id == request.member_id or offer.member.user_id == request.member.user_id:
                    continue
                key = (offer.pk, request.pk)
                live.add(key)
                current = existing.get(key)
                if current is not None and current.state != SuggestionState.PROPOSED:
                    continue  # the facilitators decided: never touched again
                fit = score_pair(sides[offer.pk], sides[request.pk], travel_km=request.member.travel_km)
                asked = asked_reasons(current) if current is not None else []
                if not asked and (fit is None or fit.score < THRESHOLD):
                    if current is not None:
                        removed.append(current.pk)
                    continue
                values = values_for(fit, asked)
                if current is None:
                    new.append(Suggestion(network=network, offer=offer, request=request, **values))
                elif any(getattr(current, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(current, name, value)
                    current.updated_at = timezone.now()
                    changed.append(current)
        for key, suggestion in existing.items():
            if suggestion.state == SuggestionState.PROPOSED and key not in live:
                removed.append(suggestion.pk)  # a listing closed, paused or left the exchanges
        Suggestion.objects.bulk_create(new)
        Suggestion.objects.bulk_update(changed, ["score", "reasons", "distance_km", "updated_at"])
        Suggestion.objects.filter(pk__in=removed, state=SuggestionState.PROPOSED).delete()
    summary.created, summary.updated, summary.removed = len(new), len(changed), len(removed)
    return summary


@task()
def refresh_network_suggestions(network_id: int) -> int:
    """The task run after a listing changed: the network's suggestions brought up to date."""
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        return 0
    summary = refresh_suggestions(network)
    return summary.created + summary.updated + summary.removed


def schedule_refresh(network_id: int) -> None:
    """Call after writing a listing (inside the transaction): the suggestions are refreshed once it commits."""
    transaction.on_commit(lambda: refresh_network_suggestions.enqueue(network_id), robust=True)


def command_match(options: dict[str, Any]) -> str:
    """`coopforma exchanges match --network SLUG` (the command checked the network exists)."""
    network = Network.objects.get(slug=options["network"])
    summary = refresh_suggestions(network)
    return _(
        "Suggestions du réseau %(network)s : %(created)s nouvelle(s), %(updated)s mise(s) à jour, "
        "%(removed)s retirée(s)."
    ) % {"network": network.name, "created": summary.created, "updated": summary.updated, "removed": summary.removed}
