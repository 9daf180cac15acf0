# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network's offers as open data (issue 16, points 6 and 7): LHEO 2.3, JSON and CSV of what the network shows.

    /reseaux/<network>/offres.lheo.xml   /reseaux/<network>/offres.json   /reseaux/<network>/offres.csv

What is published: the active offers the network shows (``selectors.shown_offers``) whose source allows it to be
republished (``republishable``): the network's own data (its members' catalogues, its partner structures'
offers, its exchanges of know-how: the offers and public exchanges its members consented to show, published by
exchanges/publication.py under the map's consent rule) always, under the network's licence
(``Network.data_licence``, Licence Ouverte 2.0 by default); an offer of an outside source (an LHEO feed,
another installation) only when its source's licence is one of ``OPEN_LICENCES`` — an unknown or closed licence
keeps it out, and the page /reseaux/<network>/donnees/ says so.

The JSON is also the federation format another Coopforma installation subscribes to (offers/federation.py):
each offer carries its provenance chain. Files are streamed (offers read by chunks of ``CHUNK``, sessions and
provenances prefetched per chunk), and ``feed_version`` (two aggregate queries) gives the ETag and
Last-Modified the views answer conditional requests with.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from coopforma.formats import lheo_write as lheo
from coopforma.networks.models import Network
from coopforma.offers import selectors
from coopforma.offers.models import Offer, OfferRelevance, OfferSession, OfferSource, SourceKind

CHUNK = 500
FORMAT = "coopforma-offres"
FORMAT_VERSION = 1

# Licences that allow anyone to republish the data (matched without accents nor case, anywhere in the text).
OPEN_LICENCES: tuple[tuple[str, str], ...] = (
    ("licence ouverte", "Licence Ouverte / Open Licence (Etalab)"),
    ("open licence", "Licence Ouverte / Open Licence (Etalab)"),
    ("etalab", "Licence Ouverte / Open Licence (Etalab)"),
    ("odbl", "Open Database License (ODbL)"),
    ("open database license", "Open Database License (ODbL)"),
    ("cc-by", "Creative Commons Attribution"),
    ("cc by", "Creative Commons Attribution"),
    ("cc0", "Creative Commons Zero"),
    ("pddl", "Open Data Commons Public Domain Dedication"),
    ("odc-by", "Open Data Commons Attribution"),
    ("domaine public", "Domaine public"),
)
# The network's own data, republished under its licence. The exchanges' source holds only what the members
# consented to show (exchanges/publication.py retires an offer as soon as its consent is withdrawn), and the map
# shows it on its own network only (relevance.candidate_offers), so its feeds never carry another network's.
OWN_KINDS = (SourceKind.MEMBER_CATALOGUE, SourceKind.PARTNER, SourceKind.EXCHANGES)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def open_licence(text: str) -> str:
    """The known open licence `text` names ("" when unknown or closed: not republished)."""
    plain = _plain(text)
    if "nc" in plain.replace("-", " ").split() or "nd" in plain.replace("-", " ").split():
        return ""  # CC BY-NC, CC BY-ND: no commercial use or no derivative: not open data
    return next((label for token, label in OPEN_LICENCES if token in plain), "")


def republishable(source: OfferSource) -> bool:
    return source.kind in OWN_KINDS or bool(open_licence(source.licence))


@dataclass(frozen=True)
class SourceLine:
    source: OfferSource
    republished: bool
    licence: str  # as shown: the network's licence for its own data, the source's otherwise


def sources_of(network: Network) -> list[SourceLine]:
    """The sources of the offers the network shows, and whether each is republished (the open data page)."""
    ids = selectors.shown_offers(network_id=network.pk).values("source_id")
    lines = []
    for source in OfferSource.objects.filter(pk__in=ids).order_by("label"):
        own = source.kind in OWN_KINDS
        lines.append(
            SourceLine(
                source=source,
                republished=republishable(source),
                licence=network.data_licence if own else (source.licence or ""),
            )
        )
    return lines


