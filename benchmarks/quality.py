#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Qualiopi benchmark: the 32 indicator statuses (coopforma.quality.indicator_statuses.compute) of a large OF.

    python benchmarks/quality.py                                # 5,000 sessions, 50,000 trainees, SQLite
    python benchmarks/quality.py --sessions 500 --trainees 5000
    python benchmarks/quality.py --reuse                        # on the database benchmarks/bpf.py kept
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/quality.py

compute() is what the quality dashboard, each indicator page, the audit pack and GET /api/v1/quality/indicators
call. The world is the one of benchmarks/bpf.py (benchmarks/generate.py, placed inside 2025, varied as
frame F needs; the émargement and invoices the BPF adds are not read here), prepared under names of its own
(SQLite var/bench/quality.sqlite3, or the PostgreSQL database `coopforma_bench_quality`, dropped at the end
unless --keep). `--reuse` times compute() on the database benchmarks/bpf.py generated (var/bench/bpf.sqlite3, or
`coopforma_bench_bpf` kept with --keep), read only: no migration, no generation. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchmarks.bpf as bpf  # noqa: E402
import benchmarks.run as bench_run  # noqa: E402
from benchmarks.run import _drop_database, _prepare_database, _use_project_venv  # noqa: E402

BENCH_DB = "coopforma_bench_quality"
SQLITE_PATH = ROOT / "var" / "bench" / "quality.sqlite3"
TARGET_S = 2.0


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--trainees", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database")
    parser.add_argument(
        "--reuse", action="store_true", help="time compute() on the database benchmarks/bpf.py kept (read only)"
    )
    return parser.parse_args()


def _database(reuse: bool) -> tuple[str, str | None]:
    """The benchmark database: fresh (generated here), or the one benchmarks/bpf.py kept (--reuse, never dropped)."""
    url = os.environ.get("DATABASE_URL", "")
    if reuse:
        if url:
            parts = urlsplit(url)
            os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{bpf.BENCH_DB}"))
            return f"postgresql ({parts.hostname}:{parts.port or 5432}/{bpf.BENCH_DB}, reused)", None
        if not bpf.SQLITE_PATH.exists():
            sys.exit(f"{bpf.SQLITE_PATH} does not exist: run benchmarks/bpf.py first")
        os.environ["SQLITE_PATH"] = str(bpf.SQLITE_PATH)
        return f"sqlite ({bpf.SQLITE_PATH}, reused)", None
    bench_run.BENCH_DB = BENCH_DB
    if url:
        return _prepare_database()
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(SQLITE_PATH)
    return f"sqlite ({SQLITE_PATH})", None


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
    from django.test.utils import CaptureQueriesContext

    from benchmarks.generate import BENCH_SLUG, generate
    from coopforma.accounts.models import Organisation
    from coopforma.quality.indicator_statuses import compute, summary

    vendor = connection.vendor
    print(f"Coopforma quality benchmark — {where}")
    try:
        if args.reuse:
            organisation = Organisation.objects.get(slug=BENCH_SLUG)
        else:
            call_command("migrate", verbosity=0, interactive=False)
            started = time.perf_counter()
            world = generate(
                sessions=args.sessions,
                trainees=args.trainees,
                trainers=100,
                today=dt.date(bpf.YEAR, 9, 1),
                now=dt.datetime(bpf.YEAR + 1, 1, 1, tzinfo=dt.UTC),  # the fiscal year is over
                say=lambda m: print(f"  {m}", flush=True),
            )
            bpf._vary_frame_f(world.organisation, lambda m: print(f"  {m}", flush=True))
            print(f"generation: {time.perf_counter() - started:.1f} s ({world.counts})")
            organisation = world.organisation
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

        compute(organisation)  # warm-up: the URL configuration and translations load once per process
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                statuses = compute(organisation)
                timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        print()
        print(
            f"compute(): {len(queries)} queries, median {median:.2f} s over {args.runs} runs "
            f"(min {min(timings):.2f} s, max {max(timings):.2f} s)"
        )
        print(f"  statuses: {summary(statuses)}")
        for s in statuses:
            if s.counted_total or s.missing_total:
                print(
                    f"  {s.number:2d} {s.status:8s} counted {s.counted_total:,} ({len(s.counted)} listed), "
                    f"missing {s.missing_total:,} ({len(s.missing)} listed)"
                )
        print(f"target on {vendor}: < {TARGET_S:.0f} s — {'met' if median < TARGET_S else 'NOT met'}")
    finally:
        if admin_url and not args.keep:
            _drop_database(admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
