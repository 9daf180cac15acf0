# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma restore FILE [--force]`: an archive of `coopforma backup` into an empty installation.

The whole archive is checked against its manifest before anything is written; a non-empty installation is refused
unless --force (which replaces its database and media files). See docs/sauvegarde.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.core.backup import BackupError, RestoreIncomplete, backup_restore


class Command(BaseCommand):
    help = "Restauration d'une archive de « coopforma backup » dans une installation vide."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="archive écrite par « coopforma backup »")
        parser.add_argument(
            "--force",
            action="store_true",
            help="remplacer une installation qui n'est pas vide (sa base et ses fichiers sont effacés)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            result = backup_restore(archive=Path(options["archive"]), force=options["force"], say=say)
        except RestoreIncomplete as exc:
            raise CommandError(str(exc)) from None
        except BackupError as exc:
            raise CommandError(f"Restauration arrêtée avant toute modification. {exc}") from None
        versions = result.manifest["versions"]
        say(
            f"Restauration terminée : sauvegarde du {result.manifest['created_at']} (Coopforma "
            f"{versions.get('coopforma', '?')}), {result.media_files} fichier(s) media."
        )
        if result.missing_migrations:
            say(f"{len(result.missing_migrations)} migration(s) à appliquer : lancez « coopforma migrate ».")
        say("Contrôlez ensuite : « coopforma attendance verify » et « coopforma documents verify ».")
