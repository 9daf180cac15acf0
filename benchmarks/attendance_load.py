# SPDX-License-Identifier: AGPL-3.0-or-later
"""Émargement load test: `.venv/bin/python benchmarks/attendance_load.py` (one command, prints its figures).

Thirty trainees sign one slot within the same minute, on PostgreSQL, behind the real server:

1. A fresh PostgreSQL database `coopforma_loadtest` (`--database NAME`: another) on the server of `DATABASE_URL`
   (default `postgres://postgres@127.0.0.1:5432/postgres`), created through psycopg from the `postgres` maintenance
   database and dropped at the end (`--keep` keeps it). Migrations, then an organisation, a session with one
   slot (started 5 minutes ago, opened by the trainer) and 30 participants with their personal links.
2. `gunicorn config.wsgi` with 3 worker processes on 127.0.0.1 and a free port (loopback only).
3. 30 client threads, each with its own cookie jar (its own phone): opens its personal link (`/e/<token>/` →
   `/e/moi/`, which remembers the trainee in the session), scans the QR code (`/e/q/<token>/`, which gives the
   CSRF token), then all wait at a barrier and press « Je signe » together (on the QR code shown then).
   Bounded: `--clients` threads, one sign each, a 30 s timeout per request and a global `--timeout` (default
   60 s); the server is stopped at the end, even on errors.
4. Prints the requests, errors, p50 / p95 / max latency of the sign requests, the web processes' CPU time per
   signature during the signing phase (Linux; with the load average: on a shared machine the latencies measure
   the neighbours too, the CPU time much less), and checks the database: one
   signature record per trainee, none duplicated, every one chained by the task worker (`db_worker`, started
   next to the server as `coopforma serve` does; the time it took is printed), the chain verified
   (`attendance.verify.verify_all`).
Exit status 0 when every check passes and p95 < 200 ms (the target), 1 otherwise.
"""

import argparse
import contextlib
import http.cookiejar
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOAD_DB = "coopforma_loadtest"
TARGET_P95_MS = 200.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _use_project_venv() -> None:
    python = VENV / "bin/python"
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=30, help="trainees signing together (at most 200)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--timeout", type=float, default=60.0, help="global time limit of the signing phase (s)")
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="spread the signatures evenly over this many seconds (default 0: all fired together, the worst case)",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (more than 1: gunicorn's gthread worker class)"
    )
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the database coopforma_loadtest")
    parser.add_argument(
        "--database",
        default=LOAD_DB,
        help="the PostgreSQL database created and dropped (another name when several runs share the server)",
    )
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 200))
    args.spread = max(0.0, min(args.spread, 60.0))  # « within the same minute »
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and _ only")
    return args


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 values: the 29th)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _admin_url(url: str, name: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"loopback only: DATABASE_URL points to {parts.hostname}")
    return urlunsplit(parts._replace(path="/postgres")), urlunsplit(parts._replace(path=f"/{name}"))


def _recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(admin_url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _populate(clients: int) -> tuple[int, list[str]]:
    """Organisation, session, an open slot and `clients` participants; returns (slot id, personal tokens)."""
    import datetime as dt

    from django.utils import timezone

    from coopforma.accounts.actor import actor_for
    from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from coopforma.attendance import services
    from coopforma.people.tests.factories import ClientFactory, TraineeFactory
    from coopforma.training_sessions.tests.factories import (
        EnrolmentFactory,
        ParticipantFactory,
        SessionFactory,
        SlotFactory,
    )

    org = OrganisationFactory(slug="charge", name="OF de la charge")
    user = UserFactory()
    MembershipFactory(user=user, organisation=org, role="admin")
    actor = actor_for(user, org, "admin")
    session = SessionFactory(training__organisation=org, title="Charge : 30 signatures", status="running")
    now = timezone.now()
    slot = SlotFactory(session=session, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3))
    company = ClientFactory(organisation=org, name="Scop Charge", kind="company")
    enrolment = EnrolmentFactory(session=session, organisation=org, client=company)
    tokens = []
    for i in range(clients):
        trainee = TraineeFactory(
            organisation=org, client=company, first_name=f"Stagiaire{i:02d}", last_name="Charge", email=f"s{i}@ex.org"
        )
        participant = ParticipantFactory(enrolment=enrolment, trainee=trainee)
        tokens.append(services.link_issue(participant=participant))
    services.slot_open(actor=actor, slot_id=slot.pk)
    return slot.pk, tokens


