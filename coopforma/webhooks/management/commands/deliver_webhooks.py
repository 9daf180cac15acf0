# SPDX-License-Identifier: AGPL-3.0-or-later
"""coopforma deliver_webhooks --due: make every webhook attempt that is due (first sendings and retries)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopforma.webhooks.tasks import deliver_due


class Command(BaseCommand):
    help = "Envoie les webhooks dont la tentative est due (premiers envois et nouvelles tentatives)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--due", action="store_true", help="Les tentatives dues (seul mode ; pour cron).")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deliver_due()
        self.stdout.write(
            f"remis : {counts['succeeded']}, à retenter : {counts['pending']}, abandonnés : {counts['failed']}"
        )
