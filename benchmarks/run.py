#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Page benchmark: a large organisation in a separate database, then timed renders of the main pages.

    python benchmarks/run.py                              # 5,000 sessions, 50,000 trainees, SQLite
    python benchmarks/run.py --sessions 200 --trainees 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/run.py

SQLite: the database is var/bench/bench.sqlite3 (recreated at each run, kept afterwards for inspection).
PostgreSQL (DATABASE_URL set): the database `coopforma_bench` is created on that server through psycopg,
then dropped at the end (unless --keep). The project database is never touched.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BENCH_DB = "coopforma_bench"
TARGET_MS = 150.0


def _use_project_venv() -> None:
    """Re-run with the project's interpreter when started with another one (e.g. the system python3)."""
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--trainees", type=int, default=50000)
    parser.add_argument("--renders", type=int, default=30, help="timed renders per page (after warm-up)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database")
    return parser.parse_args()


def _prepare_database() -> tuple[str, str | None]:
    """Point the settings at a fresh benchmark database; returns (description, admin URL to drop it)."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        import psycopg

        parts = urlsplit(url)
        # CREATE/DROP DATABASE run from the server's maintenance database, whatever DATABASE_URL names.
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
        return f"postgresql ({parts.hostname}:{parts.port or 5432}/{BENCH_DB})", admin_url
    var_dir = Path(os.environ.get("COOPFORMA_VAR_DIR", ROOT / "var"))
    path = var_dir / "bench" / "bench.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(path)
    return f"sqlite ({path})", None


def _drop_database(admin_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _url_for(name: str, org: str, session_id: int) -> str:
    """The page's URL; the detail page's keyword is not known in advance (its app is being written)."""
    from django.urls import NoReverseMatch, reverse

    if name != "sessions:detail":
        return reverse(name, kwargs={"org": org})
    for key in ("pk", "session_id", "id"):
        try:
            return reverse(name, kwargs={"org": org, key: session_id})
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"'{name}' with a session id")


def _measure(client, url: str, renders: int, warmup: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            return {"error": f"HTTP {response.status_code}"}
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the log is emptied when the next request starts (django.db.reset_queries).
    query_count = len(queries)
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {"queries": query_count, "median": statistics.median(timings), "p95": _p95(timings)}


def main() -> int:
    _use_project_venv()
    args = _parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["STATIC_MANIFEST"] = "0"  # no collectstatic needed; the pages still render {% static %}
    os.environ.setdefault("DEBUG", "0")
    where, admin_url = _prepare_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch

    from benchmarks.generate import generate

    print(f"Coopforma page benchmark — {where}")
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - started
        started = time.perf_counter()
        world = generate(sessions=args.sessions, trainees=args.trainees, say=lambda m: print(f"  {m}", flush=True))
        generate_s = time.perf_counter() - started
        counts = world.counts
        print(
            f"generation: {counts['sessions']:,} sessions, {counts['slots']:,} slots, {counts['trainees']:,} "
            f"trainees, {counts['enrolments']:,} enrolments in {generate_s:.1f} s (migrate {migrate_s:.1f} s)"
        )

        client = Client(SERVER_NAME="localhost")
        client.force_login(world.admin)
        rows = []
        for name in ("sessions:list", "sessions:detail", "dashboard:home"):
            try:
                url = _url_for(name, world.organisation.slug, world.big_session_id)
            except NoReverseMatch:
                rows.append((name, None, "skipped: the URL does not resolve yet (page not written)"))
                continue
            try:
                rows.append((name, _measure(client, url, args.renders, args.warmup), url))
            except Exception as exc:  # a page under construction may crash: report it, measure the others
                rows.append((name, None, f"error: {type(exc).__name__}: {exc}"[:100]))

        print()
        print(f"{'page':<17} {'queries':>7} {'median ms':>10} {'p95 ms':>8}  target: median < {TARGET_MS:.0f} ms")
        for name, result, info in rows:
            if result is None or "error" in result:
                message = info if result is None else f"error: {result['error']} at {info}"
                print(f"{name:<17} {'-':>7} {'-':>10} {'-':>8}  {message}")
                continue
            verdict = "met" if result["median"] < TARGET_MS else "NOT met"
            print(
                f"{name:<17} {result['queries']:>7} {result['median']:>10.1f} {result['p95']:>8.1f}  {verdict}"
                f"  ({info}, {args.renders} renders)"
            )
        sizes = f"{counts['sessions']:,} sessions / {counts['trainees']:,} trainees"
        print(f"\ngeneration time: {generate_s:.1f} s for {sizes}")
    finally:
        if admin_url and not args.keep:
            _drop_database(admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
