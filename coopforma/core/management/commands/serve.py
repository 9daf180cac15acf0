# SPDX-License-Identifier: AGPL-3.0-or-later
"""Serve the app: gunicorn with several stateless workers, static files through whitenoise.

Threaded workers (`gthread`): a slow response (a PDF being rendered or downloaded by a phone on a poor
network) holds one thread, not a whole process, so the other pages keep answering. 2 processes × 4 threads
suits the 2-core server the OFs run; `WEB_CONCURRENCY` and `WEB_THREADS` change it. Each thread has its own
database connection (Django's connections are per thread)."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Coopforma (gunicorn; static files collected first)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, host: str, port: str, workers: int, **options):  # type: ignore[no-untyped-def]
        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Coopforma est servi sur {url} (Ctrl+C pour arrêter)"))
        sys.stdout.flush()
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        os.execvp(
            sys.executable,
            [
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
            ],
        )
