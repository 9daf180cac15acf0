# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the tender watch. Notices are public data (BOAMP): the network's people with `tenders.view` read them
all. Interests and watch profiles belong to a member organisation (or, for profiles, to the network): a member
reads those of the organisations it acts for in this network, the moderators read all of the network's; any
other id is 404 ("missing or not yours").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopforma.accounts.models import Organisation, User
from coopforma.networks.access import NetworkActor, actor_for
from coopforma.networks.models import Network, NetworkPerson
from coopforma.tenders.models import Interest, Nature, Notice, WatchProfile
from coopforma.tenders.training import Match, match

LIST_LIMIT = 200


def member_organisations(*, actor: NetworkActor) -> list[Organisation]:
    """The member organisations of the network the person acts for (an active membership in each)."""
    if not actor.user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            networks__network=actor.network,
            memberships__user=actor.user,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def network_person(*, user: User, network_id: int) -> NetworkActor:
    """The API's way into a network named by its id: the person's actor there. 404 when the network does not
    exist or the person may not read its tenders (no role there): another network's people learn nothing."""
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        raise Http404
    actor = actor_for(user, network)
    if not actor.has("tenders.view"):
        raise Http404
    return actor


# --- notices ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeFilters:
    q: str = ""
    departement: str = ""
    reserved: bool = False
    open_only: bool = False
    nature: str = ""
    mine: bool = False


def notice_queryset() -> QuerySet[Notice]:
    return Notice.objects.all().order_by("-published_on", "-idweb")


def notice_list(*, actor: NetworkActor, filters: NoticeFilters | None = None) -> list[Notice]:
    """The training notices, newest first; `mine`: those that match one of my profiles, best score first (each
    notice gets `.match`)."""
    actor.require("tenders.view")
    filters = filters or NoticeFilters()
    notices = notice_queryset()
    if filters.q.strip():
        for word in filters.q.split()[:8]:
            notices = notices.filter(Q(object__icontains=word) | Q(buyer__icontains=word) | Q(idweb=word))
    if filters.departement.strip():
        notices = notices.filter(departements_text__contains=f" {filters.departement.strip().upper()} ")
    if filters.reserved:
        notices = notices.filter(reserved_ess=True)
    if filters.open_only:
        notices = notices.filter(current_deadline__gte=timezone.now(), cancelled=False)
    if filters.nature in Nature.values:
        notices = notices.filter(nature=filters.nature)
    if not filters.mine:
        return list(notices[:LIST_LIMIT])
    profiles = list(profile_list(actor=actor))
    scored = []
    for notice in notices.iterator(chunk_size=500):
        best = best_match(profiles, notice)
        if best is not None:
            notice.match = best  # type: ignore[attr-defined]
            scored.append(notice)
    scored.sort(key=lambda n: -n.match.score)  # type: ignore[attr-defined]
    return scored[:LIST_LIMIT]


def best_match(profiles: list[WatchProfile], notice: Notice) -> Match | None:
    found = [m for m in (match(p, notice) for p in profiles) if m is not None]
    return max(found, key=lambda m: m.score) if found else None


def notice_get(*, actor: NetworkActor, idweb: str) -> Notice:
    actor.require("tenders.view")
    notice = Notice.objects.filter(idweb=idweb).prefetch_related("lots").first()
    if notice is None:
        raise Http404
    return notice


def notice_links(*, notice: Notice) -> dict[str, Any]:
    """What names this notice (rectifications, cancellations, awards) and what it names (its original, which
    may not be imported: then only its idweb)."""
    incoming = [link.source for link in notice.links_in.select_related("source").order_by("source__published_on")]
    outgoing = [
        {"idweb": link.target_idweb, "notice": link.target}
        for link in notice.links_out.select_related("target").order_by("target_idweb")
    ]
    return {
        "rectifications": [n for n in incoming if n.nature == Nature.RECTIFICATION],
        "cancellations": [n for n in incoming if n.nature == Nature.CANCELLATION],
        "awards": [n for n in incoming if n.nature == Nature.AWARD],
        "others": [n for n in incoming if n.nature not in (Nature.RECTIFICATION, Nature.CANCELLATION, Nature.AWARD)],
        "originals": outgoing,
    }


SIMILAR_LIMIT = 10


def similar_awards(*, notice: Notice) -> list[Notice]:
    """« Qui a remporté des avis similaires » : awards (with their winners) of the same buyer or of a shared
    département, whose CPV codes share a class (5 first digits) with this notice or whose words overlap."""
    place = Q(buyer=notice.buyer) if notice.buyer else Q(pk__in=[])
    for dep in notice.departements:
        place |= Q(departements_text__contains=f" {dep} ")
    candidates = (
        Notice.objects.filter(place, nature=Nature.AWARD)
        .exclude(pk=notice.pk)
        .exclude(winners=[])
        .order_by("-published_on")[:500]
    )
    classes = {code[:5] for code in notice.cpv_codes}
    words = set(notice.search_text.split())
    found = []
    for other in candidates:
        shared_cpv = classes & {code[:5] for code in other.cpv_codes}
        shared_words = words & set(other.search_text.split())
        if shared_cpv or len(shared_words) >= 3:
            found.append(other)
        if len(found) >= SIMILAR_LIMIT:
            break
    return found


