# SPDX-License-Identifier: AGPL-3.0-or-later
"""Serve the app: gunicorn (several stateless workers, static files through whitenoise), and next to it the
background task worker (`db_worker`: e-mails, audit packs…) and the periodic jobs (`coopforma cron`, once a
minute), supervised: a worker that stops is restarted, Ctrl+C or SIGTERM stops them all.

Threaded web workers (`gthread`): a slow response (a PDF being rendered or downloaded by a phone on a poor
network) holds one thread, not a whole process, so the other pages keep answering. 2 processes × 4 threads
suits the 2-core server the OFs run; `WEB_CONCURRENCY` and `WEB_THREADS` change it. Each thread has its own
database connection (Django's connections are per thread).

`--no-worker` serves the web only, for deployments that run `coopforma db_worker` and the cron line themselves.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from coopforma.core.compat import tasks_wait_for_worker

CRON_EVERY = 60.0  # seconds between two `coopforma cron` runs (a cron line every minute)
RESTART_DELAY = 5.0  # seconds before a stopped worker is started again
STOP_TIMEOUT = 10.0  # seconds given to the children to stop before they are killed


def child_commands(*, host: str, port: str, workers: int, worker: bool) -> dict[str, list[str]]:
    """The processes `serve` runs: the web server, then (unless `worker` is False) the task worker and cron."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    commands = {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            os.environ.get("WEB_THREADS", "4"),
            "--timeout",
            os.environ.get("WEB_TIMEOUT", "60"),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--chdir",
            str(settings.BASE_DIR),
        ]
    }
    if worker:
        cli = [sys.executable, "-m", "coopforma.core.cli"]
        if tasks_wait_for_worker():
            commands["worker"] = [*cli, "db_worker", "--no-startup-delay", "--no-reload"]
        commands["cron"] = [*cli, "cron"]
    return commands


@dataclass
class Supervisor:
    """Runs the children of `serve`: the web server (its end ends everything), long-lived workers (restarted
    when they stop) and periodic ones (`cron`, started every `cron_every` seconds when the last run ended)."""

    commands: dict[str, list[str]]
    periodic: Sequence[str] = ("cron",)
    cron_every: float = CRON_EVERY
    restart_delay: float = RESTART_DELAY
    log: Callable[[str], None] = print
    cwd: str | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _next_start: dict[str, float] = field(default_factory=dict)
    _stopping: bool = False
    _signal: int = 0

    def start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(self.commands[name], cwd=self.cwd)

    def request_stop(self, signum: int = signal.SIGTERM, *_args: object) -> None:
        self._stopping = True
        self._signal = signum

    def run(self, *, tick: float = 0.5) -> int:
        """Start everything, watch until the web server ends or a stop is requested; return the exit code."""
        for name in self.commands:
            self.start(name)
        now = time.monotonic()
        for name in self.periodic:
            self._next_start[name] = now + self.cron_every
        code = 0
        try:
            while not self._stopping:
                web = self.processes["web"].poll()
                if web is not None:
                    self.log(f"Le serveur web s'est arrêté (code {web}).")
                    code = web
                    break
                self._watch(time.monotonic())
                time.sleep(tick)
        finally:
            self.stop()
        return code

    def _watch(self, now: float) -> None:
        for name, process in list(self.processes.items()):
            if name == "web" or process.poll() is None:
                continue
            if name in self.periodic:
                if now >= self._next_start[name]:
                    self._next_start[name] = now + self.cron_every
                    self.start(name)
                continue
            due = self._next_start.get(name)
            if due is None:
                self.log(
                    f"« {name} » s'est arrêté (code {process.returncode}) ; redémarrage dans {self.restart_delay:g} s."
                )
                self._next_start[name] = now + self.restart_delay
            elif now >= due:
                del self._next_start[name]
                self.start(name)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to every running child (gunicorn and the worker stop gracefully), SIGKILL after `timeout`."""
        running = [process for process in self.processes.values() if process.poll() is None]
        deadline = time.monotonic() + timeout
        if self._signal == signal.SIGINT:
            # Ctrl+C in a terminal reached the children too: let them finish (a second signal would make the task
            # worker drop the task it runs) and terminate only those still there after half the delay.
            for process in running:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(max(deadline - timeout / 2 - time.monotonic(), 0.1))
            running = [process for process in running if process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Command(BaseCommand):
    help = (
        "Sert Coopforma (gunicorn, fichiers statiques collectés d'abord) avec le travailleur des tâches de fond "
        "(envoi des e-mails…) et les tâches périodiques ; --no-worker pour ne servir que le web."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="ne lance ni le travailleur des tâches (db_worker) ni les tâches périodiques (cron) : "
            "pour une installation qui les lance à part",
        )

    def handle(self, *args: object, host: str, port: str, workers: int, no_worker: bool, **options: object) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        commands = child_commands(host=host, port=port, workers=workers, worker=not no_worker)
        self.stdout.write(self.style.SUCCESS(f"Coopforma est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)"))
        if "worker" in commands:
            self.stdout.write("Les e-mails et les tâches de fond partent avec le travailleur lancé à côté du web.")
        elif no_worker and tasks_wait_for_worker():
            self.stdout.write("Sans travailleur : lancez `coopforma db_worker` et la ligne cron `coopforma cron`.")
        if "cron" in commands:
            self.stdout.write("Les tâches périodiques (`coopforma cron`) sont lancées chaque minute.")
        sys.stdout.flush()
        if len(commands) == 1:
            os.execvp(commands["web"][0], commands["web"])
        supervisor = Supervisor(commands=commands, log=self.stdout.write, cwd=str(settings.BASE_DIR))
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        code = supervisor.run()
        if code:
            sys.exit(code)
