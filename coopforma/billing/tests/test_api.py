# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt

import pytest
from django.utils import timezone

from coopforma.billing.models import Invoice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_drafts_issue_pay_credit_and_statement(api, admin_user, org, enrolment, opco_line, member):
    client = api(admin_user, org)
    response = client.post(
        f"/api/v1/billing/enrolments/{enrolment.pk}/drafts", {"kind": "invoice"}, content_type="application/json"
    )
    assert response.status_code == 201
    drafts = response.json()
    assert [(d["recipient_name"], d["total_ht_cents"], d["payer_kind"], d["scheme"]) for d in drafts] == [
        ("Scop Exemple", 40000, "company", ""),
        ("AKTO", 100000, "opco", "skills_plan"),
    ]
    issued = [
        client.post(f"/api/v1/billing/pieces/{d['id']}/issue", {}, content_type="application/json").json()
        for d in drafts
    ]
    assert [i["number"] for i in issued] == [f"F-{TODAY.year}-0001", f"F-{TODAY.year}-0002"]
    assert issued[0]["legal"]["nda"] == "53350999935" and issued[0]["document_id"]
    assert issued[1]["shares"][0]["basis_cents"] == 100000
    opco = issued[1]["id"]
    paid = client.post(
        f"/api/v1/billing/pieces/{opco}/payments",
        {"amount_cents": 60000, "paid_on": TODAY.isoformat(), "method": "transfer", "reference": "AKTO 42"},
        content_type="application/json",
    )
    assert paid.status_code == 201 and paid.json()["amount_cents"] == 60000
    note = client.post(
        f"/api/v1/billing/pieces/{opco}/credit-notes",
        {"amount_cents": 10000, "reason": "Absence d'un stagiaire"},
        content_type="application/json",
    )
    assert note.status_code == 201 and note.json()["kind"] == "credit_note"
    detail = client.get(f"/api/v1/billing/pieces/{opco}").json()
    assert (detail["paid_cents"], detail["credited_ttc_cents"], detail["balance_cents"]) == (60000, 10000, 30000)
    listing = client.get("/api/v1/billing/pieces?kind=invoice").json()
    assert listing["count"] == 2
    statement = client.get(
        f"/api/v1/billing/members/{member.pk}/statement?start={TODAY.year}-01-01&end={TODAY.year}-12-31"
    ).json()
    assert statement["turnover_cents"] == 130000  # 40 000 + 100 000 − 10 000
    assert statement["contribution_cents"] == 13000 and statement["due_cents"] == 117000
    assert [line["basis_cents"] for line in statement["lines"]] == [40000, 100000, -10000]


def test_bad_input_gets_422_with_the_field(api, admin_user, admin_actor, org, enrolment):
    from coopforma.billing import services

    client = api(admin_user, org)
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    response = client.post(
        f"/api/v1/billing/pieces/{draft.pk}/issue", {"issued_on": future}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "issued_on"]
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    for payload, field in [
        ({"amount_cents": 140001, "paid_on": TODAY.isoformat()}, "amount_cents"),
        ({"amount_cents": -1, "paid_on": TODAY.isoformat()}, "amount_cents"),
        ({"amount_cents": 100, "paid_on": TODAY.isoformat(), "method": "bitcoin"}, "method"),
    ]:
        response = client.post(
            f"/api/v1/billing/pieces/{invoice.pk}/payments", payload, content_type="application/json"
        )
        assert response.status_code == 422, payload
        assert response.json()["errors"][0]["loc"] == ["body", field]
    response = client.post(
        f"/api/v1/billing/pieces/{invoice.pk}/credit-notes", {"amount_cents": 140001}, content_type="application/json"
    )
    assert response.status_code == 422 and "dépasse" in response.json()["errors"][0]["message"]
    response = client.post(f"/api/v1/billing/pieces/{invoice.pk}/issue", {}, content_type="application/json")
    assert response.status_code == 422 and "émise" in response.json()["errors"][0]["message"]
    response = client.post(
        f"/api/v1/billing/enrolments/{enrolment.pk}/drafts", {"kind": "receipt"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_other_organisation_gets_404(api, stranger, other_org, admin_actor, enrolment, member):
    from coopforma.billing import services

    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    client = api(stranger, other_org)
    assert client.get(f"/api/v1/billing/pieces/{draft.pk}").status_code == 404
    assert (
        client.post(f"/api/v1/billing/pieces/{draft.pk}/issue", {}, content_type="application/json").status_code == 404
    )
    assert client.get("/api/v1/billing/pieces").json()["count"] == 0
    assert (
        client.get(f"/api/v1/billing/members/{member.pk}/statement?start=2026-01-01&end=2026-12-31").status_code == 404
    )
    assert Invoice.objects.get(pk=draft.pk).status == "draft"
