# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background task of billing: the reminders of overdue invoices (same work as `coopforma billing remind --due`)."""

from django.utils import timezone

from coopforma.billing.reminders import invoice_reminders_send_due
from coopforma.core.compat import task


@task()
def billing_remind_due() -> str:
    """Send the reminders due now; returns the summary line."""
    return str(invoice_reminders_send_due(now=timezone.now()))
