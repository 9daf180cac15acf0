#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""LHEO import benchmark (issue 16, point 8): a synthetic 300,000-session LHEO 2.3 feed imported, then again.

    python benchmarks/network.py                        # 300,000 sessions, SQLite
    python benchmarks/network.py --sessions 3000        # a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/network.py

The feed is written as a stream by benchmarks/lheo_feed.py to var/bench/lheo-<N>.xml (kept: `--feed PATH` reuses
a file). The database is prepared as benchmarks/run.py does, under names of its own (SQLite
var/bench/network.sqlite3, or the PostgreSQL database `coopforma_bench_network`, dropped at the end unless --keep).
Prints, for the first import: sessions per second (target ≥ 2,000) and the process's peak memory (resident set,
`resource.getrusage`, target < 300 MB); for the second import of the same feed: the rows written to the offers
and their sessions (target 0; the run's own record, ImportRun, the source's last import date and the activity
log line are counted apart).

Then the map's search (`--searches`, 200 by default): every offer is made shown by a benchmark network, and the
p50 / p95 of 200 searches (a results page with its facets, as /reseaux/<network>/carte/ asks for: words, facets
and « within N km » mixed) and of 200 aggregates (the map's JSON) are printed (targets: search p95 < 50 ms,
aggregates < 100 ms).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchmarks.run as bench_run  # noqa: E402
from benchmarks.run import _drop_database, _prepare_database, _use_project_venv  # noqa: E402

BENCH_DB = "coopforma_bench_network"
SQLITE_PATH = ROOT / "var" / "bench" / "network.sqlite3"
TARGET_RATE = 2000
TARGET_MB = 300
OFFER_TABLES = {"offers_offer", "offers_offersession"}
_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=300_000)
    parser.add_argument("--per-formation", type=int, default=3, help="sessions per formation (3)")
    parser.add_argument("--feed", type=Path, default=None, help="an existing feed file to import instead")
    parser.add_argument("--searches", type=int, default=200, help="searches and aggregates timed (200)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database")
    parser.add_argument(
        "--reuse", action="store_true", help="search again over the database a --keep run left (no feed, no import)"
    )
    return parser.parse_args()


def _database(reuse: bool = False) -> tuple[str, str | None]:
    bench_run.BENCH_DB = BENCH_DB
    url = os.environ.get("DATABASE_URL")
    if reuse and url:
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
        return f"postgresql ({parts.hostname}:{parts.port or 5432}/{BENCH_DB}, reused)", None
    if reuse:
        os.environ["SQLITE_PATH"] = str(SQLITE_PATH)
        return f"sqlite ({SQLITE_PATH}, reused)", None
    if url:
        return _prepare_database()
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(SQLITE_PATH)
    return f"sqlite ({SQLITE_PATH})", None


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class WriteCounter:
    """Counts the rows-writing statements per table (connection.execute_wrapper) and the rows they touched."""

    def __init__(self) -> None:
        self.statements: dict[str, int] = {}
        self.rows: dict[str, int] = {}

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        if match:
            table = match.group(2)
            self.statements[table] = self.statements.get(table, 0) + 1
            rowcount = getattr(context.get("cursor"), "rowcount", -1)
            self.rows[table] = self.rows.get(table, 0) + max(rowcount, 0)
        return result


