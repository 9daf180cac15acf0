# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma credentials rotate-key --org SLUG`: a new key to sign the organisation's verifiable credentials
(docs/credentials.md, « Key rotation »); the former key stays in the DID document for what it signed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.accounts.models import Organisation
from coopforma.referentiel.record_services import credential_key_rotate


class Command(BaseCommand):
    help = "Attestations numériques : nouvelle clé de signature d'un organisme (l'ancienne reste publiée)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate-key", help="Crée une nouvelle clé ; l'ancienne ne sert plus qu'à vérifier.")
        rotate.add_argument("--org", required=True, help="identifiant court de l'organisme")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisme « {options['org']} » inconnu.")
        key = credential_key_rotate(organisation_id=organisation.pk)
        self.stdout.write(f"Nouvelle clé {key.fragment} pour {organisation.name} : les anciennes restent publiées.")
