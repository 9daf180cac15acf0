#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Register benchmark: the DGEFP « liste publique des organismes de formation » at full size (issue 17).

    python benchmarks/registry.py                       # 150,000 rows, SQLite var/bench/registry.sqlite3
    python benchmarks/registry.py --rows 20000          # a quick check
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/registry.py

1. Generates a CSV with the real header (var/bench/liste_publique_of.csv; fictitious, Luhn-valid SIREN/SIRET,
   names drawn from a few hundred words with accents), migrations on a fresh database (SQLite file, or the
   PostgreSQL database `coopforma_bench_registry`, dropped at the end unless --keep).
2. `coopforma registry import-of` through its service, timed (target < 60 s on SQLite).
3. The same file again: the statements that write to the register are counted (target 0).
4. Lookups by SIRET, NDA and name (`registry.selectors`), `--lookups` each, p50 / p95 (target p95 < 20 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchmarks.run as bench_run  # noqa: E402
from benchmarks.run import _drop_database, _p95, _prepare_database, _use_project_venv  # noqa: E402

BENCH_DB = "coopforma_bench_registry"
SQLITE_PATH = ROOT / "var" / "bench" / "registry.sqlite3"
CSV_PATH = ROOT / "var" / "bench" / "liste_publique_of.csv"
IMPORT_TARGET_S = 60.0
LOOKUP_TARGET_MS = 20.0

WORDS = [
    "formation",
    "conseil",
    "coop",
    "scop",
    "scic",
    "association",
    "institut",
    "centre",
    "atelier",
    "école",
    "académie",
    "réseau",
    "territoire",
    "éducation",
    "populaire",
    "développement",
    "compétences",
    "métiers",
    "numérique",
    "langues",
    "santé",
    "social",
    "solidaire",
    "économie",
    "gestion",
    "management",
    "communication",
    "sécurité",
    "bâtiment",
    "énergie",
    "agriculture",
    "tourisme",
    "culture",
    "sport",
    "théâtre",
    "musique",
    "pédagogie",
    "accompagnement",
    "insertion",
    "emploi",
    "jeunesse",
    "rural",
    "urbain",
    "côte",
    "océan",
    "montagne",
    "vallée",
    "forêt",
    "lumière",
    "avenir",
    "horizon",
    "élan",
    "envol",
    "passerelle",
    "chemin",
    "pont",
    "réseau",
    "tiers-lieu",
    "fabrique",
    "coopérative",
    "mutuelle",
    "bretagne",
    "normandie",
    "occitanie",
    "provence",
    "alsace",
    "lorraine",
    "auvergne",
    "savoie",
    "corse",
    "picardie",
    "champagne",
    "bourgogne",
]
FORMS = ["SAS", "SARL", "EI", "EURL", "SCOP", "SCIC", "ASSOCIATION", "SA", ""]
SPECIALITIES = [
    ("315", "Ressources humaines, gestion du personnel, gestion de l'emploi"),
    ("333", "Enseignement, formation"),
    ("413", "Développement des capacités comportementales et relationnelles"),
    ("326", "Informatique, traitement de l'information, réseaux de transmission des données"),
    ("136", "Langues vivantes, civilisations étrangères et régionales"),
    ("341", "Aménagement du territoire, développement, urbanisme"),
]


def _luhn_complete(digits: str) -> str:
    """`digits` plus the one digit that makes the whole number pass Luhn."""
    for last in "0123456789":
        number = digits + last
        total = 0
        for i, c in enumerate(reversed(number)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return number
    raise AssertionError


def generate_csv(path: Path, rows: int, seed: int = 17) -> None:
    from coopforma.formats.dgefp import COLUMNS

    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(COLUMNS) + ";\n")
        for n in range(rows):
            siren = _luhn_complete(f"98{n:06d}")
            siret = _luhn_complete(f"{siren}0001")
            region = rnd.choice(["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"])
            dep = f"{rnd.randint(1, 95):02d}"
            nda = f"{region}{n:07d}{dep}"  # unique: the row number in the middle
            name = " ".join(rnd.choice(WORDS).upper() for _ in range(rnd.randint(2, 4)))
            name = f"{name} {rnd.choice(FORMS)} (FICTIF)".replace("  ", " ")
            specs = rnd.sample(SPECIALITIES, rnd.randint(1, 3)) + [("", "")] * 3
            flags = [rnd.random() < 0.6, rnd.random() < 0.05, rnd.random() < 0.05, rnd.random() < 0.1]
            cells = [
                f'"{nda}"',
                '""',
                f'"{name}"',
                f'"{siren}"',
                f'"{siret}"',
                f'"{n % 200 + 1} RUE DE L\'EXEMPLE"',
                f'"{dep}000"',
                '"VILLE FICTIVE"',
                f'"{region}"',
                *("true" if f else "false" for f in flags),
                *['""'] * 5,
                f"{rnd.randint(1, 28):02d}/0{rnd.randint(1, 6)}/2025",
                "01/01/2024",
                "31/12/2024",
                *(f'"{v}"' for code, label in specs[:3] for v in (code, label)),
                str(rnd.randint(0, 3000)),
                str(rnd.randint(0, 50)),
                str(rnd.randint(1, 80)),
            ]
            out.write(";".join(cells) + ";\n")


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--lookups", type=int, default=300, help="timed lookups of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database")
    return parser.parse_args()


def _database() -> tuple[str, str | None]:
    bench_run.BENCH_DB = BENCH_DB
    if os.environ.get("DATABASE_URL"):
        return _prepare_database()
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(SQLITE_PATH)
    return f"sqlite ({SQLITE_PATH})", None


def _timed(call, values: list[str]) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Median and p95 of the wall-clock time, and p95 of this process's CPU time (SQLite runs in the process:
    on a machine shared with other work, the CPU time says what the lookup costs, the wall time what it got)."""
    timings, cpu_timings = [], []
    for value in values:
        started, cpu = time.perf_counter(), time.process_time()
        call(value)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu) * 1000)
    return statistics.median(timings), _p95(timings), _p95(cpu_timings)


def main() -> int:
    _use_project_venv()
    args = _parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "0")
    where, admin_url = _database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coopforma.registry import selectors
    from coopforma.registry.models import RegisteredOrganisation
    from coopforma.registry.services import registry_import

    print(f"Coopforma register benchmark — {where}")
    failed = False
    try:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        generate_csv(CSV_PATH, args.rows)
        size = CSV_PATH.stat().st_size / 1e6
        print(f"CSV generated: {args.rows:,} rows, {size:.1f} MB in {time.perf_counter() - started:.1f} s")

        started, cpu = time.perf_counter(), time.process_time()
        summary = registry_import(source=str(CSV_PATH))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        met = elapsed < IMPORT_TARGET_S
        failed |= not met
        print(f"import:    {elapsed:6.1f} s (CPU {cpu:.1f} s)  {'met' if met else 'MISSED'} (target < 60 s)  {summary}")

        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: statistics, and the visibility map that lets the word
            # index be read without visiting the table (index-only scans).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        table = RegisteredOrganisation._meta.db_table
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            summary = registry_import(source=str(CSV_PATH))
            elapsed = time.perf_counter() - started
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and table in q["sql"]
        ]
        failed |= bool(writes)
        print(
            f"re-import: {elapsed:6.1f} s, {len(writes)} write(s) to the register "
            f"{'met' if not writes else 'MISSED'} (target 0; the import record itself is 2 statements)  {summary}"
        )

        rnd = random.Random(95)
        sample = list(RegisteredOrganisation.objects.order_by("?").values_list("siret", "nda", "name")[: args.lookups])
        sirets = [s for s, _, _ in sample]
        ndas = [n for _, n, _ in sample]
        names = []
        for _, _, name in sample:
            words = name.split()
            names.append(" ".join(w[: rnd.randint(3, len(w))] for w in words[: rnd.randint(1, 2)]))
        print(
            f"{'lookup':<10}{'p50 ms':>8}{'p95 ms':>8}{'CPU p95':>9}  target: p95 < 20 ms ({args.lookups} lookups each)"
        )
        for label, call, values in (
            ("SIRET", selectors.find_by_siret, sirets),
            ("NDA", selectors.find_by_nda, ndas),
            ("name", selectors.search, names),
        ):
            call(values[0])  # warm-up
            p50, p95, cpu95 = _timed(call, values)
            met = p95 < LOOKUP_TARGET_MS
            failed |= not met
            print(f"{label:<10}{p50:8.2f}{p95:8.2f}{cpu95:9.2f}  {'met' if met else 'MISSED'}")
    finally:
        if admin_url and not args.keep:
            _drop_database(admin_url)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
