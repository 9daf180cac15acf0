# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma registry import-of FILE_OR_URL`: load the DGEFP « liste publique des organismes de formation ».
`coopforma registry load-certifiers [FILE]`: load the certifiers directory (default: registry/data/certifiers.csv).

Streamed, idempotent (upsert by NDA, unchanged rows untouched, organisations gone from the list marked absent),
rejected rows listed with their line, column and reason, then the summary. A file with another header is
refused at once, nothing written (exit 1). `--partial`: the file is an extract, leave the others as they are.
"""

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.registry.services import HeaderError, ImportSummary, registry_import
from coopforma.registry.services_certifiers import DEFAULT_CERTIFIERS, certifiers_load

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Liste publique des organismes de formation (DGEFP) : import-of FICHIER_OU_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import-of", help="Importe la liste publique des OF (fichier CSV, .csv.gz ou URL).")
        load.add_argument("source", help="chemin du fichier ou URL http(s)")
        load.add_argument(
            "--partial", action="store_true", help="extrait : ne marque pas absents les organismes qu'il ne cite pas"
        )
        load.add_argument("--quiet", action="store_true", help="sans affichage de la progression")
        certifiers = sub.add_parser(
            "load-certifiers", help="Charge l'annuaire des certificateurs Qualiopi (CSV « ; », par identifiant court)."
        )
        certifiers.add_argument("source", nargs="?", default=str(DEFAULT_CERTIFIERS), help="fichier CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-certifiers":
            self.load_certifiers(options["source"])
            return
        if options["action"] != "import-of":
            raise CommandError("action inconnue")
        tty = sys.stderr.isatty()

        def progress(summary: ImportSummary) -> None:
            if options["quiet"]:
                return
            text = f"{summary.rows:>9,} lignes lues".replace(",", " ")
            if tty:
                sys.stderr.write("\r" + text)
                sys.stderr.flush()
            elif summary.rows % 20_000 < 2_000:
                sys.stderr.write(text + "\n")

        try:
            summary = registry_import(source=options["source"], progress=progress, mark_absent=not options["partial"])
        except HeaderError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Lecture impossible de « {options['source']} » : {error}") from None
        if tty and not options["quiet"]:
            sys.stderr.write("\n")
        for error in summary.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"Rejetée — {error}")
        if summary.rejected > SHOWN_ERRORS:
            self.stdout.write(f"… et {summary.rejected - SHOWN_ERRORS} autre(s) ligne(s) rejetée(s).")
        self.stdout.write(str(summary))

    def load_certifiers(self, source: str) -> None:
        """Every row checked first: a bad row is reported with its line and column, and nothing is written."""
        try:
            summary = certifiers_load(source=source)
        except ValidationError as error:
            raise CommandError("\n".join(["Fichier refusé, rien n'a été enregistré :", *error.messages])) from None
        except OSError as error:
            raise CommandError(f"Lecture impossible de « {source} » : {error}") from None
        self.stdout.write(str(summary))