def main() -> int:
    _use_project_venv()
    args = _parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "0")
    where, admin_url = _database(args.reuse)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.lheo_feed import write_feed
    from coopforma.offers.importing import import_lheo
    from coopforma.offers.models import Offer, OfferSession

    print(f"Coopforma LHEO import benchmark — {where}")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        if args.reuse:
            _search_phase(args.searches or 200)
            return 0
        feed = args.feed
        if feed is None:
            feed = ROOT / "var" / "bench" / f"lheo-{args.sessions}.xml"
            started = time.perf_counter()
            counts = write_feed(feed, sessions=args.sessions, per_formation=args.per_formation)
            print(
                f"feed: {counts['formations']:,} formations, {counts['sessions']:,} sessions, "
                f"{counts['bytes'] / 1024**2:,.0f} MB written in {time.perf_counter() - started:.1f} s ({feed})"
            )
        baseline = _peak_mb()
        print(f"peak memory before the import (Django, migrations, generator): {baseline:,.0f} MB")

        rows = []
        for label in ("first import", "same feed again"):
            counter = WriteCounter()
            cpu = time.process_time()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                result = import_lheo(str(feed), source_name="bench-lheo", label="Flux de référence")
            seconds = time.perf_counter() - started
            rows.append((label, result, seconds, counter, _peak_mb(), time.process_time() - cpu))

        offers, sessions = Offer.objects.count(), OfferSession.objects.count()
        print(f"\nin the database: {offers:,} offers, {sessions:,} sessions\n")
        print(
            f"{'':<16} {'seconds':>8} {'sessions/s':>11} {'peak MB':>8} "
            f"{'created':>8} {'updated':>8} {'unchanged':>9} {'retired':>8} {'rejected':>8} {'write statements':>17}"
        )
        for label, result, seconds, counter, peak, _cpu in rows:
            written = sum(n for table, n in counter.statements.items() if table in OFFER_TABLES)
            print(
                f"{label:<16} {seconds:>8.1f} {result.sessions / seconds:>11,.0f} {peak:>8,.0f} {result.created:>8,}"
                f" {result.updated:>8,} {result.unchanged:>9,} {result.retired:>8,} {result.rejected:>8,}"
                f" {written:>17,}"
            )
        first, second = rows
        rate = first[1].sessions / first[2]
        verdict = "met" if rate >= TARGET_RATE else "NOT met"
        cpu_rate = first[1].sessions / first[5]
        print(f"\nimport rate: {rate:,.0f} sessions/s — target ≥ {TARGET_RATE:,}: {verdict}")
        print(
            f"(this process's CPU time: {first[5]:.1f} s, {cpu_rate:,.0f} sessions per CPU second; the wall-clock "
            f"rate also depends on the machine's load, here {os.getloadavg()[0]:.1f})"
        )
        peak = max(first[4], second[4])
        print(f"peak memory: {peak:,.0f} MB — target < {TARGET_MB}: {'met' if peak < TARGET_MB else 'NOT met'}")
        offer_writes = {t: n for t, n in second[3].statements.items() if t in OFFER_TABLES}
        other_writes = {t: n for t, n in second[3].statements.items() if t not in OFFER_TABLES}
        print(
            f"second import, statements writing offers or sessions: {sum(offer_writes.values())} — target 0: "
            f"{'met' if not offer_writes else 'NOT met'}  (bookkeeping: {other_writes})"
        )
        _score_phase()
        if args.searches:
            _search_phase(args.searches)
    finally:
        if admin_url and not args.keep:
            _drop_database(admin_url)
    return 0


def _score_phase() -> None:
    """The scoring that follows an import (in the background) for a network with rules and a published
    référentiel, timed without then with the competencies' suggestions (offers/competencies.py)."""
    from unittest import mock

    from coopforma.networks.models import Network
    from coopforma.offers import competencies, relevance
    from coopforma.offers.models import OfferCompetency, RelevanceRules
    from coopforma.referentiel import files
    from coopforma.referentiel import services as referentiel_services
    from coopforma.referentiel.demo import DRAFT

    network, created = Network.objects.get_or_create(slug="bench-score", defaults={"name": "Réseau du score"})
    if created:
        RelevanceRules.objects.create(network=network, keywords=["coopérative", "gouvernance partagée", "tiers lieu"])
        document = files.read(DRAFT.read_bytes(), "yaml")
        version = referentiel_services.version_import(user=None, network_id=network.pk, document=document)
        referentiel_services.version_publish(user=None, network_id=network.pk, number=version.number)
    timings = {}
    with mock.patch.object(competencies.Matcher, "for_network", return_value=None):
        started = time.perf_counter()
        scored = relevance.score_offers(network)
        timings["without"] = time.perf_counter() - started
    started = time.perf_counter()
    relevance.score_offers(network)
    timings["with"] = time.perf_counter() - started
    links = OfferCompetency.objects.filter(network=network).count()
    print(
        f"\nscoring {scored:,} offers for a network (after an import, in the background): "
        f"{timings['without']:.1f} s without the competencies' suggestions, {timings['with']:.1f} s with them "
        f"({links:,} links suggested)"
    )


