# SPDX-License-Identifier: AGPL-3.0-or-later
"""Import of an LHEO feed into a source's offers: streamed, idempotent, nothing written for a broken file.

    coopforma network import-lheo FILE_OR_URL --source NAME [--network SLUG] [--label …] [--licence …]

Two streaming passes over the file (``docs/offers.md``, « Import LHEO »):

1. **check**: the whole feed is walked with ``lheo_read.check`` (well-formed XML, an ``lheo`` root, at least one
   ``formation``) and its formations counted, writing nothing. A file that is not XML, not LHEO, truncated or empty
   stops here with a French message, so a broken feed changes nothing, even though the writes below are batched.
   (The other way, staging into a temporary table, would write every record twice; a second parse costs less.)
2. **import**: the records are read again and written in chunks (``CHUNK`` formations, one transaction per
   chunk): each offer is upserted by (source, LHEO ``numero``); its mapped values and sessions are hashed
   (``content_hash``), and an offer whose hash did not change is not written at all, so an unchanged feed
   imported again writes no offer and no session. A changed offer is updated and its sessions replaced.
   Then the offers of the source that the feed no longer has are retired (« Retirée de sa source »,
   ``retired_at``), never deleted; a retired offer that reappears is published again.

A bad record is rejected alone (no numero, no title, a numero seen twice) with its line and reason. URLs are
fetched with urllib (``FETCH_TIMEOUT``, ``MAX_BYTES``, gzip accepted) into a temporary file first. The run is
recorded in an ``ImportRun`` (progress while it runs, then counts and rejected lines), which the background task
``offers.tasks.import_lheo_run`` fills the same way for a web page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import re
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from coopforma.catalogue.models import Modality
from coopforma.core.identifiers import validate_siret
from coopforma.core.log import log_action
from coopforma.formats import lheo_read
from coopforma.networks.models import Network
from coopforma.offers import geo, relevance, search
from coopforma.offers.models import (
    ImportPhase,
    ImportRun,
    ImportStatus,
    Offer,
    OfferSession,
    OfferSource,
    OfferStatus,
    SourceKind,
)

CHUNK = 1000  # formations per transaction
MAX_BYTES = 2 * 1024**3  # a national feed is a few hundred MB; above 2 GB (uncompressed) something is wrong
FETCH_TIMEOUT = 60  # seconds without data before a download is abandoned
MAX_REJECTIONS_KEPT = 1000  # rejected lines kept on the ImportRun (the count says how many in all)

OFFER_FIELDS = (
    "title",
    "summary",
    "objectives",
    "expected_results",
    "content",
    "url",
    "provider_name",
    "provider_siret",
    "provider_nda",
    "modality",
    "certifying",
    "certification_codes",
    "cpf_eligible",
    "formacodes",
    "nsf_codes",
    "rome_codes",
    "price_cents",
    "duration_minutes",
    "flags",
)
UPDATE_FIELDS = (*OFFER_FIELDS, "content_hash", "status", "retired_at", "last_seen_at", "updated_at")


class ImportFailed(Exception):
    """The feed cannot be imported at all (unreachable, not XML, not LHEO, truncated): nothing was written."""


@dataclass
class Progress:
    phase: str  # ImportPhase
    done: int  # formations read in this phase
    total: int  # formations in the feed (0 while checking)
    sessions: int = 0
    fraction: float = 0.0  # 0..1 of the phase, when known


@dataclass
class ImportResult:
    source: OfferSource
    run: ImportRun
    version: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    sessions: int = 0
    rejections: list[lheo_read.Rejection] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return len(self.rejections)


ProgressCallback = Callable[[Progress], None]

# ---------------------------------------------------------------------------------------------------- fetching


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in {"http", "https"}


STORAGE_PREFIX = "storage:"  # a file uploaded on the import page, kept in the default storage


@contextlib.contextmanager
def open_feed(
    location: str, *, max_bytes: int = MAX_BYTES, timeout: float = FETCH_TIMEOUT, safe: bool = False
) -> Iterator[IO[bytes]]:
    """A seekable binary stream of the feed: a local file (gzip or not), a file of the default storage
    (``storage:<name>``, uploaded on the import page) or a URL downloaded to a temporary file; `safe` fetches the
    URL like a federated feed (offers/federation.py: no private address, no redirect)."""
    if location.startswith(STORAGE_PREFIX):
        from django.core.files.storage import default_storage

        name = location.removeprefix(STORAGE_PREFIX)
        if not default_storage.exists(name):
            raise ImportFailed(f"Fichier introuvable : {name}")
        with default_storage.open(name, "rb") as stored:
            yield stored  # type: ignore[misc]
        return
    if is_url(location) and safe:
        from coopforma.offers.federation import FetchFailed, fetch

        try:
            with fetch(location, max_bytes=max_bytes, timeout=timeout) as answer:
                assert answer.body is not None
                yield answer.body
        except FetchFailed as exc:
            raise ImportFailed(str(exc)) from exc
        return
    if is_url(location):
        with tempfile.TemporaryFile(prefix="coopforma-lheo-") as target:
            _download(location, target, max_bytes=max_bytes, timeout=timeout)
            target.seek(0)
            yield target
        return
    if "://" in location:
        raise ImportFailed(f"Adresse refusée : seules les adresses http:// et https:// sont lues ({location}).")
    path = Path(location)
    if not path.is_file():
        raise ImportFailed(f"Fichier introuvable : {location}")
    with path.open("rb") as raw:
        if raw.read(2) == b"\x1f\x8b":
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unzipped:
                yield unzipped  # type: ignore[misc]
            return
        raw.seek(0)
        yield raw


def _download(url: str, target: IO[bytes], *, max_bytes: int, timeout: float) -> None:
    request = Request(url, headers={"Accept-Encoding": "gzip", "User-Agent": "Coopforma (import LHEO)"})  # noqa: S310
    written = 0
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 (the scheme is http or https: is_url)
            gzipped = response.headers.get("Content-Encoding", "").lower() == "gzip"
            inflater: Any = None
            while block := response.read(1 << 20):
                if written == 0 and inflater is None and (gzipped or block[:2] == b"\x1f\x8b"):
                    inflater = zlib.decompressobj(wbits=31)
                pieces = _inflate(inflater, block) if inflater else [block]
                for piece in pieces:
                    written += len(piece)
                    if written > max_bytes:
                        raise ImportFailed(
                            f"Le flux dépasse la taille maximale acceptée ({max_bytes // 1024**2} Mo) : "
                            "rien n'a été importé."
                        )
                    target.write(piece)
    except HTTPError as exc:
        message = f"Le serveur a répondu « {exc.code} {exc.reason} » pour {url} : rien n'a été importé."
        raise ImportFailed(message) from exc
    except (URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportFailed(f"Impossible de télécharger {url} ({reason}) : rien n'a été importé.") from exc
    except zlib.error as exc:
        raise ImportFailed(f"Le flux compressé (gzip) est illisible ({exc}) : rien n'a été importé.") from exc


def _inflate(inflater: Any, block: bytes) -> Iterator[bytes]:
    """Decompress by pieces of at most 4 MB, so that a small compressed block cannot fill the memory (the caller
    counts the pieces against the size limit)."""
    yield inflater.decompress(block, 1 << 22)
    while inflater.unconsumed_tail:
        yield inflater.decompress(inflater.unconsumed_tail, 1 << 22)


# ---------------------------------------------------------------------------------------------------- mapping

_PLACEHOLDER_SIRETS = {"12345678901234", "12345678900000", "12345678900012"}


def _siret(value: str, flags: set[str]) -> str:
    """The provider's SIRET if usable; the doubt as a flag (placeholder, invalid, missing), the offer kept."""
    if not value:
        flags.add("siret_missing")
        return ""
    if len(set(value)) == 1 or value in _PLACEHOLDER_SIRETS:
        flags.add("siret_placeholder")
        return ""
    if not re.fullmatch(r"\d{14}", value):
        flags.add("siret_invalid")
        return ""
    try:
        validate_siret(value)
    except ValidationError:
        flags.add("siret_invalid")  # kept: it is what the source says, and the flag says it is doubtful
    return value


