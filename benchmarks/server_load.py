# SPDX-License-Identifier: AGPL-3.0-or-later
"""Concurrent users on the real server: `.venv/bin/python benchmarks/server_load.py` (one command, prints figures).

Does the server stall when phones open a document to sign with its embedded PDF while others browse?

1. A temporary directory (SQLite database, media, static files): migrations and the demo (`coopforma demo`,
   as `python3 dev.py start` does), then fresh links to the demo's documents awaiting signature (a signature
   is requested on a final document when the demo has none pending).
2. For each worker model, the real server (`coopforma serve`, gunicorn on 127.0.0.1 and a free port) with
   `WEB_CONCURRENCY` processes: `WEB_THREADS=1` (one request at a time per process: the former sync
   workers) then `WEB_THREADS=4` (the gthread default). Throttling is off (every client is 127.0.0.1).
3. During `--duration` seconds: `--signers` phones loop over the signing page (`/s/<token>/`) and its PDF
   (`/s/<token>/pdf`, read at `--kbps` kilobytes per second through a small receive buffer, as a phone on a
   poor network), each page opened as a browser does it, with a speculative connection that sends nothing and
   is closed after `--preconnect` seconds (a process with one thread that accepted it waits for it, and with
   30 s or more is killed, « WORKER TIMEOUT »; with threads, the other threads keep serving), while `--light`
   clients loop over light pages (login, verification, portal). Each request has a 30 s timeout; the first
   `--warmup` seconds are not counted (each process's first requests).
4. Prints, per model and per kind of request: count, p50 / p95 / max latency (ms), errors and timeouts, and the
   « WORKER TIMEOUT » lines of the server's log. Loopback only, bounded in time; servers stopped at the end.
"""

import argparse
import contextlib
import http.client
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LIGHT_PAGES = ("/accounts/login/", "/v/", "/p/")
MODELS = (("1 thread per process (as sync workers)", "1"), ("gthread, 4 threads per process", "4"))


def _use_project_venv() -> None:
    python = VENV / "bin/python"
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signers", type=int, default=6, help="phones opening the signing page and its PDF")
    parser.add_argument("--light", type=int, default=6, help="clients loading light pages meanwhile")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per worker model")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load not counted first (cold start)")
    parser.add_argument("--kbps", type=float, default=16.0, help="PDF download speed of a phone, KB/s (0: full)")
    parser.add_argument(
        "--preconnect",
        type=float,
        default=10.0,
        help="seconds a phone's browser keeps its speculative idle connection open (0: none)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (WEB_CONCURRENCY)")
    parser.add_argument(
        "--dir", default="", help="keep the data in this directory and reuse it next time (default: temporary)"
    )
    args = parser.parse_args()
    args.signers = max(1, min(args.signers, 50))
    args.light = max(1, min(args.light, 50))
    args.duration = max(2.0, min(args.duration, 120.0))
    return args


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "coopforma.core.cli", *args], cwd=ROOT, env=env, check=True)


def _signing_tokens(count: int) -> list[str]:
    """Fresh links to pending signatures of the demo (one requested on a final document when none is pending)."""
    import django

    django.setup()
    from coopforma.accounts.actor import actor_for
    from coopforma.accounts.models import Membership
    from coopforma.documents import signing
    from coopforma.documents.models import DocumentStatus, Signature, SignatureStatus

    pending = list(
        Signature.objects.filter(
            status=SignatureStatus.PENDING, document__status=DocumentStatus.AWAITING_SIGNATURES
        ).order_by("pk")[:count]
    )
    if not pending:  # a convention of the demo, generated, made final and sent for signature
        from django.core.exceptions import ValidationError

        from coopforma.documents.services import MissingData, document_finalise, document_generate
        from coopforma.training_sessions.models import Enrolment

        for enrolment in Enrolment.objects.select_related("organisation").order_by("pk")[:20]:
            admin = Membership.objects.filter(organisation_id=enrolment.organisation_id, role="admin").first()
            if admin is None:
                continue
            actor = actor_for(admin.user, enrolment.organisation, "admin")
            try:
                draft = document_generate(actor=actor, kind="convention", subject=enrolment)
                document = document_finalise(actor=actor, document_id=draft.pk)
                pending = signing.signature_request(actor=actor, document_id=document.pk)[:count]
            except (ValidationError, MissingData):
                continue
            break
        if not pending:
            raise SystemExit("no convention of the demo could be sent for signature")
    return [signing.signature_new_link(signature=signature) for signature in pending]


class SlowConnection(http.client.HTTPConnection):
    """A phone: a small receive buffer, so that a slow reader really holds the server's sending side."""

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        self.sock.settimeout(self.timeout)
        self.sock.connect((self.host, self.port))


def _get(port: int, path: str, kbps: float = 0.0) -> tuple[int, int]:
    """(status, bytes read); the body read at `kbps` KB/s when given."""
    connection = SlowConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"User-Agent": "coopforma-server-load"})
        response = connection.getresponse()
        size = 0
        chunk = 4096
        while True:
            data = response.read(chunk)
            if not data:
                break
            size += len(data)
            if kbps:
                time.sleep(len(data) / (kbps * 1024))
        return response.status, size
    finally:
        connection.close()


class Figures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.timeouts: dict[str, int] = {}
        self.sizes: dict[str, int] = {}

    def add(self, kind: str, ms: float | None, error: str = "", size: int = 0) -> None:
        with self.lock:
            self.latencies.setdefault(kind, [])
            self.errors.setdefault(kind, 0)
            self.timeouts.setdefault(kind, 0)
            if error == "timeout":
                self.timeouts[kind] += 1
            elif error:
                self.errors[kind] += 1
            else:
                self.latencies[kind].append(ms or 0.0)
                self.sizes[kind] = max(self.sizes.get(kind, 0), size)


