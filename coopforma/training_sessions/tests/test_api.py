# SPDX-License-Identifier: AGPL-3.0-or-later
"""The /api/v1/ routes of sessions: each route's success, JSON shape and validation errors."""

import pytest

from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.models import FundingLine, Participant, Session, Slot
from coopforma.training_sessions.tests.conftest import paris
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def locs(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """{field: message} of a 422 answer."""
    assert response.status_code == 422, response.content
    return {(e["loc"][-1] if len(e["loc"]) > 1 else "__all__"): e["message"] for e in response.json()["errors"]}


def test_list_sessions(api, admin_user, org, session, other_session, company):
    ParticipantFactory(enrolment=EnrolmentFactory(session=session, client=company))
    client = api(admin_user, org)
    body = client.get(f"{API}/sessions").json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == session.pk)
    assert item["title"] == "Réunions coopératives — mars"
    assert item["trainees"] == 1 and item["audience"] == "intra" and item["revenue_cents"] == 140000
    assert item["trainer_ids"] == [session.trainers.get().pk]
    filtered = client.get(f"{API}/sessions", {"q": "gouvernance"}).json()
    assert [i["id"] for i in filtered["items"]] == [other_session.pk]
    limited = client.get(f"{API}/sessions", {"limit": 1}).json()
    assert limited["count"] == 2 and len(limited["items"]) == 1


