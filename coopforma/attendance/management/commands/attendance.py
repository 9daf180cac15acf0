# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma attendance verify [--org <slug>]`: chain the signatures still pending, then recompute every
émargement chain; exit 1 on any break (a pending signature that cannot be chained, altered or on a closed slot,
is one).
`coopforma attendance seal`: chain the signatures still pending (each minute through `coopforma cron`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.attendance.services import attendance_seal_pending
from coopforma.attendance.verify import verify_all


class Command(BaseCommand):
    help = "Émargement : vérifie les chaînes de hachage (verify), chaîne les signatures en attente (seal)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recalcule chaque chaîne et la projection ; code 1 si rupture.")
        verify.add_argument("--org", dest="org", default=None, help="slug de l'organisation")
        sub.add_parser("seal", help="Chaîne les signatures encore en attente (chaque minute par coopforma cron).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"{attendance_seal_pending()} signature(s) chaînée(s).")
            return
        if options["action"] != "verify":
            raise CommandError("unknown action")
        sealed = attendance_seal_pending()
        if sealed:
            self.stdout.write(f"{sealed} signature(s) en attente chaînée(s) avant la vérification.")
        checked, breaks = verify_all(organisation_slug=options.get("org"))
        if not breaks:
            self.stdout.write(f"OK : {checked} créneau(x) vérifié(s), aucune rupture.")
            return
        for item in breaks:
            self.stdout.write(f"RUPTURE {item}")
        self.stdout.write(f"{len(breaks)} rupture(s) sur {checked} créneau(x).")
        raise SystemExit(1)
