# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma bpf --org <slug> --year <YYYY> [--format json|csv] [--member <id>]`: the BPF on stdout.

`--org` may be left out when the installation holds one organisation. JSON shape: docs/bpf.md.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.accounts.models import Organisation
from coopforma.people.models import MemberStructure
from coopforma.reporting.bpf import compute_bpf
from coopforma.reporting.outputs import bpf_csv, bpf_json
from coopforma.reporting.selectors import MAX_YEAR, MIN_YEAR, current_fiscal_year


class Command(BaseCommand):
    help = "BPF (Cerfa 10443) d'un exercice, calculé depuis les données, en JSON ou CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", default=None, help="slug de l'organisation (facultatif s'il n'y en a qu'une)")
        parser.add_argument("--year", type=int, default=None, help="exercice (année civile de sa clôture)")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--member", type=int, default=None, help="id d'une structure membre (rapport, pas un Cerfa)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["org"]
        if slug:
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                raise CommandError(f"Organisation inconnue : {slug}")
        else:
            orgs = list(Organisation.objects.all()[:2])
            if len(orgs) != 1:
                raise CommandError("Plusieurs organisations (ou aucune) : précisez --org <slug>.")
            org = orgs[0]
        year = options["year"] or current_fiscal_year(org)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"Exercice invalide : {year} (entre {MIN_YEAR} et {MAX_YEAR}).")
        member = None
        if options["member"] is not None:
            member = MemberStructure.objects.filter(organisation=org, pk=options["member"]).first()
            if member is None:
                raise CommandError(f"Structure membre inconnue dans {org.slug} : {options['member']}")
        bpf = compute_bpf(org, year, member_structure=member)
        if options["format"] == "csv":
            self.stdout.write(bpf_csv(bpf), ending="")
        else:
            self.stdout.write(json.dumps(bpf_json(bpf), ensure_ascii=False, indent=2))
