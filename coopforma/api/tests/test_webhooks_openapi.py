# SPDX-License-Identifier: AGPL-3.0-or-later
"""The webhook events are documented in the OpenAPI document, and what is sent matches what is documented."""

import pytest

from coopforma.api.webhooks import EVENT_SCHEMAS
from coopforma.core.log import log_action
from coopforma.training_sessions.tests.factories import EnrolmentFactory, SessionFactory
from coopforma.webhooks.events import BY_CODE
from coopforma.webhooks.models import WebhookDelivery
from coopforma.webhooks.tests.factories import endpoint_make

pytestmark = pytest.mark.django_db


def test_every_event_type_has_its_schema_and_webhook_entry(client):
    document = client.get("/api/v1/openapi.json").json()
    assert set(EVENT_SCHEMAS) == set(BY_CODE)
    assert set(document["webhooks"]) == set(BY_CODE)
    for code, model in EVENT_SCHEMAS.items():
        post = document["webhooks"][code]["post"]
        ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{model.__name__}"
        assert model.__name__ in document["components"]["schemas"]
        assert "Coopforma-Signature" in {p["name"] for p in post["parameters"]}
    assert document["components"]["schemas"]["EventObject"]["required"] == ["type", "id", "label"]


def test_a_real_payload_validates_against_its_schema(org, admin_actor):
    endpoint_make(org, events=list(BY_CODE))
    enrolment = EnrolmentFactory(session=SessionFactory(training__organisation=org))
    log_action(
        actor=admin_actor,
        obj=enrolment,
        action="sessions.enrolment.created",
        data={"session": enrolment.session, "client": enrolment.client, "price_cents": 1, "status": "confirmed"},
    )
    log_action(
        actor=admin_actor,
        obj=enrolment,  # the object's kind does not matter to the payload's shape
        action="billing.invoice.issue",
        data={
            "number": "FA-2026-0001",
            "issued_on": enrolment.created_at.date(),
            "total_ht_cents": 100,
            "total_ttc_cents": 120,
            "payer_kind": "company",
            "extra": "not sent",
        },
    )
    bodies = dict(WebhookDelivery.objects.values_list("event_type", "body"))
    assert set(bodies) == {"enrolment.created", "invoice.issued"}
    for code, body in bodies.items():
        event = EVENT_SCHEMAS[code].model_validate_json(body)
        assert event.organisation.slug == org.slug
    assert "not sent" not in bodies["invoice.issued"]
