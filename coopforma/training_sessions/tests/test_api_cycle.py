# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API covers the enrolment cycle without the web forms: an enrolment with its funding lines in one POST,
GET and DELETE of one enrolment and one participant (deleting refused, with the rule, once anything was issued
or signed), and the coded fields documented as enums in the OpenAPI schema."""

import pytest

from coopforma.attendance import services as attendance
from coopforma.training_sessions.models import Enrolment, Participant
from coopforma.training_sessions.tests.conftest import paris
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory, SlotFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _json(client, method, url, body=None):  # type: ignore[no-untyped-def]
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(url, **kwargs)


def test_an_enrolment_is_created_with_its_funding_lines_in_one_post(api, admin_user, org, session, company):
    client = api(admin_user, org)
    body = {
        "client_id": company.pk,
        "price_cents": 140000,
        "funding_lines": [
            {"payer_kind": "opco", "payer_name": "AKTO", "scheme": "skills_plan", "amount_cents": 100000,
             "basis": "hours", "reference": "PEC-1"},
            {"payer_kind": "company", "amount_cents": 40000},
        ],
    }  # fmt: skip
    created = _json(client, "post", f"{API}/sessions/{session.pk}/enrolments", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert [(line["payer_kind"], line["basis"]) for line in data["funding_lines"]] == [
        ("opco", "hours"),
        ("company", "flat"),
    ]
    assert data["remaining_cents"] == 0
    again = _json(client, "get", f"{API}/enrolments/{data['id']}")
    assert again.status_code == 200 and again.json()["funding_lines"][0]["reference"] == "PEC-1"


def test_funding_lines_beyond_the_price_refuse_the_whole_post(api, admin_user, org, session, company):
    body = {
        "client_id": company.pk,
        "price_cents": 50000,
        "funding_lines": [{"payer_kind": "opco", "scheme": "skills_plan", "amount_cents": 60000}],
    }
    refused = _json(api(admin_user, org), "post", f"{API}/sessions/{session.pk}/enrolments", body)
    assert refused.status_code == 422 and "funding_lines" in refused.content.decode()
    assert not Enrolment.objects.filter(session=session).exists()  # nothing written
    bad_basis = {**body, "price_cents": 90000}
    bad_basis["funding_lines"] = [
        {"payer_kind": "opco", "scheme": "skills_plan", "amount_cents": 60000, "basis": "dropout_clause",
         "dropout_fee_percent": 20}
    ]  # fmt: skip
    refused = _json(api(admin_user, org), "post", f"{API}/sessions/{session.pk}/enrolments", bad_basis)
    assert refused.status_code == 422 and "L6354-1" in refused.content.decode()
    assert not Enrolment.objects.filter(session=session).exists()


def test_deleting_refuses_what_was_signed_or_invoiced(api, admin_user, admin_actor, org, session, company, trainer):
    client = api(admin_user, org)
    enrolment = EnrolmentFactory(session=session, client=company, price_cents=100000)
    signed = ParticipantFactory(enrolment=enrolment)
    slot = SlotFactory(session=session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    attendance.slot_open(actor=admin_actor, slot_id=slot.pk, now=slot.starts_at)
    attendance.attendance_mark(
        actor=admin_actor, slot_id=slot.pk, participant_id=signed.pk, mark="on_behalf", reason="Papier"
    )
    refused = _json(client, "delete", f"{API}/participants/{signed.pk}")
    assert refused.status_code == 422 and "R6313-3" in refused.content.decode()
    refused = _json(client, "delete", f"{API}/enrolments/{enrolment.pk}")
    assert refused.status_code == 422 and "R6313-3" in refused.content.decode()
    assert Participant.objects.filter(pk=signed.pk).exists() and Enrolment.objects.filter(pk=enrolment.pk).exists()

    from coopforma.billing import services as billing

    invoiced = EnrolmentFactory(session=session, client=_client(org), price_cents=50000)
    billing.quote_create_for_enrolment(actor=admin_actor, enrolment_id=invoiced.pk)
    refused = _json(client, "delete", f"{API}/enrolments/{invoiced.pk}")
    assert refused.status_code == 422 and "L441-9" in refused.content.decode()
    assert Enrolment.objects.filter(pk=invoiced.pk).exists()

    mistaken = EnrolmentFactory(session=session, client=_client(org, "Erreur"), price_cents=10)
    by_mistake = ParticipantFactory(enrolment=mistaken)
    assert _json(client, "get", f"{API}/participants/{by_mistake.pk}").json()["enrolment_id"] == mistaken.pk
    assert _json(client, "delete", f"{API}/participants/{by_mistake.pk}").status_code == 204
    assert _json(client, "delete", f"{API}/enrolments/{mistaken.pk}").status_code == 204
    assert not Enrolment.objects.filter(pk=mistaken.pk).exists()
    assert _json(client, "get", f"{API}/enrolments/{mistaken.pk}").status_code == 404


def _client(org, name="Association Voisine"):  # type: ignore[no-untyped-def]
    from coopforma.people.tests.factories import ClientFactory

    return ClientFactory(organisation=org, name=name)


def test_the_openapi_schema_lists_the_codes_of_coded_fields(web, admin_user):
    schema = web(admin_user).get(f"{API}/openapi.json").json()["components"]["schemas"]
    line = schema["FundingLineIn"]["properties"]
    assert "hours" in line["basis"]["enum"] and "Heures réalisées au taux horaire" in line["basis"]["description"]
    assert "opco" in line["payer_kind"]["enum"] and "skills_plan" in line["scheme"]["enum"]
    assert "cancelled" in schema["EnrolmentIn"]["properties"]["status"]["enum"]


def test_the_openapi_schema_documents_the_codes_of_people_and_trainings(web, admin_user):
    schema = web(admin_user).get(f"{API}/openapi.json").json()["components"]["schemas"]
    assert "training_org" in schema["ClientIn"]["properties"]["kind"]["enum"]
    assert "subcontractor" in schema["TrainerOut"]["properties"]["status"]["enum"]
    assert "validated" in schema["TrainingOut"]["properties"]["status"]["enum"]
    marks = schema["MarkIn"]["properties"]["mark"]
    assert "paper" in marks["enum"] and "feuille papier" in marks["description"]