class Phone:
    """One trainee's phone: its own cookies (Django session, CSRF), no shared state with the others."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Referer": self.base + "/e/moi/"}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - http://127.0.0.1
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()


def _wait_ready(base: str, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()  # noqa: S310 - http://127.0.0.1
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _cpu_seconds(master: int) -> float:
    """User + system CPU seconds of the server's worker processes so far (Linux /proc; 0 elsewhere). Less
    sensitive than the latencies to the other programs sharing the machine."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def _sign_together(
    base: str, slot_id: int, tokens: list[str], timeout: float, spread: float, cpu: Callable[[], float]
) -> dict[str, object]:
    from coopforma.attendance.tokens import qr_token

    clients = len(tokens)
    cpu_at_start: list[float] = []
    # When every phone has its page: the server's CPU so far (the signing phase's is what follows).
    barrier = threading.Barrier(clients, action=lambda: cpu_at_start.append(cpu()), timeout=timeout)
    timeout += spread
    results: list[dict[str, object]] = [{} for _ in tokens]
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def run(index: int, token: str) -> None:
        result = results[index]
        phone = Phone(base)
        result["requests"] = 0
        try:
            status, page = phone.get(f"/e/{token}/")  # redirected to /e/moi/ (2 requests)
            if status != 200:
                raise RuntimeError(f"personal link: HTTP {status}")
            status, page = phone.get(f"/e/q/{qr_token(slot_id)}/")  # the QR code scanned: « Je signe »
            result["requests"] = 3
            match = csrf_re.search(page)
            if status != 200 or match is None or "Je signe" not in page:
                raise RuntimeError(f"QR code: HTTP {status}, no « Je signe »")
            barrier.wait()
            if spread:
                time.sleep(spread * index / clients)
            start = time.perf_counter()
            result["requests"] = 4
            # On site only the rotating QR code signs (the code shown at this moment, as a phone scans it).
            status, page = phone.post(f"/e/q/{qr_token(slot_id)}/", {"csrfmiddlewaretoken": match.group(1)})
            result["sign_ms"] = (time.perf_counter() - start) * 1000
            result["sign_at"] = time.time()
            if status != 200 or "votre signature est enregistrée." not in page:
                raise RuntimeError(f"sign: HTTP {status}, not confirmed")
        except threading.BrokenBarrierError:
            result["error"] = "barrier broken (another phone failed or the time ran out)"
        except (urllib.error.HTTPError, urllib.error.URLError, RuntimeError, OSError) as exc:
            result["error"] = str(exc)
            with contextlib.suppress(Exception):
                barrier.abort()

    threads = [threading.Thread(target=run, args=(i, t), daemon=True) for i, t in enumerate(tokens)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, timeout - (time.monotonic() - started)))
    stuck = sum(1 for thread in threads if thread.is_alive())
    signed_at = [r["sign_at"] for r in results if "sign_at" in r]
    return {
        "requests": sum(int(r.get("requests", 0)) for r in results),
        "errors": [r["error"] for r in results if "error" in r] + ["thread still running at the time limit"] * stuck,
        "latencies": [float(r["sign_ms"]) for r in results if "sign_ms" in r and "error" not in r],
        "spread_s": (max(signed_at) - min(signed_at)) if signed_at else 0.0,
        "wall_s": time.monotonic() - started,
        "cpu_s": cpu() - cpu_at_start[0] if cpu_at_start else float("nan"),
    }


def _wait_chained(slot_id: int, deadline: float) -> float:
    """Seconds until no signature of the slot is pending any more (the worker's seal), or until `deadline`."""
    from coopforma.attendance.models import AttendanceRecord

    started = time.monotonic()
    while time.monotonic() < deadline:
        if not AttendanceRecord.objects.filter(slot_id=slot_id, sequence__isnull=True).exists():
            break
        time.sleep(0.02)
    return time.monotonic() - started


