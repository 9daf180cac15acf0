# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma tenders import FILE_OR_URL`: load BOAMP notices (Opendatasoft `/records` or `/exports/json`).

Streamed, idempotent (upsert by idweb, unchanged notices untouched), only the training notices kept; rejected
notices listed with their position and reason, then the summary. A file that is not a BOAMP export, or that is
truncated, is refused and nothing is written (exit 1).
`coopforma tenders digest [--due | --now]`: the watch profiles' e-mail digests (`--due`: run daily by cron).
`coopforma tenders reminders`: the groupements' milestone reminders due today (run daily by cron).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.tenders.consortium_reminders import reminders_send
from coopforma.tenders.digest import digest_send
from coopforma.tenders.services import ShapeError, tender_import

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Veille des appels d'offres (BOAMP) : import FICHIER_OU_URL, digest --due|--now, reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Importe des avis BOAMP (JSON /records ou /exports, .gz, ou URL).")
        load.add_argument("source", help="chemin du fichier ou URL http(s)")
        digest = sub.add_parser("digest", help="Envoie les récapitulatifs des profils de veille.")
        when = digest.add_mutually_exclusive_group(required=True)
        when.add_argument("--due", action="store_true", help="les profils dont le récapitulatif est dû")
        when.add_argument("--now", action="store_true", help="tous les profils actifs, tout de suite")
        sub.add_parser("reminders", help="Envoie les rappels des étapes des groupements.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reminders":
            sent = reminders_send()
            self.stdout.write(f"{sent} rappel(s) d'étapes de groupements mis en file d'envoi.")
            return
        if options["action"] == "digest":
            sent = digest_send(due=options["due"])
            self.stdout.write(f"{sent} récapitulatif(s) de veille mis en file d'envoi.")
            return
        try:
            summary = tender_import(source=options["source"])
        except ShapeError as error:
            raise CommandError(f"{error} (rien n'a été importé)") from None
        except OSError as error:
            raise CommandError(f"Lecture impossible de « {options['source']} » : {error}") from None
        for error in summary.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"Rejeté — {error}")
        if summary.rejected > SHOWN_ERRORS:
            self.stdout.write(f"… et {summary.rejected - SHOWN_ERRORS} autre(s) avis rejeté(s).")
        self.stdout.write(str(summary))