# --- interests ----------------------------------------------------------------------------------------------------


def interest_list(*, actor: NetworkActor, notice: Notice | None = None) -> QuerySet[Interest]:
    """Moderators: every interest of the network; a member: its own organisations' interests."""
    interests = Interest.objects.filter(network=actor.network).select_related("organisation", "notice", "created_by")
    if not actor.is_moderator:
        interests = interests.filter(organisation__in=[o.pk for o in member_organisations(actor=actor)])
    if notice is not None:
        interests = interests.filter(notice=notice)
    return interests


def interest_get(*, actor: NetworkActor, interest_id: int) -> Interest:
    interest = interest_list(actor=actor).filter(pk=interest_id).first()
    if interest is None:
        raise Http404
    return interest


def organisation_interests(*, organisation: Organisation) -> QuerySet[Interest]:
    """The API's « mine »: the token's organisation's interests, in every network."""
    return Interest.objects.filter(organisation=organisation).select_related("notice", "network")


# --- watch profiles -----------------------------------------------------------------------------------------------


def profile_list(*, actor: NetworkActor) -> QuerySet[WatchProfile]:
    """The network's own profiles and those of the member organisations I act for; moderators: all."""
    profiles = WatchProfile.objects.filter(network=actor.network).select_related("organisation", "recipient")
    if actor.is_moderator:
        return profiles
    mine = [o.pk for o in member_organisations(actor=actor)]
    return profiles.filter(organisation__in=mine)


def profile_get(*, actor: NetworkActor, profile_id: int) -> WatchProfile:
    profile = profile_list(actor=actor).filter(pk=profile_id).first()
    if profile is None:
        raise Http404
    return profile


def person_profiles(*, user: User, network_id: int | None = None) -> QuerySet[WatchProfile]:
    """The API's list: in every network where the person has a role (or in `network_id` only), the profiles the
    pages show them there (`profile_list`)."""
    roles = NetworkPerson.objects.filter(user=user).select_related("network")
    if network_id is not None:
        roles = roles.filter(network_id=network_id)
    visible = WatchProfile.objects.none()
    for person in roles.order_by("network_id"):
        actor = actor_for(user, person.network)
        if actor.has("tenders.view"):
            visible = visible | profile_list(actor=actor)
    return visible.select_related("network", "organisation").order_by("network_id", "name", "pk")


def person_profile_get(*, user: User, profile_id: int) -> tuple[NetworkActor, WatchProfile]:
    """A profile by id for the API, with the person's actor in its network; 404 when it is missing or not one the
    pages would show them (`profile_get`)."""
    network_id = WatchProfile.objects.filter(pk=profile_id).values_list("network_id", flat=True).first()
    if network_id is None:
        raise Http404
    actor = network_person(user=user, network_id=network_id)
    return actor, profile_get(actor=actor, profile_id=profile_id)


EVIDENCE_SOURCE = gettext_lazy("BOAMP, avis de marché de formation importés par la veille (coopforma tenders import)")


def notices_evidence(network: Any, keywords: list[str]) -> dict[str, Any]:
    """The evidence of need the tenders give a certification project (recognition.evidence): the training notices
    (national: the BOAMP watch is not per network) whose object, lots or descriptors name one of `keywords` (a
    job's label and aliases: every word of one of them, stemmed), counted as calls for tenders and as awards, with
    the date and source of the figures."""
    from coopforma.tenders.training import _has_stem, keyword_stems

    phrases = [stems for stems in (keyword_stems(keyword) for keyword in keywords) if stems]
    calls = awards = reserved = 0
    rows = Notice.objects.filter(cancelled=False).values_list("search_text", "nature", "reserved_ess")
    for search_text, nature, reserved_ess in rows.iterator() if phrases else []:
        if not any(all(_has_stem(search_text, root) for root in stems) for stems in phrases):
            continue
        if nature == Nature.AWARD:
            awards += 1
        elif nature == Nature.NOTICE:
            calls += 1
            reserved += bool(reserved_ess)
    summary = _(
        "%(calls)d avis de marché de formation citant le métier, dont %(reserved)d réservé(s) à l'ESS ; "
        "%(awards)d résultat(s) de marché"
    ) % {"calls": calls, "reserved": reserved, "awards": awards}
    return {
        "available": True,
        "notices": calls,
        "reserved_ess": reserved,
        "awards": awards,
        "summary": summary,
        "source": str(EVIDENCE_SOURCE),
        "date": timezone.localdate().isoformat(),
    }