def published_offers(network: Network) -> QuerySet[Offer]:
    """The network's shown offers whose source may be republished."""
    open_ids = [s.pk for s in OfferSource.objects.all() if republishable(s)]
    return selectors.shown_offers(network_id=network.pk).filter(source_id__in=open_ids)


def feed_version(network: Network, kind: str) -> tuple[str, dt.datetime | None]:
    """(ETag, Last-Modified) of a file: the offers' count and latest change, the latest relevance decision."""
    offers = published_offers(network).aggregate(count=Count("pk"), last=Max("updated_at"))
    judged = OfferRelevance.objects.filter(network=network).aggregate(
        scored=Max("scored_at"), decided=Max("decided_at")
    )
    moments = [m for m in (offers["last"], judged["scored"], judged["decided"], network.updated_at) if m]
    last = max(moments) if moments else None
    key = f"{kind}|{network.pk}|{network.data_licence}|{offers['count']}|{last.isoformat() if last else ''}"
    return hashlib.sha256(key.encode()).hexdigest()[:32], last


def _chunks(network: Network) -> Iterator[list[Offer]]:
    offers = (
        published_offers(network)
        .select_related("source")
        .prefetch_related("sessions", "provenances__source")
        .order_by("pk")
    )
    chunk: list[Offer] = []
    for offer in offers.iterator(chunk_size=CHUNK):
        chunk.append(offer)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _iter_offers(network: Network) -> Iterator[Offer]:
    for chunk in _chunks(network):
        yield from chunk


def offer_numero(offer: Offer) -> str:
    """The LHEO numero the offer is known by (its source's, or the one a federated feed carried)."""
    if offer.source.kind == SourceKind.LHEO:
        return offer.external_id
    return str((offer.origin or {}).get("numero", ""))


def provenance(offer: Offer, *, installation: str) -> list[dict[str, str]]:
    """Where the offer comes from, oldest first: the installations it went through before ours, then our source,
    then the other sources that brought the same offer (deduplicated)."""
    chain = [dict(step) for step in (offer.origin or {}).get("chain", []) if isinstance(step, dict)]
    chain.append(
        {
            "installation": installation,
            "source": offer.source.label,
            "licence": offer.source.licence,
            "url": offer.url,
        }
    )
    for extra in offer.provenances.all():
        for step in extra.chain:
            if isinstance(step, dict) and step not in chain:
                chain.append(dict(step))
        chain.append(
            {
                "installation": installation,
                "source": extra.source.label,
                "licence": extra.source.licence,
                "url": extra.url,
            }
        )
    return chain


def _session_json(session: OfferSession) -> dict[str, Any]:
    return {
        "id": session.external_id or str(session.pk),
        "start": session.start.isoformat() if session.start else None,
        "end": session.end.isoformat() if session.end else None,
        "date_precision": session.date_precision,
        "street": session.street,
        "city": session.city,
        "postal_code": session.postal_code,
        "insee_code": session.insee_code,
        "department": session.department,
        "region": session.region,
        "latitude": session.latitude,
        "longitude": session.longitude,
        "places_left": session.places_left,
        "is_remote": session.is_remote,
    }


def offer_json(offer: Offer, *, installation: str) -> dict[str, Any]:
    return {
        "id": f"{offer.pk}",
        "numero": offer_numero(offer),
        "title": offer.title,
        "summary": offer.summary,
        "objectives": offer.objectives,
        "content": offer.content,
        "expected_results": offer.expected_results,
        "provider": {"name": offer.provider_name, "siret": offer.provider_siret, "nda": offer.provider_nda},
        "modality": offer.modality,
        "experience_mode": offer.experience_mode,
        "certifying": offer.certifying,
        "certification_codes": offer.certification_codes,
        "cpf_eligible": offer.cpf_eligible,
        "formacodes": offer.formacodes,
        "nsf_codes": offer.nsf_codes,
        "rome_codes": offer.rome_codes,
        "price_cents": offer.price_cents,
        "duration_minutes": offer.duration_minutes,
        "original_url": offer.url,
        "source": {"name": offer.source.label, "licence": offer.source.licence},
        "provenance": provenance(offer, installation=installation),
        "updated_at": offer.updated_at.isoformat(),
        "sessions": [_session_json(s) for s in offer.sessions.all()],
    }


