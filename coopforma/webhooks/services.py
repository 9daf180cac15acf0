# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the webhooks app: endpoints and their secrets, the deliveries an event creates, each attempt, replays.

An event becomes deliveries inside the transaction that logs it (`deliveries_create_for_log`, called by core's
`log_action`): if that transaction rolls back, there is no event and nothing is sent. The sending is enqueued
on commit; each attempt is recorded; a failed one is retried after RETRY_DELAYS, then the delivery is given up
(« Abandonnée ») and can be replayed from its page.
"""

import json
import time
import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.core.crypto import seal_text, unseal_text
from coopforma.core.log import log_action
from coopforma.core.models import ActivityLog
from coopforma.webhooks import transport
from coopforma.webhooks.events import BY_ACTION, BY_CODE, EventType
from coopforma.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from coopforma.webhooks.signing import secret_new, signature_header

FLAG = "org.manage"
SECRET_PURPOSE = "webhooks.secret"  # noqa: S105 - a key-derivation label, not a secret
# After the 1st, 2nd… failed attempt, wait this long; after the last, the delivery is given up (6 attempts).
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# While an attempt is under way its delivery is not due (another worker or the cron leaves it alone).
LEASE = timedelta(minutes=10)
USER_AGENT = "Coopforma-Webhooks/1"
# Deliveries done or given up are deleted after this long: their bodies carry personal data (names in labels)
# that the privacy app's erasure does not reach (RGPD art. 5-1-e, storage limitation); replays are for recent ones.
KEEP_DELIVERIES = timedelta(days=30)


# --- endpoints --------------------------------------------------------------------------------------------------


def _events_check(events: list[str]) -> list[str]:
    unknown = [code for code in events if code not in BY_CODE]
    if unknown:
        raise ValidationError({"events": _("Événement inconnu : %(codes)s") % {"codes": ", ".join(unknown)}})
    if not events:
        raise ValidationError({"events": _("Choisissez au moins un événement.")}, code="required")
    return [event.code for event in BY_CODE.values() if event.code in events]  # in the registry's order


def _locked(actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    endpoint = (
        WebhookEndpoint.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id, pk=endpoint_id)
        .first()
    )
    if endpoint is None:
        raise WebhookEndpoint.DoesNotExist
    return endpoint


def endpoint_create(
    *, actor: Actor, url: str, events: list[str], description: str = "", is_active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned here, shown once, stored encrypted only)."""
    actor.require(FLAG)
    url = transport.endpoint_url_check(url)
    events = _events_check(events)
    secret = secret_new()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organisation=actor.organisation,
            url=url,
            description=description.strip()[:200],
            events=events,
            is_active=is_active,
            sealed_secret=seal_text(secret, purpose=SECRET_PURPOSE),
        )
        log_action(
            actor=actor,
            obj=endpoint,
            action="webhooks.endpoint.created",
            data={"url": url, "events": events, "is_active": is_active},
        )
    return endpoint, secret


def endpoint_update(
    *, actor: Actor, endpoint_id: int, url: str, events: list[str], description: str, is_active: bool
) -> WebhookEndpoint:
    """Change an endpoint's address, events, description or state (its secret stays)."""
    actor.require(FLAG)
    url = transport.endpoint_url_check(url)
    events = _events_check(events)
    with transaction.atomic():
        endpoint = _locked(actor, endpoint_id)
        before = {
            "url": endpoint.url,
            "events": endpoint.events,
            "description": endpoint.description,
            "is_active": endpoint.is_active,
        }
        endpoint.url, endpoint.events, endpoint.is_active = url, events, is_active
        endpoint.description = description.strip()[:200]
        endpoint.save(update_fields=["url", "events", "description", "is_active", "updated_at"])
        after = {"url": url, "events": events, "description": endpoint.description, "is_active": is_active}
        changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
        log_action(actor=actor, obj=endpoint, action="webhooks.endpoint.updated", data={"changes": changes})
    return endpoint


def endpoint_secret_rotate(*, actor: Actor, endpoint_id: int) -> tuple[WebhookEndpoint, str]:
    """A new secret for the endpoint (shown once); the old one stops signing at once."""
    actor.require(FLAG)
    secret = secret_new()
    with transaction.atomic():
        endpoint = _locked(actor, endpoint_id)
        endpoint.sealed_secret = seal_text(secret, purpose=SECRET_PURPOSE)
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["sealed_secret", "secret_rotated_at", "updated_at"])
        log_action(actor=actor, obj=endpoint, action="webhooks.endpoint.secret_rotated", data={})
    return endpoint, secret


# --- events -----------------------------------------------------------------------------------------------------


def event_payload(event: EventType, entry: ActivityLog, organisation: Organisation, event_id: str) -> dict[str, Any]:
    """What an endpoint receives: {id, type, created_at, organisation, data} (schemas in api/webhooks.py)."""
    data: dict[str, Any] = {"object": {"type": event.object_type, "id": entry.object_id, "label": entry.object_repr}}
    logged = entry.data if isinstance(entry.data, dict) else {}
    data.update({key: logged.get(key) for key in event.fields})
    return {
        "id": event_id,
        "type": event.code,
        "created_at": entry.created_at.isoformat(),
        "organisation": {"id": organisation.pk, "slug": organisation.slug, "name": organisation.name},
        "data": data,
    }


