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

Every attempt is recorded (`DeliveryAttempt`: when, sent or not, the reason in French) and staff may send a message
again (`email_resend`): a new message copying the old one; one whose text held a one-time link or code is never
copied (its secrets are gone once sent) but sent anew by the service that created it, with a fresh link, when that
service registered a resender for its purpose (`register_resender`), and refused otherwise.

Attachments are references to stored files (`MailAttachment`: storage name, file name, MIME type, optional
SHA-256), kept as a JSON list on the message and read from `default_storage` when it is actually sent: the outbox
never copies the files. A file missing or altered (its SHA-256 differs) makes that attempt fail with the file named
(the message stays in the outbox, recorded as failed, and is retried like any transport error).

A message belongs to the organisation that sends it, or to a network (`network=`: the exchanges of know-how, which
no organisation sends); the reads and the resend below take the owner's scope: the actor's organisation by default,
a network's messages with `network_id=` (the caller has checked the network's flag: exchanges/mail_selectors.py).
"""

import base64
import hashlib
import json
import re
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core import mailcatcher
from coopforma.core.links import absolute_url
from coopforma.core.locking import id_or_404, lock_for_update
from coopforma.core.log import log_action
from coopforma.core.models import DeliveryAttempt, OutboundEmail, OutboundEmailStatus

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
    network: Any = None,
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
    `network`: the network that sends it, when no organisation does (its outbox lists it).
    """
    secrets = [value for value in secrets if value]
    email = OutboundEmail.objects.create(
        organisation=organisation,
        network=network,
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


def explain_error(exc: BaseException) -> str:
    """What went wrong when sending, in French, for the staff reading the outbox."""
    if isinstance(exc, AttachmentError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _("Le serveur d'envoi refuse l'adresse du ou de la destinataire : vérifiez-la.")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("Le serveur d'envoi refuse l'adresse d'expédition (réglage DEFAULT_FROM_EMAIL).")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _(
            "Le serveur d'envoi refuse l'identifiant ou le mot de passe "
            "(réglages EMAIL_HOST_USER et EMAIL_HOST_PASSWORD)."
        )
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError)):
        return _(
            "Le serveur d'envoi est injoignable (réglages EMAIL_HOST et EMAIL_PORT) ; une nouvelle tentative suivra."
        )
    if isinstance(exc, smtplib.SMTPException):
        return _("Le serveur d'envoi a refusé le message.")
    return _("Erreur inattendue pendant l'envoi.")


def deliver(email_id: int) -> OutboundEmail | None:
    """Send one queued or failed message now with the configured mailer; record the outcome and the attempt."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutboundEmailStatus.SENT:
            return email
        values = unseal(email.sealed_secrets)
        headers = {}
        if mailcatcher.is_on() and email.organisation_id is not None:
            headers[mailcatcher.ORG_HEADER] = email.organisation.slug
        message = EmailMultiAlternatives(
            subject=reveal(email.subject, values),
            body=reveal(email.body, values) + privacy_footer(email),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers=headers,
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
            attempt = DeliveryAttempt(ok=False, error=explain_error(exc), detail=email.last_error)
        else:
            email.status = OutboundEmailStatus.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.sealed_secrets = ""  # delivered: the secrets are no longer kept anywhere
            attempt = DeliveryAttempt(ok=True)
        email.save(update_fields=["attempts", "status", "last_error", "sent_at", "sealed_secrets", "updated_at"])
        attempt.email = email
        attempt.organisation_id = email.organisation_id
        attempt.at = timezone.now()
        attempt.save()
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


def _owned(actor: Any, network_id: int | None) -> models.QuerySet[OutboundEmail]:
    """The messages of the actor's organisation, or of the network `network_id` (its caller checked the flag)."""
    if network_id is not None:
        return OutboundEmail.objects.filter(network_id=network_id, organisation__isnull=True)
    return OutboundEmail.objects.filter(organisation_id=actor.organisation_id)


def outbox_list(*, actor: Any, status: str = "", network_id: int | None = None) -> models.QuerySet[OutboundEmail]:
    """The organisation's (or the network's) messages, newest first (the view checks the flag)."""
    queryset = _owned(actor, network_id).defer("body", "html", "sealed_secrets")
    if status in OutboundEmailStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def has_secrets(email: OutboundEmail) -> bool:
    """Whether the stored message held a one-time link or code (masked in the outbox)."""
    return any(_PLACEHOLDER.search(text or "") for text in (email.subject, email.body, email.html))