def json_stream(network: Network, *, installation: str, feed_url: str) -> Iterator[bytes]:
    head = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "network": {"name": network.name, "slug": network.slug, "url": installation},
        "feed": feed_url,
        "licence": network.data_licence,
        "licence_note": "Les données propres du réseau sont publiées sous cette licence ; chaque offre d'une autre "
        "source garde la licence de sa source (champ source.licence).",
        "generated_at": timezone.now().isoformat(),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "offers": ['
    first = True
    for offer in _iter_offers(network):
        item = json.dumps(offer_json(offer, installation=installation), ensure_ascii=False)
        yield (b"" if first else b",") + b"\n" + item.encode()
        first = False
    yield b"\n]}\n"


CSV_HEADERS = [
    "identifiant",
    "numéro LHEO",
    "intitulé",
    "organisme",
    "SIRET",
    "NDA",
    "modalité",
    "certifiante",
    "codes de certification",
    "éligible CPF",
    "Formacodes",
    "codes NSF",
    "prix TTC (euros)",
    "durée (heures)",
    "page de l'offre",
    "source",
    "licence de la source",
    "provenance",
    "mise à jour",
    "session",
    "début",
    "fin",
    "adresse",
    "code postal",
    "commune",
    "département",
    "latitude",
    "longitude",
    "places restantes",
    "à distance",
]


def _csv_line(values: list[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(values)
    return buffer.getvalue().encode()


def csv_stream(network: Network, *, installation: str) -> Iterator[bytes]:
    """One row per session (an offer without session: one row with the session's columns empty); the first line
    states the licence, the second is the header."""
    yield "\ufeff".encode()
    yield _csv_line([f"Licence : {network.data_licence} (données propres du réseau ; voir « licence de la source »)"])
    yield _csv_line(CSV_HEADERS)
    for offer in _iter_offers(network):
        chain = " > ".join(
            f"{step.get('installation', '')} · {step.get('source', '')}"
            for step in provenance(offer, installation=installation)
        )
        base = [
            offer.pk,
            offer_numero(offer),
            offer.title,
            offer.provider_name,
            offer.provider_siret,
            offer.provider_nda,
            offer.get_modality_display() if offer.modality else "",
            "oui" if offer.certifying else "non",
            ", ".join(offer.certification_codes),
            "oui" if offer.cpf_eligible else "non",
            ", ".join(offer.formacodes),
            ", ".join(offer.nsf_codes),
            f"{offer.price_cents // 100},{offer.price_cents % 100:02d}" if offer.price_cents is not None else "",
            f"{offer.duration_minutes / 60:g}".replace(".", ",") if offer.duration_minutes is not None else "",
            offer.url,
            offer.source.label,
            offer.source.licence or network.data_licence,
            chain,
            timezone.localtime(offer.updated_at).strftime("%d/%m/%Y %H:%M"),
        ]
        sessions = list(offer.sessions.all())
        if not sessions:
            yield _csv_line(base + [""] * 11)
        for s in sessions:
            yield _csv_line(
                [
                    *base,
                    s.external_id or s.pk,
                    s.start.strftime("%d/%m/%Y") if s.start else "",
                    s.end.strftime("%d/%m/%Y") if s.end else "",
                    s.street,
                    s.postal_code,
                    s.city,
                    s.department,
                    "" if s.latitude is None else s.latitude,
                    "" if s.longitude is None else s.longitude,
                    "" if s.places_left is None else s.places_left,
                    "oui" if s.is_remote else "non",
                ]
            )


# --- LHEO -------------------------------------------------------------------------------------------------------

NOT_GIVEN = "Non communiqué par la source."
PUBLIC_ALL = "83056"  # Formacode « tout public »
MODALITY_CODES = {"on_site": lheo.ON_SITE, "remote": lheo.REMOTE, "hybrid": lheo.BLENDED}


def _lheo_sessions(offer: Offer, today: dt.date) -> tuple[lheo.Session, ...]:
    """The offer's sessions that LHEO can carry (it needs a postcode and a town for the registration address)."""
    sessions = []
    for s in offer.sessions.all():
        if not (len(s.postal_code) == 5 and s.postal_code.isdigit() and s.city):
            continue
        sessions.append(
            lheo.Session(
                numero=s.external_id or f"S{s.pk}",
                datecrea=today,
                datemaj=today,
                adresse_inscription=lheo.Adresse(lignes=(s.street or s.city,), codepostal=s.postal_code, ville=s.city),
                debut=s.start,
                fin=s.end,
                places_restantes=s.places_left,
            )
        )
    return tuple(sessions)


def lheo_formation(offer: Offer, *, installation: str, today: dt.date) -> lheo.Formation | None:
    """The offer as an LHEO formation, with its provenance in `extras`; None when LHEO cannot carry it (no
    session with a postcode and a town)."""
    sessions = _lheo_sessions(offer, today)
    if not sessions:
        return None
    made = timezone.localtime(offer.created_at).date()
    changed = timezone.localtime(offer.updated_at).date()
    nda = offer.provider_nda if len(offer.provider_nda) == 11 else "00000000000"
    siret = offer.provider_siret if len(offer.provider_siret) == 14 else "00000000000000"
    name = offer.provider_name or NOT_GIVEN
    organisme = lheo.Organisme(
        numero_activite=nda, siret=siret, nom=name, raison_sociale=name, coordonnees=lheo.Contact()
    )
    extras = [("source", offer.source.label), ("licence-source", offer.source.licence or "")]
    for i, step in enumerate(provenance(offer, installation=installation), 1):
        extras.append((f"provenance-{i}", " · ".join(str(step.get(k, "")) for k in ("installation", "source", "url"))))
    hours = offer.duration_minutes // 60 if offer.duration_minutes else None
    return lheo.Formation(
        numero=offer_numero(offer) or f"coopforma-{offer.pk}",
        datecrea=made,
        datemaj=changed,
        intitule=offer.title,
        objectif=offer.objectives or offer.summary or NOT_GIVEN,
        resultats_attendus=offer.expected_results or NOT_GIVEN,
        contenu=offer.content or offer.summary or NOT_GIVEN,
        certifiante=offer.certifying,
        contacts=(),
        actions=(
            lheo.Action(
                numero=f"A{offer.pk}",
                datecrea=made,
                datemaj=changed,
                rythme_formation=NOT_GIVEN,
                codes_public_vise=(PUBLIC_ALL,),
                modalites_enseignement=MODALITY_CODES.get(offer.modality, lheo.ON_SITE),
                conditions_specifiques=NOT_GIVEN,
                sessions=sessions,
                url=offer.url,
                prix_total_ttc_cents=offer.price_cents,
                nombre_heures_total=hours,
            ),
        ),
        organisme=organisme,
        formacodes=tuple(c for c in offer.formacodes if len(c) == 5 and c.isdigit()),
        nsf=tuple(c for c in offer.nsf_codes if len(c) == 3 and c.isdigit()),
        url=offer.url,
        extras=tuple((k, v) for k, v in extras if v),
    )


def lheo_stream(network: Network, *, installation: str) -> Iterator[bytes]:
    today = timezone.localdate()
    formations = (
        formation
        for offer in _iter_offers(network)
        if (formation := lheo_formation(offer, installation=installation, today=today)) is not None
    )
    extras = (("licence", network.data_licence), ("reseau", network.name), ("installation", installation))
    yield from lheo.stream_lheo(formations, generated_on=today, extras=extras)


def published_counts(network: Network) -> dict[str, int]:
    """How many offers the network shows, how many are republished, how many LHEO can carry (the data page)."""
    shown = selectors.shown_offers(network_id=network.pk).count()
    published = published_offers(network)
    carried = published.filter(Q(sessions__postal_code__regex=r"^[0-9]{5}$") & ~Q(sessions__city="")).distinct().count()
    return {"shown": shown, "published": published.count(), "lheo": carried, "left_out": shown - published.count()}
