# SPDX-License-Identifier: AGPL-3.0-or-later
"""The evidence of need of a certification project, from what the network already knows.

France compétences asks a dossier to show the need for the certification (« opportunité » of the RNCP and RS
registration: the jobs it leads to, the offer that exists). Two sources:

- the map (`offers`): the offers the network shows (`offers.selectors.shown_offers`) that name the job (its label
  or an alias, whatever the accents and the case) or carry one of its ROME codes or Formacodes (`Item.codes`);
  counted per région with their sessions, and the départements where no session of them takes place;
- the tenders (`tenders.selectors.notices_evidence`): the training notices of the BOAMP watch that name the job,
  as calls for tenders (reserved for the ESS or not) and awards.

Each figure carries its date and its source, so that the dossier stays honest when it is read later.
"""

import re
from typing import Any

from django.utils import timezone

from coopforma.offers.models import OfferSession
from coopforma.offers.selectors import shown_offers
from coopforma.referentiel.models import Item
from coopforma.referentiel.services import normalise
from coopforma.tenders.selectors import notices_evidence

# INSEE codes of the régions (COG), as OfferSession.region holds them.
REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

# The 101 départements (metropolitan France, Corsica's 2A and 2B, the five overseas).
DEPARTMENTS = (
    [f"{n:02d}" for n in range(1, 20)]
    + ["2A", "2B"]
    + [f"{n:02d}" for n in range(21, 96)]
    + ["971", "972", "973", "974", "976"]
)

MAP_SOURCE = "Carte des formations du réseau (offres affichées)"
TENDERS_SOURCE = "Veille des appels d'offres du réseau"


def job_keywords(job: Item | None) -> list[str]:
    """The phrases that name the job: its label and aliases, normalised (no accents, lower case), the
    inclusive-writing endings and the parentheses left out (« Animateur·rice de coopération (CTG) » → « animateur
    de cooperation »), so that an offer's title in either form of the word is found by its start."""
    if job is None:
        return []
    phrases = set()
    for words in [job.label, *job.aliases]:
        plain = re.sub(r"\([^)]*\)", " ", re.sub(r"·\w+", "", normalise(words)))
        plain = " ".join(plain.split())
        if plain:
            phrases.add(plain)
    return sorted(phrases)


def _mentions(offer: dict[str, Any], keywords: list[str], romes: set[str], formacodes: set[str]) -> bool:
    text = " ".join(
        re.sub(r"·\w+", "", normalise(" ".join([offer["title"], offer["summary"], offer["objectives"]]))).split()
    )
    if any(k in text for k in keywords):
        return True
    return bool(romes & set(offer["rome_codes"] or [])) or bool(formacodes & set(offer["formacodes"] or []))


def map_evidence(*, network_id: int, job: Item | None) -> dict[str, Any]:
    """Offers and sessions per région mentioning the job, and the départements without any (see the module)."""
    keywords = job_keywords(job)
    codes = job.codes if job is not None else {}
    romes, formacodes = set(codes.get("rome", [])), set(codes.get("formacode", []))
    offers = shown_offers(network_id=network_id).values(
        "pk", "title", "summary", "objectives", "rome_codes", "formacodes"
    )
    matched = sorted({o["pk"] for o in offers if _mentions(o, keywords, romes, formacodes)})
    sessions = OfferSession.objects.filter(offer_id__in=matched).values("offer_id", "region", "department")
    per_region: dict[str, dict[str, set[int] | int]] = {}
    departments: set[str] = set()
    for session in sessions:
        row = per_region.setdefault(session["region"] or "", {"offers": set(), "sessions": 0})
        row["offers"].add(session["offer_id"])  # type: ignore[union-attr]
        row["sessions"] += 1  # type: ignore[operator]
        if session["department"]:
            departments.add(session["department"])
    regions = [
        {
            "code": code,
            "name": REGIONS.get(code, "Région non renseignée"),
            "offers": len(row["offers"]),  # type: ignore[arg-type]
            "sessions": row["sessions"],
        }
        for code, row in sorted(per_region.items(), key=lambda kv: (kv[0] == "", kv[0]))
    ]
    without = [d for d in DEPARTMENTS if d not in departments]
    return {
        "source": MAP_SOURCE,
        "date": timezone.localdate().isoformat(),
        "keywords": keywords,
        "rome_codes": sorted(romes),
        "formacodes": sorted(formacodes),
        "offers": len(matched),
        "sessions": sum(r["sessions"] for r in regions),  # type: ignore[misc]
        "regions": regions,
        "departments_without_offer": len(without),
        "departments_without_offer_codes": without,
    }


def tenders_evidence(*, network: Any, keywords: list[str]) -> dict[str, Any]:
    """The tenders' figures (`tenders.selectors.notices_evidence`): training notices naming the job."""
    figures = dict(notices_evidence(network, keywords))
    figures.setdefault("source", TENDERS_SOURCE)
    return figures


def gather(*, network: Any, job: Item | None) -> dict[str, Any]:
    """Every figure of the evidence of need, with its date and source (what `project_evidence_refresh` stores)."""
    return {
        "gathered_at": timezone.now().isoformat(),
        "map": map_evidence(network_id=network.pk, job=job),
        "tenders": tenders_evidence(network=network, keywords=job_keywords(job)),
    }
