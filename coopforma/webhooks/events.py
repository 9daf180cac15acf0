# SPDX-License-Identifier: AGPL-3.0-or-later
"""The registry of webhook events: which activity-log action becomes which event, and what its data holds.

Services are not edited one by one: every business event already goes through core's `log_action`; the
webhooks app listens there (apps.py) and keeps only the actions named here. `fields` are the keys of the log
entry's data copied into the event (no more: the log may hold what an outside system must not receive, such as
a signer's IP address). The payload of each type is documented in the OpenAPI (api/webhooks.py) and in
docs/api.md.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    code: str  # what the endpoint receives in "type"
    action: str  # the activity-log action ("domain.noun.verb") it comes from
    label: str | Promise  # what staff read
    object_type: str  # the kind of record the event is about
    fields: tuple[str, ...] = ()  # keys of the log entry's data copied into the event


EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "enrolment.created",
        "sessions.enrolment.created",
        _("Inscription créée"),
        "enrolment",
        ("session", "client", "price_cents", "status"),
    ),
    EventType("document.signed", "documents.document.signed", _("Document signé"), "document", ("signed_sha256",)),
    EventType(
        "invoice.issued",
        "billing.invoice.issue",
        _("Facture ou devis émis"),
        "invoice",
        ("number", "issued_on", "total_ht_cents", "total_ttc_cents", "payer_kind"),
    ),
    EventType("attendance.closed", "attendance.slot.closed", _("Émargement clos"), "slot_attendance", ()),
    # Logged when a visitor sends a request from the public catalogue (enquiries.services.enquiry_submit).
    EventType(
        "request.received",
        "public.request.received",
        _("Demande reçue"),
        "request",
        ("training", "session", "kind"),
    ),
)

BY_ACTION: dict[str, EventType] = {event.action: event for event in EVENT_TYPES}
BY_CODE: dict[str, EventType] = {event.code: event for event in EVENT_TYPES}


def event_choices() -> list[tuple[str, str]]:
    """(code, label) of every event type, for the endpoint form."""
    return [(event.code, str(event.label)) for event in EVENT_TYPES]