def _check_database(slot_id: int, clients: int) -> list[str]:
    from django.db.models import Count

    from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance
    from coopforma.attendance.verify import verify_all

    problems = []
    signed = AttendanceRecord.objects.filter(slot_id=slot_id, kind="signed")
    if signed.count() != clients:
        problems.append(f"{signed.count()} signature records, {clients} expected")
    duplicates = signed.values("participant_id").annotate(n=Count("id")).filter(n__gt=1).count()
    if duplicates:
        problems.append(f"{duplicates} trainees signed more than once")
    pending = signed.filter(sequence__isnull=True).count()
    if pending:
        problems.append(f"{pending} signatures still pending (not chained)")
    present = ParticipantAttendance.objects.filter(slot_id=slot_id, status="present").count()
    if present != clients:
        problems.append(f"{present} trainees present in the projection, {clients} expected")
    _slots, breaks = verify_all()
    problems += [str(b) for b in breaks]
    return problems


def _server_command(args: argparse.Namespace, port: int) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers)]
    if args.threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    return [*command, "--bind", f"127.0.0.1:{port}"]


def main() -> int:
    _use_project_venv()
    args = _args()
    sys.path.insert(0, str(ROOT))
    port = _free_port()
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        STATIC_MANIFEST="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",  # plain HTTP on loopback: no redirect to https, no Secure cookies
    )
    tmp = tempfile.TemporaryDirectory(prefix="coopforma-load-")
    admin_url = ""
    if args.sqlite:
        env.pop("DATABASE_URL", None)
        os.environ.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(Path(tmp.name) / "load.sqlite3")
        print(f"database: sqlite {env['SQLITE_PATH']} (created for this run)", flush=True)
    else:
        admin_url, load_url = _admin_url(os.environ.get("DATABASE_URL") or DEFAULT_URL, args.database)
        env["DATABASE_URL"] = load_url
        print(f"database: postgresql {args.database} (created for this run)", flush=True)
        _recreate_database(admin_url, args.database)
    os.environ.update(env)
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    failed = True
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        slot_id, tokens = _populate(args.clients)
        connections.close_all()
        base = f"http://127.0.0.1:{port}"
        (ROOT / "var").mkdir(exist_ok=True)
        log = open(ROOT / "var" / "attendance_load_gunicorn.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            _server_command(args, port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # The task worker `coopforma serve` runs next to the web: it chains the signatures recorded pending.
        worker = subprocess.Popen(
            [sys.executable, "-m", "coopforma.core.cli", "db_worker", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_ready(base, server, time.monotonic() + 30)
        model = f"{args.workers} workers" + (f" × {args.threads} threads (gthread)" if args.threads > 1 else " (sync)")
        print(f"server: gunicorn config.wsgi, {model}, {base} (loopback)", flush=True)
        master = server.pid
        figures = _sign_together(base, slot_id, tokens, args.timeout, args.spread, cpu=lambda: _cpu_seconds(master))
        latencies: list[float] = figures["latencies"]  # type: ignore[assignment]
        errors: list[str] = figures["errors"]  # type: ignore[assignment]
        p50, p95 = _percentile(latencies, 0.50), _percentile(latencies, 0.95)
        peak = max(latencies) if latencies else float("nan")
        fired = f"spread evenly over {args.spread:g} s" if args.spread else "all fired together"
        print(f"clients: {args.clients} phones, each: link (2 requests) + QR code (1) + sign (1); {fired}")
        print(f"requests: {figures['requests']}, errors: {len(errors)}")
        for error in sorted(set(errors))[:5]:
            print(f"  error: {error}")
        print(
            f"sign latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {peak:.1f} ms "
            f"({len(latencies)} signatures within {figures['spread_s']:.2f} s; phase {figures['wall_s']:.2f} s)"
        )
        print(
            f"server CPU: {float(figures['cpu_s']) * 1000 / args.clients:.1f} ms per signature in the web processes "
            f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)"
        )
        chained_after = _wait_chained(slot_id, deadline=time.monotonic() + 30)
        print(f"chain: every signature chained by the task worker {chained_after:.2f} s after the last response")
        problems = _check_database(slot_id, args.clients)
        if problems:
            for problem in problems:
                print(f"database: PROBLEM {problem}")
        else:
            print(f"database: {args.clients} signatures, no duplicate, chain verified")
        met = p95 < TARGET_P95_MS
        print(f"target p95 < {TARGET_P95_MS:.0f} ms: {'met' if met else 'NOT met'}")
        failed = bool(errors or problems or not met)
    finally:
        _stop(server)
        _stop(worker)
        if admin_url and not args.keep:
            _drop_database(admin_url, args.database)
        tmp.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
