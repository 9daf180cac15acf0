#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""BPF benchmark: one fiscal year of a large OF, then the timed computation of its BPF (with the assistant).

    python benchmarks/bpf.py                                   # 5,000 sessions, 50,000 trainees, 20,000 invoices
    python benchmarks/bpf.py --sessions 500 --trainees 5000 --invoices 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bpf.py

The world comes from benchmarks/generate.py (bulk_create), placed inside fiscal year 2025, plus what the BPF
reads: the émargement projection of 80 % of the sessions (the rest on planned hours) and the invoices and
credit notes of the year. Targets: under 2 s on PostgreSQL, under 5 s on SQLite. The database is prepared as
benchmarks/run.py does, under names of its own (SQLite var/bench/bpf.sqlite3, or the PostgreSQL database
`coopforma_bench_bpf`, dropped at the end unless --keep). `--reuse` times the BPF again on the database a previous
run kept (no generation), e.g. to compare two versions of the code on the same data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchmarks.run as bench_run  # noqa: E402
from benchmarks.run import _drop_database, _prepare_database, _use_project_venv  # noqa: E402

YEAR = 2025
BENCH_DB = "coopforma_bench_bpf"  # not benchmarks/run.py's database: both may run at once
SQLITE_PATH = ROOT / "var" / "bench" / "bpf.sqlite3"
TARGETS = {"sqlite": 5.0, "postgresql": 2.0}


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--trainees", type=int, default=50000)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL benchmark database")
    parser.add_argument(
        "--reuse", action="store_true", help="time the BPF on the database a previous run kept (no generation)"
    )
    parser.add_argument("--queries", action="store_true", help="print the time of each query of the last run")
    return parser.parse_args()


def _database(reuse: bool) -> tuple[str, str | None]:
    """The benchmark database: fresh (generated), or the one kept by a previous run (--reuse, never dropped)."""
    from urllib.parse import urlsplit, urlunsplit

    bench_run.BENCH_DB = BENCH_DB
    url = os.environ.get("DATABASE_URL", "")
    if not reuse:
        if url:
            return _prepare_database()
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(SQLITE_PATH)
        return f"sqlite ({SQLITE_PATH})", None
    if url:
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
        return f"postgresql ({parts.hostname}:{parts.port or 5432}/{BENCH_DB}, reused)", None
    os.environ["SQLITE_PATH"] = str(SQLITE_PATH)
    return f"sqlite ({SQLITE_PATH}, reused)", None


