# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma billing fec --org <slug> --from AAAA-MM-JJ --to AAAA-MM-JJ [--journal] [--output DIR]`: writes the
FEC (<SIREN>FEC<AAAAMMJJ>.txt, A47 A-1 LPF) and, with --journal, the journal CSV of the period.

`coopforma billing remind --due [--dry-run] [--org <slug>]`: e-mails the reminders of overdue invoices that are
due (organisations that turned reminders on); --dry-run lists them and writes nothing.
Cron (every day):  0 8 * * *  coopforma billing remind --due
"""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopforma.accounts.models import Organisation
from coopforma.billing.accounting import organisation_lines
from coopforma.billing.reminders import invoice_reminders_send_due
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
        remind = sub.add_parser("remind", help="Envoie les relances dues des factures échues.")
        remind.add_argument("--due", action="store_true", help="tout ce qui est dû maintenant")
        remind.add_argument("--dry-run", action="store_true", help="liste les relances sans rien envoyer ni écrire")
        remind.add_argument("--org", default=None, help="slug de l'organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            self.remind(options)
            return
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

    def remind(self, options: dict[str, Any]) -> None:
        if not options["due"]:
            raise CommandError("usage : coopforma billing remind --due [--dry-run] [--org <slug>]")
        organisation = None
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"Aucune organisation « {options['org']} ».")
        summary = invoice_reminders_send_due(now=timezone.now(), organisation=organisation, dry_run=options["dry_run"])
        prefix = "[simulation] " if options["dry_run"] else ""
        for planned in summary.sent:
            self.stdout.write(f"{prefix}{planned.invoice.number} : relance {planned.rank} à {planned.to}")
        for invoice in summary.without_email:
            self.stdout.write(f"{invoice.number} : aucune adresse e-mail pour {invoice.recipient_name}")
        self.stdout.write(prefix + str(summary))
