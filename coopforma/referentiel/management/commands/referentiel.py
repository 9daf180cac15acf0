# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma referentiel import FILE --network SLUG`: load a référentiel file (YAML, JSON or CSV) as the network's
draft, every problem listed with its place in the file and nothing written when there is one.
`coopforma referentiel export --network SLUG --format yaml|json|csv [--version X] [--out FILE]`: write a version
back (the latest, draft included, by default). `coopforma referentiel publish --network SLUG --version X`:
publish the draft (from then on it never changes)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from coopforma.networks.models import Network
from coopforma.referentiel import files, selectors, services
from coopforma.referentiel.models import Version


class Command(BaseCommand):
    help = "Référentiel métiers et compétences d'un réseau : import, export, publication."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Charge un fichier YAML, JSON ou CSV comme brouillon du réseau.")
        load.add_argument("file", help="le fichier (.yaml, .yml, .json ou .csv)")
        load.add_argument("--network", required=True, help="identifiant court du réseau")
        load.add_argument("--format", choices=files.FORMATS, help="format du fichier (sinon : son extension)")
        dump = sub.add_parser("export", help="Écrit une version du référentiel.")
        dump.add_argument("--network", required=True, help="identifiant court du réseau")
        dump.add_argument("--format", choices=files.FORMATS, default="yaml")
        dump.add_argument("--version", dest="number", help="numéro de version (sinon : la plus récente)")
        dump.add_argument("--out", help="fichier à écrire (sinon : la sortie standard)")
        publish = sub.add_parser("publish", help="Publie le brouillon : il ne changera plus.")
        publish.add_argument("--network", required=True, help="identifiant court du réseau")
        publish.add_argument("--version", dest="number", required=True, help="numéro du brouillon")

    def handle(self, *args: Any, **options: Any) -> None:
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"Réseau « {options['network']} » inconnu.")
        try:
            if options["action"] == "import":
                self._import(network, options)
            elif options["action"] == "export":
                self._export(network, options)
            else:
                version = services.version_publish(user=None, network_id=network.pk, number=options["number"])
                self.stdout.write(f"Version {version.number} publiée.")
        except ValidationError as error:
            raise CommandError("\n".join(str(m) for m in error.messages)) from None
        except Http404:
            raise CommandError("Version introuvable.") from None

    def _import(self, network: Network, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        fmt = options.get("format") or files.format_for(path.name)
        if not fmt:
            raise CommandError("Format inconnu : nommez le fichier .yaml, .json ou .csv, ou donnez --format.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {error}") from None
        try:
            document = files.read(data, fmt)
        except files.FileErrors as error:
            raise CommandError(
                f"{len(error.errors)} problème(s), rien n'a été chargé :\n" + "\n".join(error.errors)
            ) from None
        version = services.version_import(user=None, network_id=network.pk, document=document)
        self.stdout.write(f"Brouillon {version.number} chargé : {len(document.entries)} élément(s).")

    def _export(self, network: Network, options: dict[str, Any]) -> None:
        versions = Version.objects.filter(referentiel__network=network).select_related("referentiel")
        version = versions.filter(number=options["number"]).first() if options.get("number") else versions.first()
        if version is None:
            raise CommandError("Aucune version à exporter.")
        text = files.write(selectors.document_for(version=version), options["format"])
        if options.get("out"):
            Path(options["out"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
