# SPDX-License-Identifier: AGPL-3.0-or-later
"""The billing services take ids and find them in the actor's organisation only: another organisation's id is
not found (Http404, as the selectors answer) and nothing is written."""

import pytest
from django.http import Http404
from django.utils import timezone

from conftest import make_actor
from coopforma.billing import services
from coopforma.billing.models import Invoice, InvoiceLine, Payment
from coopforma.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_another_organisations_ids_are_not_found(admin_actor, enrolment, stranger, other_org):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    line = draft.lines.get()
    them = make_actor(stranger, other_org)
    today = timezone.localdate()
    calls = {
        "invoice_create_for_enrolment": lambda: services.invoice_create_for_enrolment(
            actor=them, enrolment_id=enrolment.pk
        ),
        "quote_create_for_enrolment": lambda: services.quote_create_for_enrolment(
            actor=them, enrolment_id=enrolment.pk
        ),
        "invoice_update": lambda: services.invoice_update(actor=them, invoice_id=draft.pk, notes="pris"),
        "invoice_line_add": lambda: services.invoice_line_add(
            actor=them, invoice_id=draft.pk, label="pris", unit_price_cents=1
        ),
        "invoice_line_update": lambda: services.invoice_line_update(
            actor=them, line_id=line.pk, label="pris", unit_price_cents=1
        ),
        "invoice_line_remove": lambda: services.invoice_line_remove(actor=them, line_id=line.pk),
        "invoice_delete_draft": lambda: services.invoice_delete_draft(actor=them, invoice_id=draft.pk),
        "invoice_issue": lambda: services.invoice_issue(actor=them, invoice_id=draft.pk),
        "quote_accept": lambda: services.quote_accept(actor=them, quote_id=draft.pk),
        "quote_decline": lambda: services.quote_decline(actor=them, quote_id=draft.pk),
        "quote_convert": lambda: services.quote_convert(actor=them, quote_id=draft.pk),
        "credit_note_create": lambda: services.credit_note_create(actor=them, invoice_id=draft.pk),
        "credit_note_create_for_unrealised_hours": lambda: services.credit_note_create_for_unrealised_hours(
            actor=them, invoice_id=draft.pk
        ),
        "payment_record": lambda: services.payment_record(
            actor=them, invoice_id=draft.pk, amount_cents=100, paid_on=today
        ),
    }
    logged = ActivityLog.objects.count()
    for name, call in calls.items():
        with pytest.raises(Http404):
            call()
        assert ActivityLog.objects.count() == logged, name
    draft.refresh_from_db()
    line.refresh_from_db()
    assert draft.status == "draft" and draft.notes != "pris" and line.label != "pris"
    assert InvoiceLine.objects.filter(invoice=draft).count() == 1
    assert not Invoice.objects.filter(organisation=other_org).exists() and not Payment.objects.exists()


def test_ids_that_cannot_be_rows_are_not_found(admin_actor):
    for bad in (0, -1, 2**70, "abc", None):
        with pytest.raises(Http404):
            services.invoice_issue(actor=admin_actor, invoice_id=bad)
        with pytest.raises(Http404):
            services.invoice_line_remove(actor=admin_actor, line_id=bad)
