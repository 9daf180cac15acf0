# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma privacy purge --due [--dry-run] [--org SLUG]` (cron, daily: `30 3 * * * coopforma privacy purge --due`):
anonymise what is past its retention period (RGPD art. 5-1-e); `--dry-run` lists what would change."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopforma.privacy.services import privacy_purge


class Command(BaseCommand):
    help = "Données personnelles : purge de ce qui a dépassé sa durée de conservation (purge --due)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Anonymise ce qui a dépassé sa durée de conservation.")
        purge.add_argument("--due", action="store_true", required=True, help="ce qui est échu aujourd'hui")
        purge.add_argument("--dry-run", action="store_true", help="liste sans rien modifier")
        purge.add_argument("--org", dest="org", default=None, help="slug de l'organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "purge":
            raise CommandError("unknown action")
        dry_run = options["dry_run"]
        items = privacy_purge(today=timezone.localdate(), dry_run=dry_run, organisation_slug=options.get("org"))
        verb = "serait anonymisé" if dry_run else "anonymisé"
        for item in items:
            self.stdout.write(f"{item.organisation} : {item.what} {item.label} — {verb}")
        summary = "à anonymiser (simulation, rien n'a été modifié)" if dry_run else "anonymisé(s)"
        self.stdout.write(f"{len(items)} élément(s) {summary}.")
