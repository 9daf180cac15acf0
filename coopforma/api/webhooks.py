# SPDX-License-Identifier: AGPL-3.0-or-later
"""The webhook events in the OpenAPI document: one schema per event type and the `webhooks` section (OpenAPI
3.1), so that what an endpoint receives is documented beside the routes (docs/api.md, « Webhooks »).

The payloads are built by coopforma.webhooks.services.event_payload from the registry of
coopforma.webhooks.events; test_webhooks_openapi.py checks that each registered type has its schema here and that
a real payload validates against it.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from coopforma.webhooks.events import BY_CODE


class RecordRef(BaseModel):
    """A record named in the event: its id and its label."""

    id: int
    label: str


class EventObject(BaseModel):
    """The record the event is about."""

    type: str = Field(description="enrolment, document, invoice, slot_attendance or request")
    id: int
    label: str


class EventOrganisation(BaseModel):
    id: int
    slug: str
    name: str


class EnrolmentCreatedData(BaseModel):
    object: EventObject
    session: RecordRef
    client: RecordRef
    price_cents: int = Field(description="Price excluding VAT, in euro cents")
    status: str = Field(description="The enrolment's status code")


class DocumentSignedData(BaseModel):
    object: EventObject
    signed_sha256: str = Field(description="SHA-256 of the signed PDF")


class InvoiceIssuedData(BaseModel):
    object: EventObject
    number: str = Field(description="The legal number (FA-2026-0001; DE- for a quote)")
    issued_on: dt.date
    total_ht_cents: int
    total_ttc_cents: int
    payer_kind: str


class AttendanceClosedData(BaseModel):
    object: EventObject


class RequestReceivedData(BaseModel):
    object: EventObject
    training: RecordRef | None = None
    session: RecordRef | None = None
    kind: str | None = None


class _Event(BaseModel):
    id: uuid.UUID = Field(description="The event's id: the same in a retry or a replay (deduplicate on it)")
    created_at: dt.datetime
    organisation: EventOrganisation


class EnrolmentCreatedEvent(_Event):
    type: Literal["enrolment.created"]
    data: EnrolmentCreatedData


class DocumentSignedEvent(_Event):
    type: Literal["document.signed"]
    data: DocumentSignedData


class InvoiceIssuedEvent(_Event):
    type: Literal["invoice.issued"]
    data: InvoiceIssuedData


class AttendanceClosedEvent(_Event):
    type: Literal["attendance.closed"]
    data: AttendanceClosedData


class RequestReceivedEvent(_Event):
    type: Literal["request.received"]
    data: RequestReceivedData


EVENT_SCHEMAS: dict[str, type[BaseModel]] = {
    "enrolment.created": EnrolmentCreatedEvent,
    "document.signed": DocumentSignedEvent,
    "invoice.issued": InvoiceIssuedEvent,
    "attendance.closed": AttendanceClosedEvent,
    "request.received": RequestReceivedEvent,
}

_HEADERS = [
    ("Coopforma-Event-Id", "The event's id (as in the body)."),
    ("Coopforma-Event-Type", "The event's type (as in the body)."),
    ("Coopforma-Delivery-Id", "This delivery (a replay is a new delivery of the same event)."),
    ("Coopforma-Timestamp", "Unix time of this attempt, in seconds."),
    ("Coopforma-Signature", 't=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>'),
]


def add_webhooks(openapi: dict[str, Any]) -> dict[str, Any]:
    """Declare every event type in the `webhooks` section of an OpenAPI document (in place), with its schema."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    webhooks = openapi.setdefault("webhooks", {})
    for code, model in EVENT_SCHEMAS.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        webhooks[code] = {
            "post": {
                "operationId": f"webhook_{code.replace('.', '_')}",
                "summary": f"{code}: {BY_CODE[code].label}",
                "description": "Sent to each active endpoint that chose this event; retried after 1 min, 5 min, "
                "30 min, 2 h and 12 h until the endpoint answers 2xx. Verify the signature (docs/api.md).",
                "parameters": [
                    {
                        "name": name,
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": text,
                    }
                    for name, text in _HEADERS
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
                },
                "responses": {"2XX": {"description": "Received: the delivery is done (any other answer is retried)."}},
            }
        }
    return openapi
