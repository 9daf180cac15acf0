# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma billing fec --org <slug> --from AAAA-MM-JJ --to AAAA-MM-JJ [--journal] [--output DIR]`: writes the
FEC (<SIREN>FEC<AAAAMMJJ>.txt, A47 A-1 LPF) and, with --journal, the journal CSV of the period."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.accounts.models import Organisation
from coopforma.billing.accounting import organisation_lines
from coopforma.formats.fec import UnbalancedEntry, fec_filename, write_fec, write_journal_csv


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide « {value} » : écrivez AAAA-MM-JJ.") from exc


class Command(BaseCommand):
    help = "Facturation : export comptable (FEC, journal CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fec = sub.add_parser("fec", help="Écrit le FEC de la période (et le journal CSV avec --journal).")
        fec.add_argument("--org", required=True, help="slug de l'organisation")
        fec.add_argument("--from", dest="start", required=True, help="premier jour, AAAA-MM-JJ")
        fec.add_argument("--to", dest="end", required=True, help="dernier jour (date de clôture), AAAA-MM-JJ")
        fec.add_argument("--journal", action="store_true", help="écrit aussi journal-<du>-<au>.csv")
        fec.add_argument("--output", default=".", help="dossier de sortie (par défaut : le dossier courant)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"Aucune organisation « {options['org']} ».")
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("La date de fin précède la date de début.")
        if len(org.siret) < 9:
            raise CommandError("Le SIRET de l'organisation manque : le nom du FEC commence par son SIREN (A47 A-1).")
        lines = organisation_lines(organisation=org, start=start, end=end)
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        try:
            fec = write_fec(lines)
            journal = write_journal_csv(lines) if options["journal"] else None
        except UnbalancedEntry as exc:
            raise CommandError(str(exc)) from exc
        path = output / fec_filename(org.siret[:9], end)
        path.write_bytes(fec)
        self.stdout.write(f"{path} : {len(lines)} ligne(s) d'écriture.")
        if journal is not None:
            journal_path = output / f"journal-{start:%Y%m%d}-{end:%Y%m%d}.csv"
            journal_path.write_bytes(journal)
            self.stdout.write(f"{journal_path}")
