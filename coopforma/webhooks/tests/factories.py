# SPDX-License-Identifier: AGPL-3.0-or-later
"""Records of the webhooks app for tests: endpoints (with a known secret) and deliveries."""

import json
import uuid
from typing import Any

from django.utils import timezone

from coopforma.core.crypto import seal_text
from coopforma.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from coopforma.webhooks.services import SECRET_PURPOSE

SECRET = "whsec_test-secret-of-the-factory"


def endpoint_make(
    org: Any, *, url: str = "https://hooks.example.org/coopforma", events: list[str] | None = None, **kwargs: Any
) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        organisation=org,
        url=url,
        events=events if events is not None else ["enrolment.created", "invoice.issued"],
        sealed_secret=seal_text(kwargs.pop("secret", SECRET), purpose=SECRET_PURPOSE),
        **kwargs,
    )


def delivery_make(endpoint: WebhookEndpoint, **kwargs: Any) -> WebhookDelivery:
    event_id = kwargs.pop("event_id", uuid.uuid4())
    body = {"id": str(event_id), "type": "enrolment.created", "data": {"object": {"id": 1}}}
    kwargs.setdefault("next_attempt_at", timezone.now())
    return WebhookDelivery.objects.create(
        organisation_id=endpoint.organisation_id,
        endpoint=endpoint,
        event_id=event_id,
        event_type="enrolment.created",
        body=json.dumps(body),
        **kwargs,
    )


def objects_with_id(i: int, **records: Any) -> None:
    """An endpoint, a delivery and an attempt with primary key `i` in records["org"] (tests/test_every_route.py);
    the endpoint's URL and the answer carry the organisation's mark."""
    org, mark = records["org"], records["mark"]
    endpoint = endpoint_make(org, url=f"https://hooks.example.org/{mark}", pk=i, description=f"Système {mark}")
    delivery = delivery_make(endpoint, pk=i, status="failed", attempts=1, next_attempt_at=None)
    WebhookAttempt.objects.create(
        pk=i, organisation=org, delivery=delivery, number=1, status_code=500, response_excerpt=f"Erreur {mark}"
    )
