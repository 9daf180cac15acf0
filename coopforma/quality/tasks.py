# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the quality app: building an audit pack, the daily reminders."""

from django.utils import timezone

from coopforma.core.compat import task


@task()
def build_audit_pack(pack_id: int) -> str:
    from coopforma.quality.pack import build_stored_pack

    return build_stored_pack(pack_id)


@task()
def remind_due() -> int:
    """Scheduled daily (cron runs `coopforma quality remind --due`, which calls the same function)."""
    from coopforma.quality.reminders import send_due

    return send_due(today=timezone.localdate())