def _modality(actions: list[lheo_read.Action]) -> str:
    modes = {action.teaching_mode for action in actions if action.teaching_mode}
    if not modes:
        return ""
    if modes == {"0"}:
        return Modality.ON_SITE
    if modes == {"2"}:
        return Modality.REMOTE
    return Modality.HYBRID


def _summary(text: str) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= 300 else first[:299].rsplit(" ", 1)[0] + "…"


def _place(place: lheo_read.Place, flags: set[str]) -> dict[str, Any]:
    """A session's place fields. Coordinates missing, impossible or rounded to the degree: the session is placed at
    its commune's position from the shipped dataset (``geo.locate_place``: INSEE code, else postal code and name,
    else a postal code of one commune), ``approximate``, flag ``geo_from_commune``; a département or region that
    is not the commune's is kept and flagged (``geo_commune_mismatch``), an empty one filled. A commune the dataset
    does not place leaves the session as the source gave it."""
    fields = {
        "street": place.street,
        "city": place.city,
        "postal_code": place.postal_code,
        "insee_code": place.insee_code,
        "department": place.department,
        "region": place.region,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "geo_precision": place.geo_precision,
    }
    if place.geo_precision == "precise":
        return fields
    located = geo.locate_place(place.insee_code, place.postal_code, place.city, place.department)
    if located is None:
        return fields
    commune = located.commune
    flags.add("geo_from_commune")
    fields.update(latitude=commune.lat, longitude=commune.lon, geo_precision="approximate")  # plain str: hashed by repr
    if located.insee_was_postal_code:
        flags.add("insee_was_postal_code")
        fields.update(postal_code=place.postal_code or place.insee_code, insee_code=commune.insee)
    elif not place.insee_code:
        fields["insee_code"] = commune.insee
    if located.insee_contradicted:
        flags.add("geo_commune_mismatch")
    if not place.department:
        fields.update(department=commune.departement, region=place.region or commune.region)
    elif place.department != commune.departement:
        flags.add("geo_commune_mismatch")
    if not fields["region"]:
        fields["region"] = commune.region
    elif fields["region"] != commune.region:
        flags.add("geo_commune_mismatch")
    return fields


