# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the émargement: chaining the signatures recorded pending (`services.attendance_seal`)."""

from coopforma.attendance import services
from coopforma.core.compat import task


@task()
def seal_slot(slot_id: int) -> int:
    """Chain a slot's pending signatures in their order; how many. Idempotent: a burst of signatures enqueues a
    few of these, the first chains what is there and the others find little or nothing left. Waits for the
    signatures being recorded (it runs after the burst: `services.SEAL_DELAY`)."""
    return services.attendance_seal(slot_id=slot_id, wait=True)