def outbox_get(*, actor: Any, email_id: Any, network_id: int | None = None) -> OutboundEmail:
    """One message of the actor's organisation or of the network `network_id` (Http404 for "missing or not
    yours"); the view checks the flag."""
    email = (
        _owned(actor, network_id)
        .filter(pk=id_or_404(email_id))
        .select_related("resent_from")
        .prefetch_related("delivery_attempts", "resends")
        .first()
    )
    if email is None:
        raise Http404
    return email


@dataclass(frozen=True)
class AttachmentInfo:
    index: int
    file_name: str
    mime_type: str
    size: int | None  # None when the stored file is missing


def attachment_infos(email: OutboundEmail) -> list[AttachmentInfo]:
    """The message's attachments as staff see them: name, type and size of the stored file."""
    infos = []
    for index, item in enumerate(email.attachments or []):
        if not isinstance(item, dict):
            continue
        try:
            size: int | None = default_storage.size(str(item["storage_name"]))
        except (KeyError, OSError, NotImplementedError):
            size = None
        infos.append(
            AttachmentInfo(
                index=index,
                file_name=str(item.get("file_name") or "piece-jointe"),
                mime_type=str(item.get("mime_type") or "application/octet-stream"),
                size=size,
            )
        )
    return infos


def attachment_open(*, actor: Any, email_id: Any, index: int) -> tuple[AttachmentInfo, Any]:
    """One attachment of one of the actor's organisation's messages, opened for reading (Http404 otherwise)."""
    email = outbox_get(actor=actor, email_id=email_id)
    items = email.attachments or []
    if not 0 <= index < len(items) or not isinstance(items[index], dict):
        raise Http404
    item = items[index]
    try:
        handle = default_storage.open(str(item["storage_name"]), "rb")
    except (KeyError, OSError) as exc:
        raise Http404 from exc
    info = AttachmentInfo(
        index=index,
        file_name=str(item.get("file_name") or "piece-jointe"),
        mime_type=str(item.get("mime_type") or "application/octet-stream"),
        size=None,
    )
    return info, handle


Resender = Callable[..., OutboundEmail]
_RESENDERS: dict[str, Resender] = {}


def register_resender(purpose: str) -> Callable[[Resender], Resender]:
    """Declare how a message of `purpose` carrying a one-time link is sent again: `fn(*, actor, email)` issues a
    fresh link through its own service and returns the new message (or raises ValidationError in French)."""

    def decorator(fn: Resender) -> Resender:
        _RESENDERS[purpose] = fn
        return fn

    return decorator


def can_resend(email: OutboundEmail) -> bool:
    """Whether « Renvoyer » is offered (email_resend says why not, in French, when it refuses)."""
    if email.status == OutboundEmailStatus.QUEUED or email.to.lower().endswith(".invalid"):
        return False
    return not has_secrets(email) or email.purpose in _RESENDERS


def email_resend(*, actor: Any, email_id: Any, network_id: int | None = None) -> OutboundEmail:
    """Send a message of the organisation (or of the network `network_id`) again: a new message in the outbox (one
    new attempt once sent).

    A message with a one-time link or code is sent anew by the service that made it (fresh link), never copied:
    its stored text is masked. Refused, writing nothing, when that service cannot resend it."""
    with transaction.atomic():
        email = lock_for_update(_owned(actor, network_id), email_id)
        if email.to.lower().endswith(".invalid"):  # the address was erased (RGPD): there is nobody to send to
            raise ValidationError(_("L'adresse de ce message a été effacée : il ne peut pas être renvoyé."))
        if email.status == OutboundEmailStatus.QUEUED:
            raise ValidationError(
                _("Ce message est encore en attente d'envoi : il partira sans qu'il faille le renvoyer.")
            )
        if has_secrets(email):
            resender = _RESENDERS.get(email.purpose)
            if resender is None:
                raise ValidationError(
                    _(
                        "Ce message contenait un lien ou un code personnel à usage unique : il ne peut pas être "
                        "renvoyé tel quel. Envoyez-en un nouveau depuis la page d'où il est parti."
                    )
                )
            new = resender(actor=actor, email=email)
        else:
            new = OutboundEmail.objects.create(
                organisation_id=email.organisation_id,
                network_id=email.network_id,
                to=email.to,
                subject=email.subject,
                body=email.body,
                html=email.html,
                purpose=email.purpose,
                attachments=email.attachments,
                ref_type_id=email.ref_type_id,
                ref_id=email.ref_id,
            )
            transaction.on_commit(lambda: enqueue_sending(new.pk), robust=True)
        OutboundEmail.objects.filter(pk=new.pk).update(resent_from=email)
        new.resent_from = email
        log_action(actor=actor, obj=email, action="core.email.resent", data={"new_email": new.pk, "to": email.to})
    return new