def map_formation(record: lheo_read.Formation) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """(offer fields, sessions' fields, content hash) of one LHEO formation."""
    flags = set(record.dirt)
    organisme = record.organisme
    nda = organisme.nda if re.fullmatch(r"\d{11}", organisme.nda) else ""
    if organisme.nda and not nda:
        flags.add("nda_invalid")
    siret = _siret(organisme.siret, flags)
    price = next((a.price_cents for a in record.actions if a.price_cents is not None), None)
    minutes = next((a.hours for a in record.actions if a.hours is not None), None)
    offer = {
        "title": record.title,
        "summary": _summary(record.objectives),
        "objectives": record.objectives,
        "expected_results": record.expected_results,
        "content": record.content,
        "url": record.url,
        "provider_name": organisme.name,
        "provider_siret": siret,
        "provider_nda": nda,
        "modality": _modality(record.actions),
        "certifying": record.certifying,
        "certification_codes": record.certification_codes,
        "cpf_eligible": record.cpf_eligible,
        "formacodes": record.formacodes,
        "nsf_codes": record.nsf_codes,
        "rome_codes": record.rome_codes,
        "price_cents": price,
        "duration_minutes": minutes,
        "flags": sorted(flags),
    }
    sessions = []
    for session in record.sessions:
        sessions.append(
            {
                "external_id": session.numero,
                "start": session.start,
                "end": session.end,
                "date_precision": session.date_precision,
                **_place(session.place, flags),
                "is_remote": session.is_remote,
            }
        )
    offer["flags"] = sorted(flags)
    # repr of dicts built in a fixed key order, dates and floats: canonical, and cheaper than json.dumps
    digest = hashlib.sha256(repr((offer, sessions)).encode()).hexdigest()
    return offer, sessions, digest


# ---------------------------------------------------------------------------------------------------- writing


