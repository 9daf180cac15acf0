# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background work of the webhooks: one attempt per task, and `deliver_due()` for the scheduler.

A delivery is enqueued when its transaction commits; after a failed attempt the task re-enqueues itself for the
next retry when the task backend can defer. Whatever the backend, `deliver_due()` (run every minute or so by the
scheduler, `coopforma cron`) makes every attempt that is due: the retries never depend on a worker being up.
"""

from datetime import datetime

from coopforma.core.compat import task
from coopforma.webhooks import services
from coopforma.webhooks.models import DeliveryStatus


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Make the due attempt of one delivery; schedule the next one if it failed and retries are left."""
    delivery = services.delivery_attempt(delivery_id)
    if delivery is None:
        return "not_due"
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
        enqueue_delivery(delivery.pk, run_after=delivery.next_attempt_at)
    return str(delivery.status)


def enqueue_delivery(delivery_id: int, *, run_after: datetime | None = None) -> bool:
    """Enqueue one delivery now, or at `run_after` if the backend can defer (else `deliver_due` will)."""
    if run_after is None:
        deliver_webhook.enqueue(delivery_id)
        return True
    if not deliver_webhook.get_backend().supports_defer:
        return False
    deliver_webhook.using(run_after=run_after).enqueue(delivery_id)
    return True


def deliver_due(*, limit: int = 200) -> dict[str, int]:
    """Make every attempt that is due now (the periodic job); counts by outcome. Also deletes the deliveries
    finished more than services.KEEP_DELIVERIES ago."""
    services.deliveries_purge()
    counts = {"succeeded": 0, "pending": 0, "failed": 0}
    for delivery_id in services.due_delivery_ids(limit=limit):
        delivery = services.delivery_attempt(delivery_id)
        if delivery is not None:
            counts[str(delivery.status)] += 1
    return counts
