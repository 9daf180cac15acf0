# SPDX-License-Identifier: AGPL-3.0-or-later
"""Django's SQLite backend, with the database file readable by its owner only.

SQLite creates a missing database file with the process umask (often rw-r--r--), and gives its -wal and -shm
files the mode of the database file: creating the file 0600 first keeps all three private. An existing file
readable by others is made private when Coopforma opens it (its -wal and -shm too)."""

import os
import stat
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

PRIVATE = 0o600


def make_private(database: Path) -> None:
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & 0o700)
        except FileNotFoundError:
            continue


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database") or "")
        if name and not self.is_in_memory_db() and not name.startswith("file:"):
            make_private(Path(name))
        return super().get_new_connection(conn_params)
