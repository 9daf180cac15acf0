# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges' open data, GoGoCarto-compatible (issue 18, point 5): what directories of the social and solidarity
economy reuse (GoGoCarto's import of a JSON or CSV source, see docs/exchanges-open-data.md).

Published only for a public network, and only what was consented:
- one element per joined member who agreed to appear (`Member.on_map`): the partner structure they represent (its
  public page as website) or their display name, their commune (never their own coordinates), their open offers
  and requests of know-how; NEVER their e-mail or phone;
- one element per public exchange whose participants all agreed (`publication.published_exchanges`).

JSON: like GoGoCarto's own API (`{"licence", "ontology", "data": [elements]}`): each element has `id`, `name`,
`geo` {latitude, longitude}, `address` {streetAddress, addressLocality, postalCode, addressCountry}, `categories`
(French labels), `description`, `website`, `url`, and the exchanges' own fields (offers, requests, dates).
CSV: the same columns flattened (comma-separated, as GoGoCarto's import reads; lists joined by « , » in a cell).
The licence is the network's `data_licence`, in the JSON's `licence` and in a column of every CSV line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from coopforma.exchanges.models import Exchange, ExchangeFormat, Listing, ListingKind, ListingState, Member
from coopforma.exchanges.publication import (
    Place,
    consenting_members,
    exchange_hosts,
    exchange_mode,
    format_labels,
    listing_mode,
    listing_place,
    member_place,
    provider_name,
    public_url,
    published_exchanges,
    published_partner,
)
from coopforma.networks.models import Network, PartnerStructure
from coopforma.offers.models import ExperienceMode

ONTOLOGY = "gogofull"


def members_for_export(network: Network) -> list[Member]:
    """The consenting joined members, with their partner structure and open listings (three queries)."""
    open_listings = (
        Listing.objects.filter(state=ListingState.OPEN).prefetch_related("competencies").order_by("kind", "pk")
    )
    return list(
        consenting_members(network)
        .select_related("partner", "network")
        .prefetch_related(Prefetch("listings", queryset=open_listings, to_attr="open_listings"))
        .order_by("display_name", "pk")
    )


def _address(place: Place | None, street: str = "") -> dict[str, str]:
    return {
        "streetAddress": street,
        "addressLocality": place.city if place else "",
        "postalCode": place.postal_code if place else "",
        "addressCountry": "FR",
    }


def _geo(place: Place | None) -> dict[str, float | None]:
    return {
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
    }


def _listing(listing: Listing) -> dict[str, Any]:
    place = listing_place(listing)
    return {
        "title": listing.title,
        "description": listing.description,
        "competencies": [f"{item.code} {item.label}" for item in listing.competencies.all()],
        "level": listing.get_level_display() if listing.level else "",
        "formats": format_labels(listing.formats),
        "remote": listing.is_remote,
        "place": place.city if place else "",
        "conditions": listing.get_conditions_display(),
        "availability": listing.availability,
    }


def member_element(member: Member) -> dict[str, Any]:
    """A consenting member (or the structure they represent) as a GoGoCarto element: no e-mail, no phone."""
    partner = published_partner(member)
    place = member_place(member)
    listings: list[Listing] = (
        member.open_listings  # type: ignore[attr-defined]
        if hasattr(member, "open_listings")
        else list(member.listings.filter(state=ListingState.OPEN))
    )
    offers = [_listing(item) for item in listings if item.kind == ListingKind.OFFER]
    requests = [_listing(item) for item in listings if item.kind == ListingKind.REQUEST]
    categories: list[str] = []
    if partner is not None:
        categories.append(str(partner.get_kind_display()))
    if offers:
        categories.append(str(_("Propose un savoir-faire")))
    if requests:
        categories.append(str(_("Cherche un savoir-faire")))
    for item in listings:
        categories += [label for label in format_labels(item.formats) if label not in categories]
    network = member.network
    return {
        "id": f"membre-{member.pk}",
        "name": provider_name(member),
        "geo": _geo(place),
        "address": _address(place, partner.street if partner is not None else ""),
        "categories": categories,
        "description": member.presentation or (partner.description if partner is not None else ""),
        "website": (partner.website if partner is not None else "") or public_url(network, f"membre-{member.pk}"),
        "url": public_url(network, f"membre-{member.pk}"),
        "offers": offers,
        "requests": requests,
    }


def exchange_element(exchange: Exchange) -> dict[str, Any]:
    hosts = exchange_hosts(exchange)
    place = member_place(hosts[0]) if hosts else None
    labels = [exchange.get_kind_display(), exchange.get_format_display() if exchange.format else ""]
    labels.append(ExperienceMode(exchange_mode(exchange)).label)
    categories = list(dict.fromkeys(str(label) for label in labels if label))
    return {
        "id": f"echange-{exchange.pk}",
        "name": exchange.title,
        "geo": _geo(place),
        "address": _address(place),
        "categories": categories,
        "description": exchange.plan or exchange.themes,
        "website": public_url(exchange.network, f"echange-{exchange.pk}"),
        "url": public_url(exchange.network, f"echange-{exchange.pk}"),
        "hosts": [provider_name(m) for m in hosts],
        "competencies": [f"{item.code} {item.label}" for item in exchange.competencies.all()],
        "startDate": exchange.starts_on.isoformat() if exchange.starts_on else "",
        "endDate": exchange.ends_on.isoformat() if exchange.ends_on else "",
    }


def elements(network: Network) -> list[dict[str, Any]]:
    """Every element of the export: the consenting members, then the public exchanges."""
    found = [member_element(member) for member in members_for_export(network)]
    return found + [exchange_element(exchange) for exchange in published_exchanges(network)]


def gogocarto_json(network: Network) -> dict[str, Any]:
    return {
        "licence": network.data_licence,
        "ontology": ONTOLOGY,
        "source": network.name,
        "data": elements(network),
    }


CSV_COLUMNS = [
    "id",
    "name",
    "latitude",
    "longitude",
    "streetAddress",
    "addressLocality",
    "postalCode",
    "addressCountry",
    "categories",
    "description",
    "website",
    "offers",
    "requests",
    "licence",
]


def _titles(items: Iterable[dict[str, Any]]) -> str:
    return ", ".join(item["title"] for item in items)


def csv_rows(network: Network) -> Iterable[list[Any]]:
    yield CSV_COLUMNS
    for element in elements(network):
        address, position = element["address"], element["geo"]
        yield [
            element["id"],
            element["name"],
            "" if position["latitude"] is None else position["latitude"],
            "" if position["longitude"] is None else position["longitude"],
            address["streetAddress"],
            address["addressLocality"],
            address["postalCode"],
            address["addressCountry"],
            ", ".join(element["categories"]),
            element["description"],
            element["website"],
            _titles(element.get("offers", [])),
            _titles(element.get("requests", [])),
            network.data_licence,
        ]


def gogocarto_csv(network: Network) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(network))
    return buffer.getvalue()


# --- the public page ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    code: str
    label: str
    offers: int = 0
    requests: int = 0


@dataclass
class Overview:
    members: list[Member]
    offers: list[Listing]
    requests: list[Listing]
    by_competency: list[Tally]
    by_format: list[Tally]
    structures: list[PartnerStructure]
    exchanges: list[Exchange]
    modes: list[tuple[str, str]]  # (ExperienceMode value, French label) present on the map


def overview(network: Network) -> Overview:
    """What the public page shows (a constant number of queries, whatever the number of members and listings)."""
    members = members_for_export(network)
    listings = [item for member in members for item in member.open_listings]  # type: ignore[attr-defined]
    competencies: dict[str, Tally] = {}
    formats = {value: Tally(value, str(label)) for value, label in ExchangeFormat.choices}
    for item in listings:
        field = "offers" if item.kind == ListingKind.OFFER else "requests"
        for competency in item.competencies.all():
            tally = competencies.setdefault(competency.code, Tally(competency.code, competency.label))
            setattr(tally, field, getattr(tally, field) + 1)
        for value in set(item.formats or []) & set(formats):
            setattr(formats[value], field, getattr(formats[value], field) + 1)
    exchanges = list(published_exchanges(network))
    structures = {m.partner.pk: m.partner for m in members if m.partner is not None}
    for exchange in exchanges:
        structures.update({m.partner.pk: m.partner for m in exchange_hosts(exchange) if m.partner is not None})
    offers = [item for item in listings if item.kind == ListingKind.OFFER]
    present = {listing_mode(item.formats) for item in offers} | {exchange_mode(e) for e in exchanges}
    return Overview(
        members=members,
        offers=sorted(offers, key=lambda item: item.title.lower()),
        requests=sorted([i for i in listings if i.kind == ListingKind.REQUEST], key=lambda item: item.title.lower()),
        by_competency=sorted(competencies.values(), key=lambda tally: tally.code),
        by_format=[tally for tally in formats.values() if tally.offers or tally.requests],
        structures=sorted(structures.values(), key=lambda partner: partner.name.lower()),
        exchanges=exchanges,
        modes=[(str(value), str(label)) for value, label in ExperienceMode.choices if value in present],
    )
