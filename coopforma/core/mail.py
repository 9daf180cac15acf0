# SPDX-License-Identifier: AGPL-3.0-or-later
"""The outbox: every e-mail the application sends is recorded, then sent by a background task and retried.

`send_mail_logged(...)` writes an `OutboundEmail` and enqueues the sending on commit (so a rolled-back
transaction sends nothing). The task (`core.tasks.send_outbound_email`) sends it with Django's configured
mailer and, on failure, records the error and re-enqueues itself later while fewer than MAX_ATTEMPTS were
made (when the task backend can defer; otherwise `coopforma send_queued_mail` retries).

Secrets never rest in the outbox: a message carrying a one-time link or code passes it in `secrets=`. The stored
subject, body and html hold a placeholder (`[[secret:0]]`…) where each secret was, and the secrets themselves are
kept encrypted (Fernet, with a key derived from SECRET_KEY) until the message is sent, then erased. Staff reading
the outbox see « [lien ou code personnel masqué] »; only the addressee's mailbox receives the real one.

Attachments are references to stored files (`MailAttachment`: storage name, file name, MIME type, optional
SHA-256), kept as a JSON list on the message and read from `default_storage` when it is actually sent: the outbox
never copies the files. A file missing or altered (its SHA-256 differs) makes that attempt fail with the file named
(the message stays in the outbox, recorded as failed, and is retried like any transport error).
"""

import base64
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core.links import absolute_url
from coopforma.core.models import OutboundEmail, OutboundEmailStatus

MAX_ATTEMPTS = 5

_PLACEHOLDER = re.compile(r"\[\[secret:(\d+)\]\]")
MASKED = "[lien ou code personnel masqué]"


@dataclass(frozen=True)
class MailAttachment:
    """A stored file to attach when the message is sent (core knows only the storage, not who owns the file)."""

    storage_name: str  # the name in default_storage
    file_name: str  # the name the addressee sees
    mime_type: str = "application/octet-stream"
    sha256: str = ""  # when given, the file sent must have this digest


class AttachmentError(Exception):
    """An attachment cannot be read as recorded (missing, unreadable or altered)."""


def _read_attachment(item: dict[str, Any]) -> tuple[str, bytes, str]:
    name = str(item.get("file_name") or "piece-jointe")
    try:
        with default_storage.open(str(item["storage_name"]), "rb") as handle:
            data = handle.read()
    except (KeyError, OSError) as exc:
        raise AttachmentError(
            _("Pièce jointe introuvable : « %(name)s » (fichier %(file)s).")
            % {"name": name, "file": item.get("storage_name", "?")}
        ) from exc
    expected = str(item.get("sha256") or "")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise AttachmentError(
            _("Pièce jointe altérée : « %(name)s » ne correspond plus à son empreinte SHA-256.") % {"name": name}
        )
    return name, data, str(item.get("mime_type") or "application/octet-stream")


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"coopforma.outbox.secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(values: Sequence[str]) -> str:
    """The secrets, encrypted for the outbox ("" when there are none)."""
    return _fernet().encrypt(json.dumps(list(values)).encode()).decode() if values else ""


def unseal(sealed: str) -> list[str]:
    """The secrets of `seal`; [] when there are none or they cannot be read (e.g. SECRET_KEY changed)."""
    if not sealed:
        return []
    try:
        return list(json.loads(_fernet().decrypt(sealed.encode())))
    except (InvalidToken, ValueError):
        return []


def redact(text: str, values: Sequence[str]) -> str:
    """`text` with each secret replaced by its placeholder (longest first, so a link containing a code wins)."""
    for index, value in sorted(enumerate(values), key=lambda item: -len(item[1])):
        if value:
            text = text.replace(value, f"[[secret:{index}]]")
    return text


def reveal(text: str, values: Sequence[str]) -> str:
    """The placeholders of `text` replaced by the secrets (what the addressee receives)."""
    return _PLACEHOLDER.sub(lambda m: values[int(m.group(1))] if int(m.group(1)) < len(values) else MASKED, text)


def readable(text: str) -> str:
    """What staff see of a stored message: the placeholders shown as masked."""
    return _PLACEHOLDER.sub(MASKED, text)


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
    secrets: Sequence[str] = (),
    attachments: Sequence[MailAttachment] = (),
) -> OutboundEmail:
    """Record a message in the outbox and send it in the background once the transaction commits.

    `secrets`: the one-time links and codes the message carries; stored encrypted, never in the text (see above).
    `attachments`: stored files attached when the message is sent (references only, see above).
    """
    secrets = [value for value in secrets if value]
    email = OutboundEmail.objects.create(
        organisation=organisation,
        to=to,
        subject=redact(subject, secrets)[:300],
        body=redact(body, secrets),
        html=redact(html or "", secrets),
        sealed_secrets=seal(secrets),
        purpose=purpose,
        attachments=[asdict(item) for item in attachments],
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


def privacy_footer(email: OutboundEmail) -> str:
    """The link to the organisation's privacy notice (RGPD art. 13), under every message an organisation sends.

    Added when sending, not stored: the outbox keeps the text as written (and the purge can erase it)."""
    if email.organisation_id is None:
        return ""
    try:
        path = reverse("privacy_public:notice", kwargs={"org": email.organisation.slug})
    except NoReverseMatch:
        return ""
    return "\n\n-- \n" + _("Vos données personnelles : %(url)s") % {"url": absolute_url(path)}


def deliver(email_id: int) -> OutboundEmail | None:
    """Send one queued or failed message now with the configured mailer; record the outcome."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutboundEmailStatus.SENT:
            return email
        values = unseal(email.sealed_secrets)
        message = EmailMultiAlternatives(
            subject=reveal(email.subject, values),
            body=reveal(email.body, values) + privacy_footer(email),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        if email.html:
            message.attach_alternative(reveal(email.html, values), "text/html")
        email.attempts += 1
        try:
            for item in email.attachments or []:
                message.attach(*_read_attachment(item))
            message.send()
        except Exception as exc:  # any transport error is recorded and retried
            email.status = OutboundEmailStatus.FAILED
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            email.status = OutboundEmailStatus.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.sealed_secrets = ""  # delivered: the secrets are no longer kept anywhere
        email.save(update_fields=["attempts", "status", "last_error", "sent_at", "sealed_secrets", "updated_at"])
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
    queryset = OutboundEmail.objects.filter(organisation_id=actor.organisation_id).defer(
        "body", "html", "sealed_secrets"
    )
    if status in OutboundEmailStatus.values:
        queryset = queryset.filter(status=status)
    return queryset