def _load(port: int, tokens: list[str], args: argparse.Namespace) -> Figures:
    figures = Figures()
    measure_from = time.monotonic() + args.warmup
    stop_at = measure_from + args.duration

    def timed(kind: str, path: str, kbps: float = 0.0) -> None:
        counted = time.monotonic() >= measure_from
        start = time.perf_counter()
        try:
            status, size = _get(port, path, kbps)
        except TimeoutError:
            figures.add(kind, None, "timeout")
            return
        except OSError as exc:
            figures.add(kind, None, str(exc) or "connection")
            return
        if counted or status != 200:
            figures.add(kind, (time.perf_counter() - start) * 1000, "" if status == 200 else f"HTTP {status}", size)

    def idle_connection() -> None:
        """A browser's speculative connection: opened, nothing sent, closed after a while (Chrome does it)."""
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
            time.sleep(min(args.preconnect, max(0.0, stop_at - time.monotonic())))

    def signer(index: int) -> None:
        token = tokens[index % len(tokens)]
        while time.monotonic() < stop_at:
            if args.preconnect:
                threading.Thread(target=idle_connection, daemon=True).start()
            timed("signing page", f"/s/{token}/")
            timed("signing PDF", f"/s/{token}/pdf", args.kbps)

    def light(index: int) -> None:
        turn = index
        while time.monotonic() < stop_at:
            timed("light page", LIGHT_PAGES[turn % len(LIGHT_PAGES)])
            turn += 1

    threads = [threading.Thread(target=signer, args=(i,), daemon=True) for i in range(args.signers)]
    threads += [threading.Thread(target=light, args=(i,), daemon=True) for i in range(args.light)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.warmup + args.duration + 35)
    return figures


def _wait_ready(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not answer within 60 s")


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


def _report(label: str, figures: Figures, worker_timeouts: int) -> None:
    print(f"\n{label}")
    print(f"  {'requests':<14}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'errors':>8}{'timeouts':>10}")
    for kind in ("signing page", "signing PDF", "light page"):
        values = figures.latencies.get(kind, [])
        print(
            f"  {kind:<14}{len(values):>7}{_percentile(values, 0.5):>10.0f}{_percentile(values, 0.95):>10.0f}"
            f"{(max(values) if values else float('nan')):>10.0f}{figures.errors.get(kind, 0):>8}"
            f"{figures.timeouts.get(kind, 0):>10}"
        )
    print(f"  WORKER TIMEOUT in the server's log: {worker_timeouts}")


def main() -> int:
    _use_project_venv()
    args = _args()
    sys.path.insert(0, str(ROOT))
    failed = False
    with contextlib.ExitStack() as stack:
        if args.dir:
            Path(args.dir).mkdir(parents=True, exist_ok=True)
            tmp = str(Path(args.dir).resolve())
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="coopforma-server-load-"))
        reuse = (Path(tmp) / "load.sqlite3").exists()
        env = os.environ.copy()
        env.pop("DATABASE_URL", None)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            COOPFORMA_VAR_DIR=tmp,
            SQLITE_PATH=str(Path(tmp) / "load.sqlite3"),
            DEBUG="0",
            STATIC_MANIFEST="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            THROTTLE="0",  # every client is 127.0.0.1
            TASKS_BACKEND="immediate",
        )
        port = _free_port()
        env["SITE_URL"] = f"http://127.0.0.1:{port}"  # plain HTTP on loopback
        os.environ.update(env)
        started = time.monotonic()
        if reuse:
            print(f"data: the demo kept in {tmp}", flush=True)
        else:
            print(f"data: migrations and the demo in {tmp} …", flush=True)
            _cli(env, "migrate", "--no-input", "-v", "0")
            with open(Path(tmp) / "demo.log", "w") as demo_log:
                subprocess.run(
                    [sys.executable, "-m", "coopforma.core.cli", "demo"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    stdout=demo_log,
                    stderr=subprocess.STDOUT,
                )
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # the e-mails of the request
            tokens = _signing_tokens(args.signers)
        from django.db import connections

        connections.close_all()
        print(f"data: ready in {time.monotonic() - started:.0f} s, {len(tokens)} signing links", flush=True)
        print(
            f"load: {args.signers} phones (signing page + its PDF at {args.kbps:g} KB/s, an idle speculative "
            f"connection kept {args.preconnect:g} s), {args.light} clients on "
            f"light pages, {args.duration:g} s per model after {args.warmup:g} s of warm-up, "
            f"{args.workers} server processes"
        )
        for label, threads in MODELS:
            log_path = Path(tmp) / f"server-{threads}.log"
            server: subprocess.Popen | None = None
            try:
                with open(log_path, "w") as log:
                    server = subprocess.Popen(
                        [sys.executable, "-m", "coopforma.core.cli", "serve", "--port", str(port)],
                        cwd=ROOT,
                        env={**env, "WEB_THREADS": threads, "WEB_CONCURRENCY": str(args.workers)},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                    _wait_ready(port, server, time.monotonic() + 60)
                    figures = _load(port, tokens, args)
            finally:
                _stop(server)
            worker_timeouts = log_path.read_text(errors="replace").count("WORKER TIMEOUT")
            _report(f"{label}: {args.workers} × {threads}", figures, worker_timeouts)
            if threads != "1":
                failed = bool(worker_timeouts or any(figures.timeouts.values()) or any(figures.errors.values()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