def deliveries_create_for_log(entry: ActivityLog) -> list[WebhookDelivery]:
    """The deliveries of the event `entry` stands for, one per active endpoint of its organisation that chose it
    (none when the action is not an event); their sending is enqueued once the transaction commits."""
    event = BY_ACTION.get(entry.action)
    if event is None or entry.organisation_id is None:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organisation_id=entry.organisation_id, is_active=True)
        if event.code in (endpoint.events or [])
    ]
    if not endpoints:
        return []
    organisation = Organisation.objects.get(pk=entry.organisation_id)
    now = timezone.now()
    event_id = uuid.uuid4()  # one event, one id, whatever the number of endpoints
    body = json.dumps(event_payload(event, entry, organisation, str(event_id)), ensure_ascii=False)
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                organisation_id=entry.organisation_id,
                endpoint=endpoint,
                event_id=event_id,
                event_type=event.code,
                body=body,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )
    _enqueue_on_commit([delivery.pk for delivery in deliveries])
    return deliveries


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    from coopforma.webhooks.tasks import enqueue_delivery

    def enqueue() -> None:
        for delivery_id in delivery_ids:
            enqueue_delivery(delivery_id)

    transaction.on_commit(enqueue, robust=True)


def delivery_replay(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send an event again to its endpoint: a new delivery with the same event id and body, due now."""
    actor.require(FLAG)
    with transaction.atomic():
        original = (
            WebhookDelivery.objects.select_related("endpoint")
            .filter(organisation_id=actor.organisation_id, pk=delivery_id)
            .first()
        )
        if original is None:
            raise WebhookDelivery.DoesNotExist
        if not original.endpoint.is_active:
            raise ValidationError(
                {"endpoint": _("Ce point de réception est désactivé : réactivez-le avant de rejouer un envoi.")},
                code="inactive",
            )
        replay = WebhookDelivery.objects.create(
            organisation_id=original.organisation_id,
            endpoint=original.endpoint,
            event_id=original.event_id,
            event_type=original.event_type,
            body=original.body,
            next_attempt_at=timezone.now(),
            replay_of=original,
        )
        log_action(
            actor=actor,
            obj=original.endpoint,
            action="webhooks.delivery.replayed",
            data={"delivery": original.pk, "replay": replay.pk, "event_id": str(original.event_id)},
        )
        _enqueue_on_commit([replay.pk])
    return replay


# --- sending ----------------------------------------------------------------------------------------------------


def _claim(delivery_id: int) -> tuple[WebhookDelivery, int, str] | None:
    """Take a due delivery for one attempt (its number and secret), or None when it is not due."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        now = timezone.now()
        if (
            delivery is None
            or delivery.status != DeliveryStatus.PENDING
            or not delivery.endpoint.is_active
            or (delivery.next_attempt_at is not None and delivery.next_attempt_at > now)
        ):
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return delivery, delivery.attempts, unseal_text(delivery.endpoint.sealed_secret, purpose=SECRET_PURPOSE)


def delivery_headers(delivery: WebhookDelivery, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Coopforma-Event-Id": str(delivery.event_id),
        "Coopforma-Event-Type": delivery.event_type,
        "Coopforma-Delivery-Id": str(delivery.pk),
        "Coopforma-Timestamp": str(timestamp),
        "Coopforma-Signature": signature_header(secret, timestamp, body),
    }


def delivery_attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make the next attempt of a due delivery and record it; None when it is not due (or not pending)."""
    claimed = _claim(delivery_id)
    if claimed is None:
        return None
    delivery, number, secret = claimed
    body = delivery.body.encode()
    status_code, excerpt, duration, error = None, "", 0, ""
    if not secret:
        error = _("Secret illisible (la clé du serveur a changé ?) : renouvelez le secret du point de réception.")
    else:
        timestamp = int(timezone.now().timestamp())
        started = time.monotonic()
        try:
            answer = transport.http_post(
                delivery.endpoint.url, body, delivery_headers(delivery, secret, timestamp, body)
            )
        except transport.DeliveryError as exc:
            error, duration = str(exc)[:500], int((time.monotonic() - started) * 1000)
        else:
            status_code, excerpt, duration = answer.status_code, answer.excerpt, answer.duration_ms
    succeeded = status_code is not None and 200 <= status_code < 300
    now = timezone.now()
    with transaction.atomic():
        WebhookAttempt.objects.create(
            organisation_id=delivery.organisation_id,
            delivery=delivery,
            number=number,
            status_code=status_code,
            duration_ms=duration,
            response_excerpt=excerpt,
            error=error,
            succeeded=succeeded,
        )
        if succeeded:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
        elif number > len(RETRY_DELAYS):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[number - 1]
        delivery.save(update_fields=["status", "delivered_at", "next_attempt_at", "updated_at"])
    return delivery


def due_delivery_ids(*, limit: int = 200) -> list[int]:
    """The pending deliveries whose next attempt is due, oldest first (active endpoints only)."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), endpoint__is_active=True
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def deliveries_purge() -> int:
    """Delete the deliveries done or given up more than KEEP_DELIVERIES ago (with their attempts); how many."""
    deleted, _rows = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED], updated_at__lt=timezone.now() - KEEP_DELIVERIES
    ).delete()
    return deleted
