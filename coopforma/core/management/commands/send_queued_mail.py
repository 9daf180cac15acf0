# SPDX-License-Identifier: AGPL-3.0-or-later
"""coopforma send_queued_mail: send now the outbox's queued and failed messages that have attempts left."""

from typing import Any

from django.core.management.base import BaseCommand

from coopforma.core.mail import retry_pending


class Command(BaseCommand):
    help = "Envoie les e-mails en attente ou en échec (moins de 5 tentatives)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retry_pending()
        self.stdout.write(f"envoyés : {counts['sent']}, en échec : {counts['failed']}")
