# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma member_catalogues [--org <slug>]`: the member organisations' published trainings and upcoming public
sessions become offers of the map (source a), those no longer published are retired; prints the counts.

Every hour through `coopforma cron` (core/periodic.py); the catalogue's and the sessions' saves already do it as they
happen (offers/signals.py), this catches anything missed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.accounts.models import Organisation
from coopforma.offers.services import sync_member_catalogue, sync_member_catalogues


class Command(BaseCommand):
    help = "Carte des formations : synchronise les catalogues des organisations membres d'un réseau."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="identifiant court d'une seule organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("org"):
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"Aucune organisation n'a l'identifiant court « {options['org']} ».")
            counts = sync_member_catalogue(organisation.pk)
        else:
            counts = sync_member_catalogues()
        line = "Offres créées : {created}, mises à jour : {updated}, inchangées : {unchanged}, retirées : {retired}"
        self.stdout.write(line.format(**counts))
