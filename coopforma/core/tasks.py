# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the core app: sending the outbox."""

from coopforma.core import mail
from coopforma.core.compat import task
from coopforma.core.models import OutboundEmailStatus


@task()
def send_outbound_email(email_id: int) -> str:
    """Send one message; on failure, try again later (up to mail.MAX_ATTEMPTS attempts in all)."""
    email = mail.deliver(email_id)
    if email is None:
        return "missing"
    if email.status == OutboundEmailStatus.FAILED and email.attempts < mail.MAX_ATTEMPTS:
        mail.enqueue_sending(email.pk, delay=mail.retry_delay(email.attempts))
    return str(email.status)