def lheo_source(
    *, name: str, label: str = "", licence: str = "", network_slug: str | None = None, url: str = ""
) -> OfferSource:
    """The LHEO source called `name`, created if new; the label, licence, network and URL given replace the old."""
    source = OfferSource.objects.filter(name=name).first()
    network = None
    if network_slug:
        network = Network.objects.filter(slug=network_slug).first()
        if network is None:
            raise ImportFailed(f"Aucun réseau n'a l'identifiant « {network_slug} » : rien n'a été importé.")
    if source is not None and source.kind != SourceKind.LHEO:
        raise ImportFailed(
            f"La source « {name} » existe déjà et n'est pas un flux LHEO ({source.get_kind_display()}) : "
            "rien n'a été importé."
        )
    if source is None:
        source = OfferSource(name=name, kind=SourceKind.LHEO, label=label or name)
    changed = source.pk is None
    for attr, value in (("label", label), ("licence", licence), ("url", url), ("network", network)):
        if value and getattr(source, attr) != value:
            setattr(source, attr, value)
            changed = True
    if changed:
        try:
            source.full_clean(exclude=["network"])
        except ValidationError as exc:
            messages = "; ".join(f"{key} : {' '.join(value)}" for key, value in exc.message_dict.items())
            raise ImportFailed(f"Source « {name} » invalide ({messages}) : rien n'a été importé.") from exc
        source.save()
    return source


