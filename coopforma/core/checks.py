# SPDX-License-Identifier: AGPL-3.0-or-later
"""System checks of the installation (`coopforma check`, `coopforma check --deploy`); registered in apps.py."""

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def site_url_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production, links sent by e-mail need SITE_URL: without it building one fails (coopforma.core.links)."""
    if settings.DEBUG or (settings.SITE_URL or "").strip():
        return []
    return [
        Warning(
            "SITE_URL n'est pas défini : les liens envoyés par e-mail, imprimés ou en QR code ne peuvent pas être "
            "construits.",
            hint="Définissez l'adresse publique, par exemple SITE_URL=https://formation.example.coop.",
            id="coopforma.W001",
        )
    ]


def var_dir_private(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """var/ holds the SQLite database, the generated secret key and the uploaded files: its owner's only."""
    var_dir = Path(settings.VAR_DIR)
    try:
        mode = stat.S_IMODE(var_dir.stat().st_mode)
    except OSError:
        return []
    if not mode & 0o077:
        return []
    return [
        Warning(
            f"{var_dir} est lisible par d'autres utilisateurs du serveur (mode {mode:o}).",
            hint=f"chmod 700 {var_dir}",
            id="coopforma.W002",
        )
    ]