def test_create_session(api, manager_user, org, training, place):
    response = api(manager_user, org).post(
        f"{API}/sessions",
        {"training_id": training.pk, "max_capacity": 8, "place_id": place.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    session = Session.objects.get(pk=body["id"])
    assert body["title"] == "Animer une réunion coopérative" and body["status"] == "draft"
    assert body["programme"]["objectives"] == training.objectives and body["slots"] == []
    assert session.max_capacity == 8


def test_create_session_422(api, admin_user, org, training):
    response = api(admin_user, org).post(
        f"{API}/sessions",
        {"training_id": training.pk, "min_capacity": 5, "max_capacity": 2},
        content_type="application/json",
    )
    assert "ne peut pas dépasser" in locs(response)["min_capacity"]
    response = api(admin_user, org).post(f"{API}/sessions", {"title": "x"}, content_type="application/json")
    assert response.status_code == 422  # training_id missing: ninja's own validation


def test_get_session_with_slots(api, trainer_user, trainer, org, session, place):
    slot = SlotFactory(session=session, place=place, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    slot.trainers.add(trainer)
    body = api(trainer_user, org).get(f"{API}/sessions/{session.pk}").json()
    assert body["slots"] == [
        {
            "id": slot.pk,
            "session_id": session.pk,
            "starts_at": "2026-03-02T09:00:00+01:00",
            "ends_at": "2026-03-02T12:30:00+01:00",
            "minutes": 210,
            "half_day": "am",
            "place_id": place.pk,
            "remote_url": "",
            "trainer_ids": [trainer.pk],
        }
    ]


def test_patch_session(api, admin_user, org, session):
    client = api(admin_user, org)
    response = client.patch(
        f"{API}/sessions/{session.pk}",
        {"title": "Titre API", "programme": {"audience": "Élu·es locaux"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Titre API" and response.json()["programme"]["audience"] == "Élu·es locaux"
    response = client.patch(f"{API}/sessions/{session.pk}", {"status": "cancelled"}, content_type="application/json")
    assert locs(response)["reason"] == "Indiquez le motif de l'annulation."
    response = client.patch(
        f"{API}/sessions/{session.pk}",
        {"status": "cancelled", "cancelled_reason": "Météo"},
        content_type="application/json",
    )
    assert response.json()["status"] == "cancelled" and response.json()["cancelled_reason"] == "Météo"


def test_slots_create_patch_delete(api, admin_user, org, session, other_session, trainer):
    client = api(admin_user, org)
    response = client.post(
        f"{API}/sessions/{session.pk}/slots",
        {"starts_at": "2026-03-02T09:00:00+01:00", "ends_at": "2026-03-02T12:30:00+01:00", "trainer_ids": [trainer.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    slot_id = response.json()["id"]
    assert response.json()["minutes"] == 210
    response = client.patch(
        f"{API}/sessions/{session.pk}/slots/{slot_id}",
        {"ends_at": "2026-03-02T12:00:00+01:00"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["minutes"] == 180
    assert Session.objects.get(pk=session.pk).total_minutes == 180
    # Overlap with the same trainer elsewhere -> 422 naming the other session.
    response = client.post(
        f"{API}/sessions/{other_session.pk}/slots",
        {"starts_at": "2026-03-02T10:00:00+01:00", "ends_at": "2026-03-02T11:00:00+01:00", "trainer_ids": [trainer.pk]},
        content_type="application/json",
    )
    assert locs(response)["trainers"] == (
        "Théo Formateur anime déjà « Réunions coopératives — mars » le 02/03/2026 de 09:00 à 12:00."
    )
    assert client.delete(f"{API}/sessions/{session.pk}/slots/{slot_id}").status_code == 204
    assert not Slot.objects.exists()
    assert client.delete(f"{API}/sessions/{session.pk}/slots/{slot_id}").status_code == 404


def test_enrolments(api, admin_user, org, session, company):
    client = api(admin_user, org)
    response = client.post(
        f"{API}/sessions/{session.pk}/enrolments",
        {"client_id": company.pk, "price_cents": 140000},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    enrolment_id = response.json()["id"]
    assert response.json()["client_name"] == "Boulangerie Coop" and response.json()["remaining_cents"] == 140000
    duplicate = client.post(
        f"{API}/sessions/{session.pk}/enrolments", {"client_id": company.pk}, content_type="application/json"
    )
    assert "déjà inscrit" in locs(duplicate)["client"]
    response = client.patch(
        f"{API}/enrolments/{enrolment_id}",
        {
            "funding_lines": [
                {"payer_kind": "opco", "payer_name": "AKTO", "scheme": "skills_plan", "amount_cents": 100000},
                {"payer_kind": "company", "amount_cents": 40000},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [line["amount_cents"] for line in body["funding_lines"]] == [100000, 40000]
    assert (body["funded_cents"], body["remaining_cents"]) == (140000, 0)
    too_much = client.patch(
        f"{API}/enrolments/{enrolment_id}",
        {"funding_lines": [{"payer_kind": "company", "amount_cents": 150000}]},
        content_type="application/json",
    )
    assert "dépasserait" in locs(too_much)["funding_lines"]
    missing_scheme = client.patch(
        f"{API}/enrolments/{enrolment_id}",
        {"funding_lines": [{"payer_kind": "opco", "amount_cents": 1000}]},
        content_type="application/json",
    )
    assert "dispositif" in locs(missing_scheme)["funding_lines[0].scheme"]
    assert FundingLine.objects.count() == 2
    listing = client.get(f"{API}/sessions/{session.pk}/enrolments").json()["items"]
    assert [e["id"] for e in listing] == [enrolment_id] and len(listing[0]["funding_lines"]) == 2
    cancelled = client.patch(
        f"{API}/enrolments/{enrolment_id}", {"status": "cancelled"}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"


def test_trainees(api, admin_user, org, session, company, partner_of):
    session.max_capacity = 2
    session.save()
    enrolment = EnrolmentFactory(session=session, client=company)
    existing = TraineeFactory(organisation=org, client=company, first_name="Sacha", last_name="Martin")
    client = api(admin_user, org)
    response = client.post(
        f"{API}/sessions/{session.pk}/trainees",
        {"enrolment_id": enrolment.pk, "trainee_id": existing.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "session_id": session.pk,
        "enrolment_id": enrolment.pk,
        "client_id": company.pk,
        "trainee_id": existing.pk,
        "first_name": "Sacha",
        "last_name": "Martin",
        "email": existing.email,
        "bpf_trainee_type": "a",
        "status": "registered",
    }
    duplicate = client.post(
        f"{API}/sessions/{session.pk}/trainees",
        {"enrolment_id": enrolment.pk, "trainee_id": existing.pk},
        content_type="application/json",
    )
    assert locs(duplicate)["trainee"] == "Sacha Martin participe déjà à cette session (Inscrit·e)."
    new = client.post(
        f"{API}/sessions/{session.pk}/trainees",
        {"enrolment_id": enrolment.pk, "first_name": "Lou", "last_name": "Nouvelle", "bpf_trainee_type": "c"},
        content_type="application/json",
    )
    assert new.status_code == 201 and new.json()["bpf_trainee_type"] == "c"
    full = client.post(
        f"{API}/sessions/{session.pk}/trainees",
        {"enrolment_id": enrolment.pk, "first_name": "De", "last_name": "Trop"},
        content_type="application/json",
    )
    assert locs(full)["__all__"] == "La session est complète : 2 places sur 2."
    listing = client.get(f"{API}/sessions/{session.pk}/trainees").json()["items"]
    assert [p["last_name"] for p in listing] == ["Martin", "Nouvelle"]
    participant = Participant.objects.get(trainee=existing)
    response = client.patch(
        f"{API}/participants/{participant.pk}", {"status": "completed"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"
    # Trainees entrusted by another OF may be named (BPF cadre G, with their émargement; no F-1 type needed)…
    session.max_capacity = 4
    session.save()
    other_of = EnrolmentFactory(session=session, client=partner_of)
    named = client.post(
        f"{API}/sessions/{session.pk}/trainees",
        {"enrolment_id": other_of.pk, "first_name": "A", "last_name": "B"},
        content_type="application/json",
    )
    assert named.status_code == 201, named.content.decode()
    assert named.json()["bpf_trainee_type"] == ""
    # … unless the enrolment already records them as counts.
    counted = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, kind="training_org"))
    counted.entrusted_trainees = 1
    counted.save()
    refused = client.post(
        f"{API}/sessions/{session.pk}/trainees",
        {"enrolment_id": counted.pk, "first_name": "C", "last_name": "D"},
        content_type="application/json",
    )
    assert "en nombre" in locs(refused)["enrolment"]


def test_places_api(api, admin_user, trainer_user, trainer, org, place):
    client = api(admin_user, org)
    assert client.get(f"{API}/places").json()["items"][0]["name"] == "Salle du Marché"
    created = client.post(f"{API}/places", {"name": "La Fabrique", "capacity": 15}, content_type="application/json")
    assert created.status_code == 201 and created.json()["capacity"] == 15
    patched = client.patch(f"{API}/places/{place.pk}", {"city": "Brest"}, content_type="application/json")
    assert patched.json()["city"] == "Brest"
    forbidden = api(trainer_user, org).patch(f"{API}/places/{place.pk}", {"city": "X"}, content_type="application/json")
    assert forbidden.status_code == 403


def test_other_organisation_is_404(api, stranger, other_org, session, company):
    enrolment = EnrolmentFactory(session=session, client=company)
    participant = ParticipantFactory(enrolment=enrolment)
    line = FundingLineFactory(enrolment=enrolment)
    client = api(stranger, other_org)
    assert client.get(f"{API}/sessions").json()["count"] == 0
    assert client.get(f"{API}/sessions/{session.pk}").status_code == 404
    assert client.patch(f"{API}/enrolments/{enrolment.pk}", {}, content_type="application/json").status_code == 404
    assert client.patch(f"{API}/participants/{participant.pk}", {}, content_type="application/json").status_code == 404
    assert line.pk  # untouched
    foreign_client = ClientFactory(organisation=other_org)
    assert (
        client.post(
            f"{API}/sessions/{session.pk}/enrolments", {"client_id": foreign_client.pk}, content_type="application/json"
        ).status_code
        == 404
    )