def import_lheo(
    location: str,
    *,
    source_name: str,
    label: str = "",
    licence: str = "",
    network_slug: str | None = None,
    progress: ProgressCallback | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import the feed at `location` (a file or an http(s) URL) into the LHEO source `source_name`.

    Raises ImportFailed (French message) when the feed cannot be imported; then nothing was written.
    """
    with open_feed(location) as stream:
        total, version = _check(stream, progress)
        source = lheo_source(
            name=source_name,
            label=label,
            licence=licence,
            network_slug=network_slug,
            url=location if is_url(location) else "",
        )
        run = ImportRun.objects.create(
            source=source,
            location=location[:1000],
            status=ImportStatus.RUNNING,
            phase=ImportPhase.IMPORTING,
            records_total=total,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
            started_at=timezone.now(),
        )
        return _import(run, stream, total=total, version=version, progress=progress, user=user, now=now)


def import_run(run_id: int, *, progress: ProgressCallback | None = None, safe: bool = False) -> ImportResult | None:
    """Carry out a queued ImportRun (the background task): its progress saved as it goes, at most once a second."""
    run = ImportRun.objects.select_related("source").get(pk=run_id)
    if run.status != ImportStatus.QUEUED:
        return None
    run.status, run.started_at, run.phase = ImportStatus.RUNNING, timezone.now(), ImportPhase.FETCHING
    run.save(update_fields=["status", "started_at", "phase"])
    last_saved = 0.0

    def save_progress(step: Progress) -> None:
        nonlocal last_saved
        if progress is not None:
            progress(step)
        if time.monotonic() - last_saved < 1.0 and step.done != step.total:
            return
        last_saved = time.monotonic()
        run.phase, run.records_done, run.sessions_done = step.phase, step.done, step.sessions
        run.records_total = step.total or run.records_total
        run.save(update_fields=["phase", "records_done", "sessions_done", "records_total"])

    try:
        with open_feed(run.location, safe=safe) as stream:
            run.phase = ImportPhase.CHECKING
            total, version = _check(stream, save_progress)
            run.records_total = total
            return _import(
                run, stream, total=total, version=version, progress=save_progress, user=run.requested_by, now=None
            )
    except ImportFailed as exc:
        run.status, run.error, run.finished_at = ImportStatus.FAILED, str(exc), timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return None
    except Exception:
        # Not left « En cours » for ever; the chunks already written stay (a new run repeats them idempotently).
        run.status, run.finished_at = ImportStatus.FAILED, timezone.now()
        run.error = "Erreur inattendue pendant l'import : l'équipe technique a été prévenue par le journal du serveur."
        run.save(update_fields=["status", "error", "finished_at"])
        raise


def import_enqueue(*, source_id: int, location: str, user: Any = None, safe: bool = False) -> ImportRun:
    """Queue the import of `location` into the source: an ImportRun, and the task started once this commits
    (`safe`: a URL typed on a web page, fetched without redirect nor private address)."""
    from coopforma.offers.tasks import import_lheo_run

    source = OfferSource.objects.get(pk=source_id, kind=SourceKind.LHEO)
    run = ImportRun.objects.create(
        source=source,
        location=location[:1000],
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: import_lheo_run.enqueue(run.pk, safe=safe))
    return run


def _check(stream: IO[bytes], progress: ProgressCallback | None) -> tuple[int, str]:
    size = _size(stream)

    def on_progress(seen: int) -> None:
        if progress is not None:
            fraction = min(1.0, stream.tell() / size) if size else 0.0
            progress(Progress(ImportPhase.CHECKING, seen, 0, fraction=fraction))

    try:
        version = lheo_read.version_of(stream)
        total = lheo_read.check(stream, on_progress=on_progress)
    except lheo_read.LheoError as exc:
        raise ImportFailed(str(exc)) from exc
    return total, version


def _size(stream: IO[bytes]) -> int:
    try:
        position = stream.tell()
        size = stream.seek(0, 2)
        stream.seek(position)
        return size
    except (OSError, ValueError):
        return 0


def _import(
    run: ImportRun,
    stream: IO[bytes],
    *,
    total: int,
    version: str,
    progress: ProgressCallback | None,
    user: Any,
    now: dt.datetime | None,
) -> ImportResult:
    started = time.perf_counter()
    now = now or timezone.now()
    source = run.source
    result = ImportResult(source=source, run=run, version=version, total=total)
    seen: dict[str, int] = {}  # numero → line: duplicates are rejected, and what is missing gets retired
    chunk: list[lheo_read.Formation] = []
    done = 0
    try:
        for record in lheo_read.iter_records(stream):
            done += 1
            if isinstance(record, lheo_read.Rejection):
                result.rejections.append(record)
                continue
            if record.numero in seen:
                result.rejections.append(
                    lheo_read.Rejection(
                        record.numero,
                        record.line,
                        f"numéro déjà lu ligne {seen[record.numero]} de ce flux : cette seconde formation est ignorée",
                    )
                )
                continue
            seen[record.numero] = record.line
            chunk.append(record)
            if len(chunk) >= CHUNK:
                _write_chunk(source, chunk, now, result)
                chunk = []
                if progress is not None:
                    progress(Progress(ImportPhase.IMPORTING, done, total, result.sessions, done / total))
        if chunk:
            _write_chunk(source, chunk, now, result)
    except lheo_read.LheoError as exc:  # the file changed between the two passes
        raise ImportFailed(str(exc)) from exc
    if progress is not None:
        progress(Progress(ImportPhase.RETIRING, done, total, result.sessions, 1.0))
    result.retired = _retire_missing(source, seen, now)
    result.seconds = time.perf_counter() - started
    _finish(run, result, user)
    return result


def _write_chunk(
    source: OfferSource, records: list[lheo_read.Formation], now: dt.datetime, result: ImportResult
) -> None:
    mapped = {record.numero: map_formation(record) for record in records}
    existing = {
        external_id: (pk, digest, status)
        for pk, external_id, digest, status in Offer.objects.filter(
            source=source, external_id__in=list(mapped)
        ).values_list("id", "external_id", "content_hash", "status")
    }
    to_create: list[dict[str, Any]] = []
    to_update: list[Offer] = []
    sessions_of: dict[str, list[dict[str, Any]]] = {}
    for numero, (fields, sessions, digest) in mapped.items():
        result.sessions += len(sessions)
        known = existing.get(numero)
        if known is None:
            to_create.append(
                {
                    "source_id": source.pk,
                    "external_id": numero,
                    "content_hash": digest,
                    "status": OfferStatus.ACTIVE,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    **fields,
                }
            )
            sessions_of[numero] = sessions
        elif known[1] == digest and known[2] != OfferStatus.RETIRED:
            result.unchanged += 1
        else:
            status = OfferStatus.ACTIVE if known[2] == OfferStatus.RETIRED else known[2]
            offer = Offer(
                id=known[0],
                source=source,
                external_id=numero,
                content_hash=digest,
                status=status,
                retired_at=None,
                last_seen_at=now,
                updated_at=now,
                **fields,
            )
            to_update.append(offer)
            sessions_of[numero] = sessions
    if not to_create and not to_update:
        return
    with transaction.atomic():
        ids: dict[str, int] = {offer.external_id: offer.pk for offer in to_update}
        if to_create:
            _insert(Offer, to_create, now)
            ids.update(
                Offer.objects.filter(source=source, external_id__in=[row["external_id"] for row in to_create])
                .values_list("external_id", "id")
                .iterator()
            )
        if to_update:
            Offer.objects.bulk_update(to_update, UPDATE_FIELDS, batch_size=200)
            OfferSession.objects.filter(offer_id__in=[offer.pk for offer in to_update]).delete()
        _insert(
            OfferSession,
            [{"offer_id": ids[numero], **session} for numero, sessions in sessions_of.items() for session in sessions],
            now,
        )
        search.index_offers(ids.values())
    result.created += len(to_create)
    result.updated += len(to_update)


def _insert(model: type[Offer] | type[OfferSession], rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """INSERT the rows (attname → value) with one executemany per 2,000: bulk_create's per-value compilation and
    model instances were most of an import's time (benchmarks/network.py). Dates, datetimes and JSON still go
    through their field's get_db_prep_save, as the ORM does; a missing value takes the field's default, and
    auto_now / auto_now_add fields get `now` (no save() runs)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = []
    for f in fields:
        convert = f.get_internal_type() in {"DateField", "DateTimeField", "JSONField"}
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        default = now if stamped else f.get_default()
        columns.append((f.attname, convert, default, f))
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model, values as parameters)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = []
    for row in rows:
        line = []
        for attname, convert, default, f in columns:
            value = row.get(attname, default)
            line.append(f.get_db_prep_save(value, connection) if convert and value is not None else value)
        values.append(line)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            cursor.executemany(sql, values[start : start + 2000])


