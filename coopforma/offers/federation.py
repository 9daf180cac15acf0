# SPDX-License-Identifier: AGPL-3.0-or-later
"""Federation (issue 16, point 6): a network subscribes to another installation's feed, or to any LHEO URL.

A subscription is an ``OfferSource`` of kind « Autre installation Coopforma » (the JSON of
/reseaux/<network>/offres.json, offers/open_data.py) or « Flux LHEO », linked to the network. The periodic job
``coopforma offers_pull`` (core/periodic.py, hourly) pulls each one:

* **conditional and safe fetch** (``fetch``): ``If-None-Match`` / ``If-Modified-Since`` from the source's stored
  ``etag`` / ``last_modified`` — a 304 writes nothing —; a timeout, a size limit (``MAX_BYTES``), no redirect
  followed, and no address of the server itself or of a private network unless ``settings.FEDERATION_ALLOW_LOCAL``
  (or DEBUG) allows it (the same rule as webhooks).
* **upsert by the feed's id**, with a content hash: what did not change is not written; what vanished from the
  feed is retired, never deleted.
* **deduplication** (``find_duplicate``) among the offers the network already knows (its sources, its members'
  catalogues, the offers judged for it): same provider SIRET and same LHEO numero, or else a title alike
  (normalised, without accents, difflib token-set ratio ≥ ``TITLE_RATIO``) with the same session dates. A
  duplicate is not created: the known offer is kept and an ``OfferProvenance`` records the extra source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import ipaddress
import json
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopforma.core.links import is_public_address
from coopforma.core.log import log_action
from coopforma.formats import lheo_read
from coopforma.networks.access import NetworkActor
from coopforma.offers import importing, relevance
from coopforma.offers.importing import map_formation
from coopforma.offers.models import (
    Offer,
    OfferProvenance,
    OfferSession,
    OfferSource,
    OfferStatus,
    SourceKind,
)
from coopforma.offers.open_data import FORMAT, offer_numero

MAX_BYTES = 200 * 1024**2  # a network's feed is a few MB; the national LHEO feeds go through import-lheo
TIMEOUT = 30  # seconds
TITLE_RATIO = 0.9
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SUBSCRIPTION_KINDS = (SourceKind.FEDERATION, SourceKind.LHEO)

OFFER_FIELDS = tuple(name for name in importing.OFFER_FIELDS if name != "flags")  # what an incoming offer sets


class FetchFailed(Exception):
    """The feed could not be fetched or read (French message): nothing was written."""


# --- the safe, conditional fetch ---------------------------------------------------------------------------------


def local_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "FEDERATION_ALLOW_LOCAL", False))


def feed_url_check(url: str) -> str:
    """`url` cleaned, or ValidationError({"url": …}) in French saying why it cannot be fetched."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise ValidationError({"url": _("Adresse invalide.")}) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError({"url": _("L'adresse doit commencer par https:// (ou http://).")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.")})
    local = host in LOCAL_HOSTS or host.endswith(".localhost")
    if local and local_allowed():
        return url
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if local or host.endswith((".local", ".internal", ".lan", ".home.arpa")) or "." not in host:
            raise ValidationError(
                {"url": _("L'adresse doit être joignable sur Internet (pas une machine locale ou interne).")}
            ) from None
    else:
        if not is_public_address(host):
            raise ValidationError(
                {"url": _("L'adresse doit être joignable sur Internet (pas une adresse privée ou réservée).")}
            )
    return url


def _destination_check(url: str) -> None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if (host in LOCAL_HOSTS or host.endswith(".localhost")) and local_allowed():
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise FetchFailed(_("Nom introuvable : %(host)s.") % {"host": host}) from exc
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise FetchFailed(_("Adresse refusée (privée ou réservée) : %(host)s.") % {"host": host})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx comes back as an HTTPError: refused, not followed


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Fetched:
    status: int  # 200 or 304
    body: IO[bytes] | None = None
    etag: str = ""
    last_modified: str = ""


