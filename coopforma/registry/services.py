# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the register: the import of the DGEFP « liste publique des organismes de formation ».

`registry_import(source=…)` reads a file path or an http(s) URL as a stream (`formats.dgefp.read`), upserts by
NDA in batches, writes nothing for an unchanged row (same content hash), rejects invalid rows with their line,
column and reason, marks the organisations no longer in the list as absent (never deletes them) and records the
run (`RegistryImport`). A file with another header raises `HeaderError` before anything is written.

The one structure that grows with the file is the set of NDAs seen (integers, about 10 MB for 150,000 rows):
it tells a duplicate line and the organisations that left the list.
"""

import contextlib
import csv
import gzip
import io
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO, cast

from django.db import connection, transaction
from django.utils import timezone

from coopforma.formats.dgefp import HeaderError, OfRecord, RowRejected, check_header, read
from coopforma.registry.models import RegisteredName, RegisteredOrganisation, RegistryImport
from coopforma.registry.names import search_form, words

__all__ = ["HeaderError", "ImportSummary", "registry_import"]

BATCH = 2000
URL_TIMEOUT = 60  # seconds without a byte from the server
KEPT_ERRORS = 200  # errors stored on the import record
KEPT_ERRORS_IN_MEMORY = 10_000  # errors reported to the caller (the count covers them all)

# The columns an import writes (everything but the key, the presence and the import that wrote it).
DATA_FIELDS = [
    "previous_ndas",
    "name",
    "search_name",
    "siren",
    "siret",
    "street",
    "postal_code",
    "city",
    "region_code",
    "qualiopi_training",
    "qualiopi_skills_assessment",
    "qualiopi_vae",
    "qualiopi_apprenticeship",
    "foreign_name",
    "foreign_street",
    "foreign_postal_code",
    "foreign_city",
    "foreign_country",
    "last_declared_on",
    "fiscal_year_start",
    "fiscal_year_end",
    "nsf_code_1",
    "nsf_label_1",
    "nsf_code_2",
    "nsf_label_2",
    "nsf_code_3",
    "nsf_label_3",
    "trainees",
    "trainees_from_other_of",
    "trainers",
    "content_hash",
]


@dataclass
class ImportSummary:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0
    rejected: int = 0
    errors: list[RowRejected] = field(default_factory=list)
    import_id: int | None = None

    def __str__(self) -> str:
        return (
            f"{self.rows} ligne(s) lue(s) : {self.created} créé(s), {self.updated} mis à jour, "
            f"{self.unchanged} inchangé(s), {self.absent} absent(s) de la dernière liste, {self.rejected} rejetée(s)."
        )


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@contextlib.contextmanager
def open_source(source: str) -> Iterator[TextIO]:
    """A text stream over a local file or an http(s) URL (gzip-compressed or not), read as it comes."""
    raw: IO[bytes]
    if _is_url(source):
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked just above)
            source, headers={"Accept-Encoding": "gzip", "User-Agent": "coopforma-registry"}
        )
        response = urllib.request.urlopen(request, timeout=URL_TIMEOUT)  # noqa: S310
        compressed = response.headers.get("Content-Encoding", "") == "gzip" or source.endswith(".gz")
        raw = response
    else:
        raw = Path(source).open("rb")  # noqa: SIM115 (closed below)
        compressed = source.endswith(".gz")
    try:
        binary: IO[bytes] = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if compressed else raw
        yield io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    finally:
        raw.close()


def _values(record: OfRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in DATA_FIELDS if name != "search_name"}
    values["search_name"] = search_form(record.name)
    return values


class _Batch:
    """The records of one batch: upserted by NDA, unchanged ones left alone.

    The rows are written with one prepared statement each (`executemany`), not `bulk_create`/`bulk_update`:
    compiling 35 fields per model instance took most of a full import's time.
    """

    def __init__(self, run: RegistryImport, summary: ImportSummary) -> None:
        self.run, self.summary = run, summary
        self.records: list[OfRecord] = []
        meta = RegisteredOrganisation._meta
        quote = connection.ops.quote_name
        self.dates = {f.attname for f in meta.concrete_fields if f.get_internal_type() == "DateField"}
        column = {f.attname: str(f.column) for f in meta.concrete_fields}
        self.columns = ["nda", *DATA_FIELDS, "present", "absent_since", "imported_id"]
        names = ", ".join(quote(column[c]) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        self.insert = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 (our names)
        sets = ", ".join(f"{quote(column[c])} = %s" for c in self.columns)
        self.update = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(column['id'])} = %s"  # noqa: S608
        index = RegisteredName._meta
        into = f"{quote(index.db_table)} ({quote('organisation_id')}, {quote('word')})"
        self.insert_words = f"INSERT INTO {into} VALUES (%s, %s)"  # noqa: S608 (our names)

    def _row(self, record: OfRecord) -> list[Any]:
        values = _values(record)
        values.update(nda=record.nda, present=True, absent_since=None, imported_id=self.run.pk)
        adapt = connection.ops.adapt_datefield_value
        return [adapt(values[c]) if c in self.dates else values[c] for c in self.columns]

    def _index_names(self, ndas: list[str], cursor: Any) -> None:
        """The name index of the rows just written (their ids read back by NDA)."""
        pairs = RegisteredOrganisation.objects.filter(nda__in=ndas).values_list("pk", "name")
        cursor.executemany(self.insert_words, [(pk, word) for pk, name in pairs for word in words(name)])

    def flush(self) -> None:
        if not self.records:
            return
        existing = {
            nda: (pk, digest, present)
            for nda, pk, digest, present in RegisteredOrganisation.objects.filter(
                nda__in=[r.nda for r in self.records]
            ).values_list("nda", "pk", "content_hash", "present")
        }
        new, changed = [], []
        for record in self.records:
            known = existing.get(record.nda)
            if known is None:
                new.append(self._row(record))
            elif known[1] != record.content_hash or not known[2]:
                changed.append([*self._row(record), known[0]])
            else:
                self.summary.unchanged += 1
        if new or changed:
            with transaction.atomic(), connection.cursor() as cursor:
                if new:
                    cursor.executemany(self.insert, new)
                if changed:
                    cursor.executemany(self.update, changed)
                    RegisteredName.objects.filter(organisation_id__in=[row[-1] for row in changed]).delete()
                self._index_names([row[0] for row in new] + [row[0] for row in changed], cursor)
        self.summary.created += len(new)
        self.summary.updated += len(changed)
        self.records = []


def _mark_absent(seen: set[int], run: RegistryImport) -> int:
    """The organisations present before this import and not in its file: marked absent, not deleted."""
    today = timezone.localdate()
    gone: list[int] = []
    present = RegisteredOrganisation.objects.filter(present=True).values_list("pk", "nda")
    for pk, nda in present.iterator(chunk_size=5000):
        if int(nda) not in seen:
            gone.append(pk)
    for start in range(0, len(gone), 900):
        RegisteredOrganisation.objects.filter(pk__in=gone[start : start + 900]).update(
            present=False, absent_since=today
        )
    return len(gone)


def registry_import(
    *, source: str, progress: Callable[[ImportSummary], object] | None = None, mark_absent: bool = True
) -> ImportSummary:
    """Import the list at `source` (a path or an http(s) URL); HeaderError (nothing written) on another header.

    `progress` is called after each batch with the running summary. `mark_absent=False` for a partial file
    (the organisations it does not name stay as they are).
    """
    summary = ImportSummary(source=source)
    with open_source(source) as stream:
        # The header is checked before the import is even recorded: another file writes nothing.
        first = stream.readline()
        check_header(next(csv.reader([first], delimiter=";"), []))
        records = read(_prepend(first, stream))
        run = RegistryImport.objects.create(source=source[:500], started_at=timezone.now())
        summary.import_id = run.pk
        batch = _Batch(run, summary)
        seen: set[int] = set()
        for item in records:
            summary.rows += 1
            if isinstance(item, RowRejected):
                _reject(summary, item)
                continue
            number = int(item.nda)
            if number in seen:
                _reject(
                    summary,
                    RowRejected(item.line, "numeroDeclarationActivite", f"le NDA {item.nda} figure déjà plus haut"),
                )
                continue
            seen.add(number)
            batch.records.append(item)
            if len(batch.records) >= BATCH:
                batch.flush()
                if progress:
                    progress(summary)
        batch.flush()
    if mark_absent:
        summary.absent = _mark_absent(seen, run)
    run.finished_at = timezone.now()
    for name in ("rows", "created", "updated", "unchanged", "absent", "rejected"):
        setattr(run, name, getattr(summary, name))
    run.errors = [{"line": e.line, "column": e.column, "reason": e.reason} for e in summary.errors[:KEPT_ERRORS]]
    run.save()
    if progress:
        progress(summary)
    return summary


def _reject(summary: ImportSummary, error: RowRejected) -> None:
    summary.rejected += 1
    if len(summary.errors) < KEPT_ERRORS_IN_MEMORY:
        summary.errors.append(error)


def _prepend(first: str, rest: TextIO) -> Iterator[str]:
    yield first
    yield from rest
