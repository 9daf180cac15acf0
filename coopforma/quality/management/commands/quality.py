# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma quality audit-pack --out FILE.zip [--org SLUG] [--from DATE] [--to DATE]` and
`coopforma quality remind --due [--org SLUG]` (cron, daily: `0 7 * * * coopforma quality remind --due`)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopforma.accounts.models import Organisation
from coopforma.quality.pack import write_pack
from coopforma.quality.reminders import send_due


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = "Qualité (Qualiopi) : dossier d'audit (audit-pack) et rappels d'échéances (remind)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        pack = sub.add_parser("audit-pack", help="Écrit le dossier d'audit (zip) d'un organisme.")
        pack.add_argument("--out", required=True, help="fichier .zip à écrire")
        pack.add_argument("--org", default=None, help="slug de l'organisation (obligatoire s'il y en a plusieurs)")
        pack.add_argument("--from", dest="start", default=None, help="début de la période (AAAA-MM-JJ)")
        pack.add_argument("--to", dest="end", default=None, help="fin de la période (AAAA-MM-JJ)")
        remind = sub.add_parser("remind", help="Envoie par e-mail les échéances qualité (via la file d'envoi).")
        remind.add_argument("--due", action="store_true", required=True, help="les échéances du jour")
        remind.add_argument("--org", default=None, help="slug de l'organisation (toutes par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            sent = send_due(today=timezone.localdate(), organisation_slug=options["org"])
            self.stdout.write(f"{sent} e-mail(s) de rappel mis en file d'envoi.")
            return
        org = self._organisation(options["org"])
        start = _date(options["start"]) if options["start"] else None
        end = _date(options["end"]) if options["end"] else None
        if start and end and end < start:
            raise CommandError("--to précède --from.")
        if not str(options["out"]).endswith(".zip"):
            raise CommandError("--out doit être un fichier .zip.")
        try:
            with open(options["out"], "wb") as handle:
                counts = write_pack(handle, org, start=start, end=end)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire {options['out']} : {exc}") from exc
        self.stdout.write(
            f"Dossier d'audit écrit dans {options['out']} : {counts['indicators']} indicateurs, "
            f"{counts['evidence']} preuve(s), {counts['documents']} document(s)."
        )

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                raise CommandError(f"Aucune organisation « {slug} ».")
            return org
        orgs = list(Organisation.objects.all()[:2])
        if len(orgs) != 1:
            raise CommandError("Précisez --org (aucune ou plusieurs organisations).")
        return orgs[0]