SEARCH_TARGET_MS = 50
AGGREGATES_TARGET_MS = 100


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def _search_phase(count: int) -> None:
    """p50/p95 of `count` map searches (page + facets) and of `count` aggregates, over every imported offer."""
    import random

    from django.db import connection
    from django.utils import timezone

    from benchmarks.lheo_feed import CITIES
    from coopforma.networks.models import Network
    from coopforma.offers import filters, search, selectors

    network, _created = Network.objects.get_or_create(slug="bench-carte", defaults={"name": "Réseau du benchmark"})
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM offers_offerrelevance WHERE network_id = %s", [network.pk])
        cursor.execute(
            "INSERT INTO offers_offerrelevance (network_id, offer_id, score, reasons, verdict, scored_at, decision,"
            " decision_reason) SELECT %s, id, 80, '[]', 'shown', %s, '', '' FROM offers_offer WHERE status = 'active'",
            [network.pk, timezone.now()],
        )
    search.refresh_statistics()  # as rescore_network does after scoring a whole feed
    rng = random.Random(16)
    words = ["coopératives", "gouvernance partagée", "scic", "tiers lieux", "comptabilite", "facilitation", "PTCE"]

    def params() -> dict[str, str]:
        chosen: dict[str, str] = {}
        if rng.random() < 0.7:
            chosen["q"] = rng.choice(words)
        if rng.random() < 0.3:
            chosen["departement"] = rng.choice(CITIES)[0]
        if rng.random() < 0.2:
            chosen["modality"] = rng.choice(["on_site", "remote", "hybrid"])
        if rng.random() < 0.2:
            chosen["cpf"] = "oui"
        if rng.random() < 0.2:
            chosen["from"] = "2026-06-01"
        if rng.random() < 0.3:
            chosen["near"], chosen["km"] = (
                rng.choice(["Rennes", "Lyon", "33000", "Lille"]),
                str(rng.choice([10, 30, 80])),
            )
        if rng.random() < 0.2:
            chosen["page"] = str(rng.randint(2, 5))
        return chosen

    from coopforma.offers import map_index

    map_index.clear()
    started = time.perf_counter()
    index = map_index.for_network(network.pk)
    built = time.perf_counter() - started
    arrays = sum(value.nbytes for value in vars(index).values() if hasattr(value, "nbytes"))
    print(
        f"\nmap index built in {built:.2f} s: {index.size:,} offers, {len(index.s_offer):,} sessions, "
        f"{len(index.point_lat):,} positions, {arrays / 1024**2:.0f} MB of arrays (once per web process and change)"
    )
    cold = []
    for word in words:  # each word's first search asks the database's full-text index; later ones reuse it
        started = time.perf_counter()
        selectors.map_page(network=network, filters=filters.parse({"q": word}))
        cold.append(time.perf_counter() - started)
    print(
        f"first search of each of the {len(words)} words (full-text query): "
        + ", ".join(f"{t * 1000:.0f}" for t in cold)
        + " ms"
    )

    timings: dict[str, list[float]] = {"search (page + facets)": [], "aggregates": []}
    for _ in range(count):
        parsed = filters.parse(params())
        started = time.perf_counter()
        selectors.map_page(network=network, filters=parsed)
        selectors.map_facets(network=network, filters=parsed)
        timings["search (page + facets)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        selectors.map_aggregates(network=network, filters=parsed)
        timings["aggregates"].append(time.perf_counter() - started)
    shown = map_index.for_network(network.pk).size
    print(f"\nmap search over {shown:,} shown offers ({count} searches, words, facets and « within N km » mixed)")
    for (label, times), target in zip(timings.items(), (SEARCH_TARGET_MS, AGGREGATES_TARGET_MS), strict=True):
        p50, p95 = _percentiles(times)
        verdict = "met" if p95 < target else "NOT met"
        print(
            f"{label:<24} p50 {p50:>7.1f} ms   p95 {p95:>7.1f} ms   max {max(times) * 1000:>7.1f} ms"
            f" — target p95 < {target} ms: {verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())
