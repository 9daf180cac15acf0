# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the privacy app: the daily purge."""

from django.utils import timezone

from coopforma.core.compat import task


@task()
def purge_due() -> int:
    """Scheduled daily (cron runs `coopforma privacy purge --due`, which calls the same function)."""
    from coopforma.privacy.services import privacy_purge

    return len(privacy_purge(today=timezone.localdate(), dry_run=False))