def _vary_frame_f(org, say) -> None:  # type: ignore[no-untyped-def]
    """What frame F groups by, varied as in a real OF (generate.py gives every row the same values, which would
    leave one group): trainee types a–e, objectives a–f (RNCP levels for a, CQP without level), 12 NSF codes,
    remote and hybrid trainings, 1 slot in 4 delivered remotely, 1 session in 25 subcontracted and a member
    structure with its own NDA, 1 trainee in 40 an abandon, a few without a type (assistant)."""
    from django.db.models.functions import Mod

    from coopforma.catalogue.models import Training
    from coopforma.people.models import MemberStructure
    from coopforma.training_sessions.models import Participant, Session, Slot

    nsf = ["315", "326", "333", "310", "312", "330", "344", "331", "320", "335", "221", "233"]
    trainings = list(Training.objects.filter(organisation=org).order_by("pk"))
    for i, training in enumerate(trainings):
        training.bpf_objective = "abcdef"[i % 6]
        training.rncp_level = [0, 3, 4, 5, 6, 7][i // 6 % 6] if training.bpf_objective == "a" else None
        training.nsf_code = nsf[i % len(nsf)]
        training.modality = ["on_site", "on_site", "remote", "hybrid"][i % 4]
    Training.objects.bulk_update(trainings, ["bpf_objective", "rncp_level", "nsf_code", "modality"])
    participants = Participant.objects.filter(organisation=org)
    for n, ptype in enumerate("abcde"):
        participants.alias(pk_mod=Mod("pk", 5)).filter(pk_mod=n).update(bpf_trainee_type=ptype)
    participants.alias(pk_mod=Mod("pk", 997)).filter(pk_mod=0).update(bpf_trainee_type="")
    participants.alias(pk_mod=Mod("pk", 40)).filter(pk_mod=0, status__in=["attending", "completed"]).update(
        status="dropped_out"
    )
    Session.objects.filter(organisation=org).alias(pk_mod=Mod("pk", 25)).filter(pk_mod=0).update(subcontracted_out=True)
    # F-1 « à distance » follows the slots delivered remotely (a link, no place): one slot in four.
    Slot.objects.filter(organisation=org).alias(pk_mod=Mod("pk", 4)).filter(pk_mod=0).update(
        remote_url="https://visio.example.org/bench", place=None
    )
    # A member structure holding its own NDA: its sessions are subcontracting (F-2).
    member = MemberStructure.objects.filter(organisation=org).order_by("pk").first()
    if member is not None:
        member.nda = "11755555575"
        member.save(update_fields=["nda"])
    say(f"frame F varied: {len(trainings)} trainings, types a–e, abandons, subcontracted sessions, remote slots")


def _add_attendance_and_invoices(world, invoices: int, say) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from django.db import transaction

    from coopforma.attendance.models import ParticipantAttendance, SlotAttendance
    from coopforma.billing.models import Invoice
    from coopforma.people.models import Client
    from coopforma.training_sessions.models import Participant, Slot

    org = world.organisation
    batch = 2000
    with transaction.atomic():
        slots = list(Slot.objects.filter(organisation=org).values_list("pk", "session_id", "starts_at", "ends_at"))
        recorded = {sid for sid in {s[1] for s in slots} if sid % 5}  # 80 % of the sessions have émargement
        SlotAttendance.objects.bulk_create(
            (
                SlotAttendance(organisation=org, slot_id=pk, state="closed")
                for pk, sid, _s, _e in slots
                if sid in recorded
            ),
            batch_size=batch,
        )
        by_session: dict[int, list[tuple[int, int]]] = {}
        for pk, sid, starts, ends in slots:
            if sid in recorded:
                by_session.setdefault(sid, []).append((pk, int((ends - starts).total_seconds()) // 60))
        rows = 0
        pending: list[ParticipantAttendance] = []
        for pid, sid in (
            Participant.objects.filter(organisation=org).exclude(status="cancelled").values_list("pk", "session_id")
        ):
            for n, (slot_id, minutes) in enumerate(by_session.get(sid, [])):
                absent = (pid + n) % 23 == 0
                pending.append(
                    ParticipantAttendance(
                        organisation=org,
                        slot_id=slot_id,
                        participant_id=pid,
                        status="absent" if absent else "present",
                        attended_minutes=0 if absent else minutes,
                    )
                )
            if len(pending) >= batch:
                ParticipantAttendance.objects.bulk_create(pending, batch_size=batch)
                rows += len(pending)
                pending = []
        ParticipantAttendance.objects.bulk_create(pending, batch_size=batch)
        rows += len(pending)
        say(f"émargement: {len(recorded):,} sessions, {rows:,} presences")

        clients = list(Client.objects.filter(organisation=org).values_list("pk", "name"))
        payers = [
            ("company", ""),
            ("opco", "skills_plan"),
            ("opco", "professionalisation"),
            ("cpf", "cpf"),
            ("individual", ""),
            ("other_of", ""),
            ("region", ""),
            ("france_travail", ""),
        ]
        objs = []
        sequences = {"invoice": 0, "credit_note": 0}
        for i in range(invoices):
            kind = "credit_note" if i % 20 == 19 else "invoice"
            sequences[kind] += 1
            payer, scheme = ("", "") if i % 997 == 0 else payers[i % len(payers)]
            client_id, name = clients[i % len(clients)]
            objs.append(
                Invoice(
                    organisation=org,
                    kind=kind,
                    status="issued",
                    fiscal_year=YEAR,
                    sequence=sequences[kind],
                    number=f"{'AV' if kind == 'credit_note' else 'F'}-{YEAR}-{sequences[kind]:05d}",
                    issued_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=i % 365),
                    client_id=client_id,
                    payer_kind=payer,
                    scheme=scheme,
                    recipient_name=name,
                    total_ht_cents=50_000 + (i * 37) % 200_000,
                    total_ttc_cents=50_000 + (i * 37) % 200_000,
                )
            )
        Invoice.objects.bulk_create(objs, batch_size=batch)
        say(f"{invoices:,} invoices and credit notes")
    return {"presences": rows, "invoices": invoices}


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
    from coopforma.core.hours import format_minutes
    from coopforma.core.money import format_cents
    from coopforma.reporting.bpf import compute_bpf

    vendor = connection.vendor
    print(f"Coopforma BPF benchmark — {where}")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        if args.reuse:
            organisation = Organisation.objects.get(slug=BENCH_SLUG)
        else:
            started = time.perf_counter()
            # 100 trainers: 5,000 two-day sessions fit between March and October of the fiscal year.
            world = generate(
                sessions=args.sessions,
                trainees=args.trainees,
                trainers=100,
                today=dt.date(YEAR, 9, 1),
                now=dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC),  # the fiscal year is over
                say=lambda m: print(f"  {m}", flush=True),
            )
            _vary_frame_f(world.organisation, lambda m: print(f"  {m}", flush=True))
            extra = _add_attendance_and_invoices(world, args.invoices, lambda m: print(f"  {m}", flush=True))
            print(f"generation: {time.perf_counter() - started:.1f} s ({world.counts} {extra})")
            organisation = world.organisation
        if vendor == "postgresql":
            # What autovacuum does after a bulk load: fresh statistics for the planner.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                bpf = compute_bpf(organisation, YEAR)
                timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        f1 = bpf.f1["F1.total"]
        print()
        print(
            f"BPF {YEAR}: {len(queries)} queries, median {median:.2f} s over {args.runs} runs "
            f"(min {min(timings):.2f} s, max {max(timings):.2f} s)"
        )
        print(
            f"  C total {format_cents(bpf.money['C.total'])}, unclassified {format_cents(bpf.money['C.unclassified'])}"
        )
        print(f"  E internal {bpf.persons['internal']} persons, {format_minutes(bpf.delivered_minutes['internal'])}")
        print(
            f"  F-1 total {f1.trainees:,} trainees, {format_minutes(f1.minutes)}; F-2 {bpf.f2.trainees:,}; "
            f"F-3 total {bpf.f3['F3.total'].trainees:,}; F-4 total {bpf.f4_total.trainees:,}; G {bpf.g.trainees:,}"
        )
        print(
            f"  anomalies: {len(bpf.errors)} errors, {len(bpf.warnings)} warnings; "
            f"checks failing: {[c.code for c in bpf.checks if not c.ok]}"
        )
        if args.queries:
            for n, query in enumerate(queries.captured_queries, 1):
                print(f"  query {n:2d}: {float(query['time']):6.3f} s  {query['sql'][:110]}")
        target = TARGETS.get(vendor, 5.0)
        print(f"target on {vendor}: < {target:.0f} s — {'met' if median < target else 'NOT met'}")
    finally:
        if admin_url and not args.keep:
            _drop_database(admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
