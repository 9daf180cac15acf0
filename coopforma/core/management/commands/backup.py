# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma backup --out FILE`: the database, the media files and a manifest (SHA-256 of each) in one archive.

FILE ending in .tar.gz or .tgz is compressed. See coopforma/core/backup.py and docs/sauvegarde.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopforma.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sauvegarde : base de données, fichiers (media) et manifeste SHA-256 dans une seule archive tar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, help="fichier d'archive à écrire (.tar, ou .tar.gz pour la compresser)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            backup_create(out=Path(options["out"]), say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
