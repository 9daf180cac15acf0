# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma demo_snapshot [--output FILE]`: print what the loaded demo looks like (JSON), to compare two loads."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coopforma.accounts.models import Organisation
from coopforma.dashboard.demo import DEMO_SLUG
from coopforma.dashboard.demo_snapshot import demo_snapshot


class Command(BaseCommand):
    help = (
        "Démonstration : décrit la coopérative chargée en JSON (BPF de ses trois années, nombre de lignes par "
        "table, factures, sessions), pour comparer deux chargements."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--output", type=Path, help="fichier où écrire (sinon : la sortie standard)")

    def handle(self, *args: object, **options: object) -> None:
        org = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            raise CommandError("La démonstration n'est pas chargée : lancez d'abord « coopforma demo ».")
        text = json.dumps(demo_snapshot(org, today=timezone.localdate()), ensure_ascii=False, indent=1, default=str)
        output = options.get("output")
        if isinstance(output, Path):
            output.write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
