# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma offers_map_prune`: delete the map's change notes older than a day but the last one (offers/map_index.py
reads a token of them; on PostgreSQL each writing transaction adds one). Every day through `coopforma cron`."""

from typing import Any

from django.core.management.base import BaseCommand

from coopforma.offers.services import map_changes_prune


class Command(BaseCommand):
    help = "Carte des formations : efface les notes de modification de plus d'un jour."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Notes effacées : {map_changes_prune()}")