@contextlib.contextmanager
def fetch(
    url: str, *, etag: str = "", last_modified: str = "", max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT
) -> Iterator[Fetched]:
    """GET `url` safely and conditionally; the body in a temporary file (None on 304). FetchFailed otherwise."""
    try:
        feed_url_check(url)
    except ValidationError as exc:
        raise FetchFailed(" ".join(exc.messages)) from exc
    _destination_check(url)
    headers = {"User-Agent": "Coopforma (fédération)", "Accept": "application/json, application/xml"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only, checked above
    with tempfile.TemporaryFile(prefix="coopforma-feed-") as target:
        try:
            with _OPENER.open(request, timeout=timeout) as answer:
                written = 0
                while block := answer.read(1 << 20):
                    written += len(block)
                    if written > max_bytes:
                        raise FetchFailed(
                            _("Le flux dépasse la taille maximale acceptée (%(mb)d Mo) : rien n'a été importé.")
                            % {"mb": max_bytes // 1024**2}
                        )
                    target.write(block)
                new_etag, new_modified = answer.headers.get("ETag", ""), answer.headers.get("Last-Modified", "")
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                yield Fetched(status=304)
                return
            if 300 <= exc.code < 400:
                raise FetchFailed(
                    _("Le serveur renvoie vers une autre adresse (%(code)s) : indiquez l'adresse finale du flux.")
                    % {"code": exc.code}
                ) from exc
            raise FetchFailed(
                _("Le serveur a répondu « %(code)s %(reason)s » : rien n'a été importé.")
                % {"code": exc.code, "reason": exc.reason}
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchFailed(
                _("Impossible de télécharger le flux (%(reason)s) : rien n'a été importé.") % {"reason": reason}
            ) from exc
        target.seek(0)
        yield Fetched(status=200, body=target, etag=new_etag[:200], last_modified=new_modified[:100])


# --- records -------------------------------------------------------------------------------------------------------


@dataclass
class Record:
    external_id: str
    fields: dict[str, Any]
    sessions: list[dict[str, Any]]
    digest: str
    origin: dict[str, Any]


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text


def _codes(value: Any) -> list[str]:
    return [str(v)[:20] for v in value if str(v).strip()] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def json_record(item: Any) -> Record:
    """One offer of a Coopforma JSON feed; ValueError (French) when it cannot be read."""
    if not isinstance(item, dict):
        raise ValueError("ce n'est pas un objet JSON")
    external_id, title = _text(item.get("id"), 200), _text(item.get("title"), 255)
    if not external_id:
        raise ValueError("identifiant « id » manquant")
    if not title:
        raise ValueError("intitulé « title » manquant")
    provider = item.get("provider") if isinstance(item.get("provider"), dict) else {}
    siret, nda = _text(provider.get("siret")), _text(provider.get("nda"))
    fields = {
        "title": title,
        "summary": _text(item.get("summary")),
        "objectives": _text(item.get("objectives")),
        "expected_results": _text(item.get("expected_results")),
        "content": _text(item.get("content")),
        "url": _text(item.get("original_url"), 500),
        "provider_name": _text(provider.get("name"), 255),
        "provider_siret": siret if len(siret) == 14 and siret.isdigit() else "",
        "provider_nda": nda if len(nda) == 11 else "",
        "modality": _text(item.get("modality")) if item.get("modality") in ("on_site", "remote", "hybrid") else "",
        "certifying": bool(item.get("certifying")),
        "certification_codes": _codes(item.get("certification_codes")),
        "cpf_eligible": bool(item.get("cpf_eligible")),
        "formacodes": _codes(item.get("formacodes")),
        "nsf_codes": _codes(item.get("nsf_codes")),
        "rome_codes": _codes(item.get("rome_codes")),
        "price_cents": _int(item.get("price_cents")),
        "duration_minutes": _int(item.get("duration_minutes")),
    }
    sessions = []
    for s in item.get("sessions") or []:
        if not isinstance(s, dict):
            continue
        postal = _text(s.get("postal_code"))
        sessions.append(
            {
                "external_id": _text(s.get("id"), 200),
                "start": _date(s.get("start")),
                "end": _date(s.get("end")),
                "date_precision": s.get("date_precision")
                if s.get("date_precision") in ("day", "month", "year")
                else "",
                "street": _text(s.get("street"), 200),
                "city": _text(s.get("city"), 100),
                "postal_code": postal if len(postal) == 5 and postal.isdigit() else "",
                "insee_code": _text(s.get("insee_code"), 5),
                "department": _text(s.get("department"), 3),
                "region": _text(s.get("region"), 2),
                "latitude": _float(s.get("latitude")),
                "longitude": _float(s.get("longitude")),
                "geo_precision": "precise" if _float(s.get("latitude")) is not None else "",
                "places_left": _int(s.get("places_left")),
                "is_remote": bool(s.get("is_remote")),
            }
        )
    chain = [
        {k: _text(step.get(k), 500) for k in ("installation", "source", "licence", "url")}
        for step in item.get("provenance") or []
        if isinstance(step, dict)
    ][:20]
    origin = {"numero": _text(item.get("numero"), 200), "chain": chain}
    digest = hashlib.sha256(repr((fields, sessions, origin)).encode()).hexdigest()
    return Record(external_id=external_id, fields=fields, sessions=sessions, digest=digest, origin=origin)


def read_json_feed(body: IO[bytes]) -> tuple[list[Record], list[str]]:
    try:
        document = json.load(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FetchFailed(
            _("Le flux n'est pas un JSON lisible (%(error)s) : rien n'a été importé.") % {"error": exc}
        ) from exc
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("offers"), list)
    ):
        raise FetchFailed(
            _("Ce JSON n'est pas un flux d'offres Coopforma (/reseaux/<réseau>/offres.json) : rien n'a été importé.")
        )
    records, rejections = [], []
    for i, item in enumerate(document["offers"], 1):
        try:
            records.append(json_record(item))
        except ValueError as exc:
            rejections.append(_("offre n° %(n)d : %(reason)s") % {"n": i, "reason": exc})
    return records, rejections


def read_lheo_feed(body: IO[bytes]) -> tuple[list[Record], list[str]]:
    try:
        lheo_read.check(body)
        records, rejections = [], []
        for item in lheo_read.iter_records(body):
            if isinstance(item, lheo_read.Rejection):
                rejections.append(f"ligne {item.line} : {item.reason}")
                continue
            fields, sessions, digest = map_formation(item)
            fields.pop("flags", None)
            records.append(Record(item.numero, fields, sessions, digest, {"numero": item.numero, "chain": []}))
    except lheo_read.LheoError as exc:
        raise FetchFailed(str(exc)) from exc
    return records, rejections


# --- deduplication -------------------------------------------------------------------------------------------------


def normalise_title(text: str) -> str:
    return " ".join(relevance.normalise(text).split())


def token_set_ratio(a: str, b: str) -> float:
    """difflib's ratio on token sets (as fuzzywuzzy's token_set_ratio): word order and repeated words do not
    count, and a title whose words all appear in the other scores 1."""
    ta, tb = set(a.split()), set(b.split())
    if not ta or not tb:
        return 0.0
    common = " ".join(sorted(ta & tb))
    left = f"{common} {' '.join(sorted(ta - tb))}".strip()
    right = f"{common} {' '.join(sorted(tb - ta))}".strip()
    pairs = [(left, right)] + ([(common, left), (common, right)] if common else [])
    return max(difflib.SequenceMatcher(None, x, y).ratio() for x, y in pairs)


def known_offers(network_id: int | None, source: OfferSource) -> QuerySet[Offer]:
    """The offers a duplicate is looked for among: the network's (its sources, its members' catalogues, the
    offers judged for it), not retired nor refused, not of this source."""
    offers = Offer.objects.exclude(source=source).filter(status=OfferStatus.ACTIVE)
    if network_id is None:
        return offers
    return offers.filter(
        Q(source__network_id=network_id)
        | Q(relevances__network_id=network_id)
        | Q(training__organisation__networks__network_id=network_id)
    ).distinct()


def find_duplicate(record: Record, candidates: QuerySet[Offer]) -> Offer | None:
    siret, numero = record.fields["provider_siret"], record.origin.get("numero", "")
    if siret and numero:
        for offer in candidates.filter(provider_siret=siret).select_related("source"):
            if offer_numero(offer) == numero:
                return offer
    dates = {(s["start"], s["end"]) for s in record.sessions if s["start"]}
    if not dates:
        return None
    title = normalise_title(record.fields["title"])
    starts = {start for start, _end in dates}
    pks = candidates.filter(sessions__start__in=starts).values("pk")
    for offer in Offer.objects.filter(pk__in=pks).prefetch_related("sessions").order_by("pk"):
        if {(s.start, s.end) for s in offer.sessions.all() if s.start} != dates:
            continue
        if token_set_ratio(title, normalise_title(offer.title)) >= TITLE_RATIO:
            return offer
    return None


# --- subscriptions --------------------------------------------------------------------------------------------------


@transaction.atomic
def subscription_create(*, actor: NetworkActor, url: str, label: str, kind: str, licence: str = "") -> OfferSource:
    """A moderator subscribes the network to a feed (another installation's JSON, or an LHEO URL)."""
    actor.require("offers.sources")
    errors: dict[str, str] = {}
    label = " ".join((label or "").split())
    if not label:
        errors["label"] = _("Indiquez le nom de la source.")
    if kind not in SUBSCRIPTION_KINDS:
        errors["kind"] = _("Choisissez le format du flux.")
    try:
        url = feed_url_check(url)
    except ValidationError as exc:
        errors["url"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    name = slugify(f"{actor.network.slug}-{label}")[:80]
    if OfferSource.objects.filter(name=name).exists():
        raise ValidationError({"label": _("Une source porte déjà ce nom : choisissez-en un autre.")})
    if OfferSource.objects.filter(network=actor.network, url=url).exists():
        raise ValidationError({"url": _("Le réseau est déjà abonné à cette adresse.")})
    source = OfferSource.objects.create(
        name=name, label=label[:200], kind=kind, url=url, licence=(licence or "").strip()[:200], network=actor.network
    )
    log_action(actor=actor, obj=source, action="offers.subscription.created", data={"url": url, "kind": kind})
    source_id = source.pk
    transaction.on_commit(lambda: _enqueue_pull(source_id))
    return source


def _enqueue_pull(source_id: int) -> None:
    from coopforma.offers.tasks import subscription_pull_task

    subscription_pull_task.enqueue(source_id)


@transaction.atomic
def subscription_remove(*, actor: NetworkActor, source_id: int) -> None:
    """Unsubscribe: the source's offers are retired (kept, as the log), its links to other offers removed."""
    actor.require("offers.sources")
    source = (
        OfferSource.objects.select_for_update()
        .filter(pk=source_id, network=actor.network, kind__in=SUBSCRIPTION_KINDS)
        .first()
    )
    if source is None:
        from django.http import Http404

        raise Http404
    now = timezone.now()
    source.offers.exclude(status=OfferStatus.RETIRED).update(status=OfferStatus.RETIRED, retired_at=now, updated_at=now)
    source.provenances.all().delete()
    source.url = ""
    source.etag = source.last_modified = ""
    source.save(update_fields=["url", "etag", "last_modified", "updated_at"])
    log_action(actor=actor, obj=source, action="offers.subscription.removed", data={})


@dataclass
class PullResult:
    status: str  # "not_modified", "done", "failed"
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    retired: int = 0
    rejections: list[str] = field(default_factory=list)
    error: str = ""


def subscription_pull(source_id: int) -> PullResult:
    """Fetch a subscription's feed (conditionally) and bring its offers in; a 304 writes nothing."""
    source = OfferSource.objects.filter(pk=source_id, kind__in=SUBSCRIPTION_KINDS).exclude(url="").first()
    if source is None:
        return PullResult(status="failed", error=_("Abonnement introuvable."))
    try:
        with fetch(source.url, etag=source.etag, last_modified=source.last_modified) as answer:
            if answer.status == 304:
                return PullResult(status="not_modified")
            assert answer.body is not None
            head = answer.body.read(64).lstrip()
            answer.body.seek(0)
            reader = read_json_feed if head.startswith((b"{", b"\xef\xbb\xbf{")) else read_lheo_feed
            records, rejections = reader(answer.body)
    except FetchFailed as exc:
        log_action(actor=None, obj=source, action="offers.subscription.failed", data={"error": str(exc)})
        return PullResult(status="failed", error=str(exc))
    result = _bring_in(source, records)
    result.rejections = rejections
    source.etag, source.last_modified = answer.etag, answer.last_modified
    source.last_import_at = timezone.now()
    source.save(update_fields=["etag", "last_modified", "last_import_at", "updated_at"])
    counts = {k: getattr(result, k) for k in ("created", "updated", "unchanged", "linked", "retired")}
    log_action(
        actor=None, obj=source, action="offers.subscription.pulled", data={**counts, "rejected": len(rejections)}
    )
    return result


def _bring_in(source: OfferSource, records: list[Record]) -> PullResult:
    result = PullResult(status="done")
    now = timezone.now()
    touched: list[int] = []
    with transaction.atomic():
        own = {o.external_id: o for o in Offer.objects.filter(source=source)}
        linked = {p.external_id: p for p in OfferProvenance.objects.filter(source=source)}
        candidates = known_offers(source.network_id, source)
        seen: set[str] = set()
        for record in records:
            if record.external_id in seen:
                result.rejections.append(
                    _("offre « %(id)s » en double dans le flux : ignorée") % {"id": record.external_id}
                )
                continue
            seen.add(record.external_id)
            offer = own.get(record.external_id)
            if offer is not None:
                if offer.content_hash == record.digest and offer.status == OfferStatus.ACTIVE:
                    result.unchanged += 1
                    continue
                _write(offer, record, now)
                result.updated += 1
                touched.append(offer.pk)
                continue
            extra = linked.get(record.external_id)
            if extra is not None:
                extra.url, extra.chain, extra.last_seen_at = record.fields["url"], record.origin["chain"], now
                extra.save(update_fields=["url", "chain", "last_seen_at"])
                result.unchanged += 1
                continue
            duplicate = find_duplicate(record, candidates)
            if duplicate is not None:
                OfferProvenance.objects.create(
                    offer=duplicate,
                    source=source,
                    external_id=record.external_id,
                    url=record.fields["url"],
                    chain=record.origin["chain"],
                    first_seen_at=now,
                    last_seen_at=now,
                )
                result.linked += 1
                continue
            offer = Offer(source=source, external_id=record.external_id, first_seen_at=now)
            _write(offer, record, now)
            result.created += 1
            touched.append(offer.pk)
        for external_id, offer in own.items():
            if external_id not in seen and offer.status != OfferStatus.RETIRED:
                offer.status, offer.retired_at = OfferStatus.RETIRED, now
                offer.save(update_fields=["status", "retired_at", "updated_at"])
                result.retired += 1
        OfferProvenance.objects.filter(source=source).exclude(external_id__in=seen).delete()
        if touched:
            for network in relevance.networks_with_rules():
                relevance.score_offers(network, touched)
    return result


def _write(offer: Offer, record: Record, now: dt.datetime) -> None:
    for key in OFFER_FIELDS:
        setattr(offer, key, record.fields[key])
    offer.origin = record.origin
    offer.content_hash = record.digest
    offer.status, offer.retired_at, offer.last_seen_at = OfferStatus.ACTIVE, None, now
    offer.save()
    offer.sessions.all().delete()
    OfferSession.objects.bulk_create([OfferSession(offer=offer, **values) for values in record.sessions])


def subscriptions_pull_all() -> dict[str, int]:
    """Every subscription (the periodic job): counts by outcome."""
    totals = {"not_modified": 0, "done": 0, "failed": 0}
    for pk in (
        OfferSource.objects.filter(kind__in=SUBSCRIPTION_KINDS, network__isnull=False)
        .exclude(url="")
        .values_list("pk", flat=True)
    ):
        totals[subscription_pull(pk).status] += 1
    return totals
