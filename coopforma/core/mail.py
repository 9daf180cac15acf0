# SPDX-License-Identifier: AGPL-3.0-or-later
"""The outbox: every e-mail the application sends is recorded, then sent by a background task and retried.

`send_mail_logged(...)` writes an `OutboundEmail` and enqueues the sending on commit (so a rolled-back
transaction sends nothing). The task (`core.tasks.send_outbound_email`) sends it with Django's configured
mailer and, on failure, records the error and re-enqueues itself later while fewer than MAX_ATTEMPTS were
made (when the task backend can defer; otherwise `coopforma send_queued_mail` retries).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.utils import timezone

from coopforma.core.models import OutboundEmail, OutboundEmailStatus

MAX_ATTEMPTS = 5


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes after the 1st, 2nd, 3rd, 4th failure."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


def send_mail_logged(
    *,
    organisation: Any,
    to: str,
    subject: str,
    body: str,
    html: str | None = None,
    purpose: str = "",
    about: models.Model | None = None,
) -> OutboundEmail:
    """Record a message in the outbox and send it in the background once the transaction commits."""
    email = OutboundEmail.objects.create(
        organisation=organisation,
        to=to,
        subject=subject[:300],
        body=body,
        html=html or "",
        purpose=purpose,
        ref_type=ContentType.objects.get_for_model(about) if about is not None else None,
        ref_id=about.pk if about is not None else None,
    )
    transaction.on_commit(lambda: enqueue_sending(email.pk), robust=True)
    return email


def enqueue_sending(email_id: int, *, delay: timedelta | None = None) -> bool:
    """Enqueue the sending task; with a delay only if the backend supports it. Returns whether it was enqueued."""
    from coopforma.core.tasks import send_outbound_email

    if delay is None:
        send_outbound_email.enqueue(email_id)
        return True
    if not send_outbound_email.get_backend().supports_defer:
        return False  # `coopforma send_queued_mail` (run periodically) will retry it
    send_outbound_email.using(run_after=timezone.now() + delay).enqueue(email_id)
    return True


def deliver(email_id: int) -> OutboundEmail | None:
    """Send one queued or failed message now with the configured mailer; record the outcome."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutboundEmailStatus.SENT:
            return email
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # any transport error is recorded and retried
            email.status = OutboundEmailStatus.FAILED
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            email.status = OutboundEmailStatus.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save(update_fields=["attempts", "status", "last_error", "sent_at", "updated_at"])
    return email


def retry_pending(*, limit: int = 500) -> dict[str, int]:
    """Send now the queued and failed messages that have attempts left (the `send_queued_mail` command)."""
    ids = list(
        OutboundEmail.objects.filter(
            status__in=[OutboundEmailStatus.QUEUED, OutboundEmailStatus.FAILED], attempts__lt=MAX_ATTEMPTS
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0}
    for email_id in ids:
        email = deliver(email_id)
        if email is not None:
            counts["sent" if email.status == OutboundEmailStatus.SENT else "failed"] += 1
    return counts


def outbox_list(*, actor: Any, status: str = "") -> models.QuerySet[OutboundEmail]:
    """The organisation's messages, newest first (the view checks the flag)."""
    queryset = OutboundEmail.objects.filter(organisation_id=actor.organisation_id).defer("body", "html")
    if status in OutboundEmailStatus.values:
        queryset = queryset.filter(status=status)
    return queryset