def _retire_missing(source: OfferSource, seen: dict[str, int], now: dt.datetime) -> int:
    """Retire (never delete) the offers of the source that this feed no longer carries."""
    missing = [
        pk
        for pk, external_id in Offer.objects.filter(source=source)
        .exclude(status=OfferStatus.RETIRED)
        .values_list("id", "external_id")
        .iterator(chunk_size=5000)
        if external_id not in seen
    ]
    for start in range(0, len(missing), CHUNK):
        with transaction.atomic():
            Offer.objects.filter(pk__in=missing[start : start + CHUNK]).update(
                status=OfferStatus.RETIRED, retired_at=now, updated_at=now
            )
    return len(missing)


def _finish(run: ImportRun, result: ImportResult, user: Any) -> None:
    now = timezone.now()
    counts = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "retired": result.retired,
        "rejected": result.rejected,
    }
    run.status, run.phase, run.finished_at = ImportStatus.DONE, "", now
    run.records_done, run.sessions_done = result.total, result.sessions
    run.rejections = [
        {"numero": r.numero, "line": r.line, "reason": r.reason} for r in result.rejections[:MAX_REJECTIONS_KEPT]
    ]
    for name, value in counts.items():
        setattr(run, name, value)
    run.save()
    source = result.source
    OfferSource.objects.filter(pk=source.pk).update(last_import_at=now)
    source.last_import_at = now
    log_action(actor=user, obj=source, action="offers.source.imported", data={"location": run.location, **counts})
    if result.created + result.updated + result.retired >= search.STATISTICS_AFTER_ROWS:
        search.refresh_statistics()
    if result.created or result.updated or result.retired:
        # What is "on cooperation" is judged per network (offers.relevance): each network with a rule set scores
        # the feed's offers again, in the background (300,000 offers take minutes); decisions taken stay.
        network_ids = list(relevance.networks_with_rules().values_list("pk", flat=True))
        transaction.on_commit(lambda: [relevance.rescore_network.enqueue(pk) for pk in network_ids])


def rejection_line(rejection: lheo_read.Rejection) -> str:
    """One French line per rejected record, as the command prints it and the import page lists it."""
    if rejection.numero:
        return f"ligne {rejection.line}, formation « {rejection.numero} » : {rejection.reason}"
    return f"ligne {rejection.line} : {rejection.reason}"
