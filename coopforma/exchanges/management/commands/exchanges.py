# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma exchanges match --network SLUG`: recompute the suggestions of a network (exchanges/matching.py).
`coopforma exchanges publish --network SLUG`: publish the consenting offers and exchanges on the map
(exchanges/publication.py).
`coopforma exchanges digest [--due | --now]`: the members' e-mail digests (exchanges/digest.py).
Each part's function returns the French summary line printed here."""

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.networks.models import Network

# action -> (module, function); each function takes the parsed options and returns the summary line.
ACTIONS = {
    "match": ("coopforma.exchanges.matching", "command_match"),
    "publish": ("coopforma.exchanges.publication", "command_publish"),
    "digest": ("coopforma.exchanges.digest", "command_digest"),
}


class Command(BaseCommand):
    help = "Échanges de savoir-faire : match --network RÉSEAU, publish --network RÉSEAU, digest --due|--now."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        match = sub.add_parser("match", help="Recalcule les suggestions de mise en relation d'un réseau.")
        match.add_argument("--network", required=True, help="identifiant court du réseau")
        publish = sub.add_parser("publish", help="Publie sur la carte les offres et échanges consentis.")
        publish.add_argument("--network", required=True, help="identifiant court du réseau")
        digest = sub.add_parser("digest", help="Envoie les récapitulatifs des membres des échanges.")
        when = digest.add_mutually_exclusive_group(required=True)
        when.add_argument("--due", action="store_true", help="les membres dont le récapitulatif est dû")
        when.add_argument("--now", action="store_true", help="tous les membres inscrits, tout de suite")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("network") and not Network.objects.filter(slug=options["network"]).exists():
            raise CommandError(f"Aucun réseau « {options['network']} ».")
        module, function = ACTIONS[options["action"]]
        self.stdout.write(getattr(import_module(module), function)(options))
