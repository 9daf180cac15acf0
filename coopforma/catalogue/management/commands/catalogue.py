# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma catalogue export-lheo --org <slug> --out FILE`: the published trainings as LHEO 2.3 (the format of the
Carif-Oref catalogues), the same document as the public feed /f/<slug>/lheo.xml.

`coopforma catalogue export-edof --org <slug> --out FILE`: the Mon Compte Formation import file (EDOF, ISO-8859-1) of
the published certifying trainings. It first prints, per training, what the CPF requires and is missing; when an
eligible training has something to fix (or none is eligible) it writes nothing and exits with status 1.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopforma.accounts.models import Organisation
from coopforma.catalogue import lheo, selectors
from coopforma.core.links import absolute_url
from coopforma.formats.lheo_write import LheoError


def _link(path: str) -> str:
    try:
        return absolute_url(path)
    except ImproperlyConfigured:
        return path


class Command(BaseCommand):
    help = "Catalogue : exports LHEO 2.3 (Carif-Oref) et EDOF (Mon Compte Formation)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("export-lheo", "Écrit l'offre publiée au format LHEO 2.3."),
            ("export-edof", "Vérifie puis écrit le fichier d'import EDOF du CPF."),
        ):
            command = sub.add_parser(name, help=text)
            command.add_argument("--org", required=True, help="slug de l'organisation")
            command.add_argument("--out", required=True, help="fichier à écrire")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"Aucune organisation « {options['org']} ».")
        trainings = list(selectors.published_training_list(organisation=org))
        today = timezone.localdate()
        out = Path(options["out"])
        if options["action"] == "export-lheo":
            try:
                data = lheo.lheo_file(trainings, today=today)
            except LheoError as exc:
                raise CommandError(f"Export LHEO impossible : {exc}") from exc
            out.write_bytes(data)
            self.stdout.write(f"{out} : {len(trainings)} formation(s) publiée(s) au format LHEO 2.3.")
            return
        checks = lheo.edof_check(trainings, today=today)
        for check in checks:
            if not check.eligible:
                self.stdout.write(f"— {check.training.title} : non certifiante, hors CPF (pas dans le fichier).")
            elif check.fixes:
                self.stdout.write(f"✗ {check.training.title} :")
                for fix in check.fixes:
                    self.stdout.write(f"    {fix.sentence} → {_link(fix.url)}")
            else:
                self.stdout.write(f"✓ {check.training.title} : prête pour le CPF.")
        if lheo.edof_blocked(checks):
            if not any(c.eligible for c in checks):
                self.stderr.write("Aucune formation certifiante publiée : rien à exporter pour le CPF.")
            else:
                self.stderr.write("Export EDOF bloqué : corrigez les points ci-dessus, rien n'a été écrit.")
            raise SystemExit(1)
        try:
            data = lheo.edof_file(checks, today=today)
        except LheoError as exc:
            raise CommandError(f"Export EDOF impossible : {exc}") from exc
        out.write_bytes(data)
        ready = sum(1 for c in checks if c.ready)
        self.stdout.write(f"{out} : {ready} formation(s) certifiante(s) au format EDOF (ISO-8859-1).")
