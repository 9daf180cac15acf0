# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma dashboard digest --due [--org SLUG]`: the weekly e-mail of each staff member's alerts (run daily by
`coopforma cron`, sends on Mondays); `coopforma dashboard digest --now` sends it today whatever the day."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coopforma.dashboard.digest import digest_send


class Command(BaseCommand):
    help = "Tableau de bord : récapitulatif hebdomadaire des alertes de chacun·e par e-mail (digest)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        digest = sub.add_parser("digest", help="Met en file d'envoi le récapitulatif des alertes de chacun·e.")
        when = digest.add_mutually_exclusive_group(required=True)
        when.add_argument("--due", action="store_true", help="le lundi seulement (pour le planificateur)")
        when.add_argument("--now", action="store_true", help="aujourd'hui, quel que soit le jour")
        digest.add_argument("--org", default=None, help="slug de l'organisation (toutes par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digest_send(due=options["due"], organisation_slug=options["org"])
        self.stdout.write(f"{sent} récapitulatif(s) mis en file d'envoi.")
