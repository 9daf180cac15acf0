# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma network import-lheo FILE_OR_URL --source NAME [--network SLUG] [--label …] [--licence …]`.

Imports an LHEO feed (2.2, 2.3, no namespace; a file, a .gz or an http(s) URL) into the offers of a source:
created / updated / unchanged / retired / rejected counts, one line per rejected record and why, a progress bar
on a terminal. A feed that is not XML, not LHEO or truncated stops with a message and changes nothing
(offers/importing.py, docs/offers.md).
"""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.offers.importing import ImportFailed, Progress, import_lheo, rejection_line
from coopforma.offers.models import ImportPhase


class ProgressBar:
    """A one-line bar on the terminal (stderr): the phase, a bar, formations read and sessions per second."""

    WIDTH = 30

    def __init__(self, out: Any) -> None:
        self.out = out
        self.started = self.last = time.monotonic()
        self.phase = ""

    def __call__(self, step: Progress) -> None:
        now = time.monotonic()
        if step.phase != self.phase:
            if self.phase:
                self.out.write("\n")
            # The new phase began when the last one ended (progress comes at the end of each chunk).
            self.phase, self.started = step.phase, self.last
        elif now - self.last < 0.2 and step.fraction < 1:
            return
        self.last = now
        filled = int(self.WIDTH * step.fraction)
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        elapsed = max(now - self.started, 1e-6)
        label = ImportPhase(step.phase).label if step.phase in ImportPhase.values else step.phase
        if step.phase != ImportPhase.IMPORTING:
            detail = f"{step.done:,} formations".replace(",", " ")
        else:
            rate = step.sessions / elapsed
            detail = f"{step.done:,}/{step.total:,} formations, {rate:,.0f} sessions/s".replace(",", " ")
        self.out.write(f"\r{label:<28} [{bar}] {step.fraction:4.0%}  {detail}   ")
        self.out.flush()

    def close(self) -> None:
        if self.phase:
            self.out.write("\n")
            self.out.flush()


class Command(BaseCommand):
    help = "Réseau : importe un flux LHEO (fichier ou adresse) dans les offres d'une source."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        lheo = sub.add_parser("import-lheo", help="Importe un flux LHEO 2.2 ou 2.3 (fichier, .gz ou adresse http(s)).")
        lheo.add_argument("location", metavar="FILE_OR_URL", help="fichier LHEO ou adresse http(s) du flux")
        lheo.add_argument("--source", required=True, help="identifiant de la source (créée au premier import)")
        lheo.add_argument("--network", default=None, help="identifiant court du réseau abonné à cette source")
        lheo.add_argument("--label", default="", help="nom affiché de la source")
        lheo.add_argument("--licence", default="", help="licence des données de la source")
        lheo.add_argument("--no-progress", action="store_true", help="pas de barre de progression")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "import-lheo":
            raise CommandError("action inconnue")
        bar = None
        if not options["no_progress"] and sys.stderr.isatty():
            bar = ProgressBar(sys.stderr)
        try:
            result = import_lheo(
                options["location"],
                source_name=options["source"],
                label=options["label"],
                licence=options["licence"],
                network_slug=options["network"],
                progress=bar,
            )
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        for rejection in result.rejections:
            self.stdout.write(f"Rejetée, {rejection_line(rejection)}")
        rate = f"{result.sessions / result.seconds if result.seconds else 0:,.0f}".replace(",", " ")
        self.stdout.write(
            f"Source « {result.source.label} » (LHEO {result.version}) : {result.total} formation(s) dans le flux, "
            f"{result.sessions} session(s) lues en {result.seconds:.1f} s ({rate} sessions/s)."
        )
        self.stdout.write(
            f"créées : {result.created} · mises à jour : {result.updated} · inchangées : {result.unchanged} · "
            f"retirées : {result.retired} · rejetées : {result.rejected}"
        )
