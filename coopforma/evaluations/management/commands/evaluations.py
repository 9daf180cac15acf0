# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma evaluations send --due [--org <slug>]`: plan, open, remind and close the questionnaires due.

Cron (every hour):  0 * * * *  coopforma evaluations send --due
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.accounts.models import Organisation
from coopforma.evaluations.services import send_due


class Command(BaseCommand):
    help = "Évaluations : envoie les questionnaires dus, les relances, et clôt les questionnaires échus."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Programme, envoie, relance et clôt les questionnaires.")
        send.add_argument("--due", action="store_true", help="tout ce qui est dû maintenant")
        send.add_argument("--org", dest="org", default=None, help="slug de l'organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "send" or not options.get("due"):
            raise CommandError("usage : coopforma evaluations send --due [--org <slug>]")
        organisation = None
        if options.get("org"):
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"organisation inconnue : {options['org']}")
        self.stdout.write(str(send_due(organisation=organisation)))
