# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gaps of a network's map (issue 16, point 5): where no offer of a theme exists within reach.

A territory is a département (metropolitan France and the DROM, grouped by région: ``offers.territories``); a
theme is an entry of the network's theme list. An offer is *within reach* of a département when one of its
sessions takes place there, or at most ``km`` (50 by default) from the département's centroid, or when it is
taught remotely (the offer's modality or one of its sessions). Only the offers the network shows count (active,
kept by a moderator or above the display threshold and undecided), whatever their source.

Four queries whatever the number of offers: the network's rules, the shown offers' codes, their sessions'
places; the rest is arithmetic on 101 centroids (each position, to 0.01°, is measured once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from coopforma.catalogue.models import Modality
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.networks.models import Network
from coopforma.offers.models import (
    Offer,
    OfferCompetency,
    OfferRelevance,
    OfferSession,
    OfferStatus,
    RelevanceDecision,
    RelevanceRules,
    RelevanceVerdict,
    SourceKind,
)
from coopforma.offers.territories import Departement, departement_by_code, departements_within, regions
from coopforma.referentiel import selectors as referentiel_selectors

DEFAULT_KM = 50
MAX_KM = 500


@dataclass(frozen=True)
class Theme:
    """One column of the gaps table: ``kind`` is "formacode", "nsf", "competency" (a competency of the network's
    référentiel: the offers in ``offer_ids``, its member trainings aiming at it) or "all"."""

    kind: str
    code: str
    label: str
    offer_ids: frozenset[int] = frozenset()

    def matches(self, formacodes: list[str], nsf_codes: list[str], offer_id: int | None = None) -> bool:
        if self.kind == "formacode":
            return self.code in formacodes
        if self.kind == "nsf":
            return any(code.startswith(self.code) for code in nsf_codes)
        if self.kind == "competency":
            return offer_id in self.offer_ids
        return self.kind == "all"


@dataclass
class GapRow:
    departement: Departement
    counts: list[int]

    @property
    def gaps(self) -> int:
        return sum(1 for n in self.counts if n == 0)


@dataclass
class GapRegion:
    code: str
    name: str
    rows: list[GapRow] = field(default_factory=list)


@dataclass
class Gaps:
    themes: list[Theme]
    km: int
    regions: list[GapRegion]
    offers: int  # shown offers taken into account
    by_competency: bool = False  # the columns are the référentiel's competencies

    def rows(self) -> list[GapRow]:
        return [row for region in self.regions for row in region.rows]


def nsf_label(code: str) -> str:
    label = NSF_LABELS.get(code)
    if label:
        return _("NSF %(code)s — %(label)s") % {"code": code, "label": label}
    return _("Domaine NSF %(code)s") % {"code": code}


def network_themes(network: Network) -> list[Theme]:
    """The network's themes: the Formacodes, then the NSF codes of its relevance rules, in their order.

    A network with no code in its rules gets one theme: all its shown offers. (By competency of the référentiel:
    `competency_themes`.)
    """
    rules = RelevanceRules.objects.filter(network=network).first()
    themes: list[Theme] = []
    if rules is not None:
        for code in dict.fromkeys(str(c).strip() for c in rules.formacodes if str(c).strip()):
            # No Formacode thesaurus is shipped (its labels are the Centre Inffo's): the code is the label.
            themes.append(Theme("formacode", code, _("Formacode %(code)s") % {"code": code}))
        for code in dict.fromkeys(str(c).strip() for c in rules.nsf_codes if str(c).strip()):
            themes.append(Theme("nsf", code, nsf_label(code)))
    return themes or [Theme("all", "", _("Toutes les offres du réseau"))]


def competency_themes(network: Network, offer_ids: Iterable[int]) -> list[Theme]:
    """One theme per competency of the network's latest published référentiel, in its order: the shown member
    offers of the trainings whose objectives aim at it, and the other shown offers linked to it (confirmed,
    suggested or set by their partner structure: offers/competencies.py). A competency no offer aims at is a gap
    everywhere."""
    found = referentiel_selectors.competency_map(network=network)
    member = dict(
        Offer.objects.filter(pk__in=offer_ids, source__kind=SourceKind.MEMBER_CATALOGUE).values_list(
            "external_id", "pk"
        )
    )
    linked: dict[Any, set[int]] = {}
    for key, offer_id in OfferCompetency.objects.filter(
        network=network, removed=False, offer_id__in=offer_ids
    ).values_list("competency_key", "offer_id"):
        linked.setdefault(key, set()).add(offer_id)
    return [
        Theme(
            "competency",
            code,
            label,
            frozenset(
                {member[f"{slug}/{pk}"] for slug, pk in found.trainings.get(code, set()) if f"{slug}/{pk}" in member}
                | linked.get(found.keys[code], set())
            ),
        )
        for code, label in found.labels.items()
    ]


def parse_km(value: str | None) -> int:
    """The distance of the GET parameter ``km``: 0 to 500, default 50; ValueError with a French message."""
    if value in (None, ""):
        return DEFAULT_KM
    try:
        km = int(str(value).strip())
    except ValueError:
        message = _("La distance « %(value)s » n'est pas un nombre entier de kilomètres.") % {"value": value}
        raise ValueError(message) from None
    if not 0 <= km <= MAX_KM:
        raise ValueError(_("La distance doit être comprise entre 0 et %(max)d km.") % {"max": MAX_KM})
    return km


def network_gaps(*, network: Network, km: int = DEFAULT_KM, by_competency: bool = False) -> Gaps:
    """The table of départements × themes (the rules' codes, or the référentiel's competencies): for each cell the
    number of shown offers within reach."""
    shown = OfferRelevance.objects.filter(network=network, offer__status=OfferStatus.ACTIVE).filter(
        Q(decision=RelevanceDecision.KEEP) | Q(decision="", verdict=RelevanceVerdict.SHOWN)
    )
    offer_ids = shown.values("offer_id")
    themes = competency_themes(network, offer_ids) if by_competency else network_themes(network)
    offers = Offer.objects.filter(pk__in=offer_ids).values_list("pk", "formacodes", "nsf_codes", "modality")
    sessions = OfferSession.objects.filter(offer_id__in=offer_ids).values_list(
        "offer_id", "department", "latitude", "longitude", "is_remote"
    )
    counts, offer_count = count_within_reach(themes=themes, offers=offers, sessions=sessions, km=km)
    grouped = [GapRegion(code, name, [GapRow(d, counts[d.code]) for d in deps]) for code, name, deps in regions()]
    return Gaps(themes=themes, km=km, regions=grouped, offers=offer_count, by_competency=by_competency)


def count_within_reach(
    *,
    themes: list[Theme],
    offers: Iterable[tuple[int, list[str], list[str], str]],
    sessions: Iterable[tuple[int, str, float | None, float | None, bool]],
    km: int,
) -> tuple[dict[str, list[int]], int]:
    """Per département code, the number of offers within reach for each theme; and the number of offers.

    `offers`: (id, Formacodes, NSF codes, modality); `sessions`: (offer id, département, lat, lon, remote).
    """
    themes_of: dict[int, list[int]] = {}
    everywhere: set[int] = set()
    for pk, formacodes, nsf_codes, modality in offers:
        formacodes = [str(c) for c in formacodes or []]
        nsf_codes = [str(c) for c in nsf_codes or []]
        themes_of[pk] = [i for i, theme in enumerate(themes) if theme.matches(formacodes, nsf_codes, pk)]
        if modality == Modality.REMOTE:
            everywhere.add(pk)

    known = departement_by_code()
    reach: dict[int, set[str]] = defaultdict(set)
    nearby: dict[tuple[float, float], list[str]] = {}
    for offer_id, department, lat, lon, remote in sessions:
        if remote:
            everywhere.add(offer_id)
        if department in known:
            reach[offer_id].add(department)
        if lat is not None and lon is not None and km > 0:
            key = (round(lat, 2), round(lon, 2))  # about 1 km: a commune's sessions are measured once
            if key not in nearby:
                nearby[key] = departements_within(lat, lon, km)
            reach[offer_id].update(nearby[key])

    counts: dict[str, list[int]] = {code: [0] * len(themes) for code in known}
    for offer_id, indexes in themes_of.items():
        if not indexes:
            continue
        places = known.keys() if offer_id in everywhere else reach.get(offer_id, ())
        for code in places:
            row = counts[code]
            for i in indexes:
                row[i] += 1
    return counts, len(themes_of)


def gaps_json(gaps: Gaps) -> dict[str, object]:
    """The figures of the gaps' map: per département, the number of themes without offer within reach."""
    return {
        "km": gaps.km,
        "themes": [theme.label for theme in gaps.themes],
        "offers": gaps.offers,
        "departements": [
            {
                "code": row.departement.code,
                "name": row.departement.name,
                "region": row.departement.region_name,
                "gaps": row.gaps,
                "offers": sum(row.counts),
            }
            for row in gaps.rows()
        ],
    }


def gaps_csv_rows(gaps: Gaps) -> list[list[str]]:
    """Header and one line per département and theme, French headers, « oui »/« non » for the gap."""
    lines = [
        [
            str(_("Code du département")),
            str(_("Département")),
            str(_("Région")),
            str(_("Thème")),
            str(_("Offres à portée")),
            str(_("Lacune")),
        ]
    ]
    for row in gaps.rows():
        d = row.departement
        for theme, count in zip(gaps.themes, row.counts, strict=True):
            lines.append([d.code, d.name, d.region_name, theme.label, str(count), _("oui") if count == 0 else _("non")])
    return lines
