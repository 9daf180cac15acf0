# SPDX-License-Identifier: AGPL-3.0-or-later
"""Frame G (trainees entrusted to us by another OF) in a world computed by hand, across two fiscal years.

- SG1 (training NSF 333, objective b), slots 15/12/2025 09:00–12:00 (180), 16/12/2025 09:00–12:00 (180),
  12/01/2026 09:00–13:00 (240): 600 minutes, 360 of them in 2025.
  « Formaterra » entrusts 3 trainees, 1 800 trainee-minutes (counts only):
    2025: floor(1800 × 360 / 600) = 1080; 2026: 1800 − 1080 = 720.
  « Savoirs OF » entrusts 2 trainees, 1 001 trainee-minutes (counts only):
    2025: floor(1001 × 360 / 600) = floor(600.6) = 600; 2026: 1001 − 600 = 401.
- SG2 (same training), slots 20/12/2025 09:00–12:00 (180) and 06/01/2026 14:00–17:00 (180), for « Formaterra »
  with named trainees added through the API and their émargement: Nora present twice (180 + 180), Omar
  present in 2025, absent in 2026 (180 + 0).
- One invoice to Formaterra (C-10) of 4 500 € issued 31/12/2025.

2025: G = 3 + 2 + 2 trainees, 1080 + 600 + 360 = 2040 minutes; F empty; C-10 = 4 500 €.
2026: G = 3 + 2 + 1 trainees (Omar has no hour in 2026), 720 + 401 + 180 = 1301 minutes.
"""

import datetime as dt
import zoneinfo

import pytest

from coopforma.attendance import services as attendance
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.reporting.tests.factories import issued_invoice
from coopforma.training_sessions.models import Participant
from coopforma.training_sessions.tests.factories import EnrolmentFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(y: int, m: int, d: int, h: int) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=PARIS)


def fig(trainees: int, minutes: int) -> dict:
    return {"trainees": trainees, "hours": f"{minutes / 60:.2f}", "minutes": minutes}


@pytest.fixture
def g_world(org, member, admin_user, admin_actor, api):  # type: ignore[no-untyped-def]
    formaterra = ClientFactory(organisation=org, kind="training_org", name="Formaterra", nda="11755555575")
    savoirs = ClientFactory(organisation=org, kind="training_org", name="Savoirs OF", nda="11756666675")
    training = TrainingFactory(organisation=org, member_structure=member, nsf_code="333", bpf_objective="b")
    sg1 = SessionFactory(training=training, title="Confiée en nombre")
    for start, end in [
        (at(2025, 12, 15, 9), at(2025, 12, 15, 12)),
        (at(2025, 12, 16, 9), at(2025, 12, 16, 12)),
        (at(2026, 1, 12, 9), at(2026, 1, 12, 13)),
    ]:
        SlotFactory(session=sg1, starts_at=start, ends_at=end)
    EnrolmentFactory(session=sg1, client=formaterra, entrusted_trainees=3, entrusted_minutes=1800)
    EnrolmentFactory(session=sg1, client=savoirs, entrusted_trainees=2, entrusted_minutes=1001)

    sg2 = SessionFactory(training=training, title="Confiée nominativement")
    december = SlotFactory(session=sg2, starts_at=at(2025, 12, 20, 9), ends_at=at(2025, 12, 20, 12))
    january = SlotFactory(session=sg2, starts_at=at(2026, 1, 6, 14), ends_at=at(2026, 1, 6, 17))
    enrolment = EnrolmentFactory(session=sg2, client=formaterra)
    client = api(admin_user, org)
    named = {}
    for first, last in [("Nora", "Nadir"), ("Omar", "Oufkir")]:
        response = client.post(
            f"/api/v1/sessions/{sg2.pk}/trainees",
            {"enrolment_id": enrolment.pk, "first_name": first, "last_name": last, "email": f"{first}@ex.fr"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        named[first] = Participant.objects.get(pk=response.json()["id"])
    for slot, who, status in [
        (december, "Nora", "present"),
        (december, "Omar", "present"),
        (january, "Nora", "present"),
        (january, "Omar", "absent"),
    ]:
        attendance.attendance_paper_entry(
            actor=admin_actor,
            slot_id=slot.pk,
            participant_id=named[who].pk,
            status=status,
            reason="Feuille papier signée transcrite après le créneau",
        )
    issued_invoice(
        org=org, client=formaterra, total_ht_cents=450000, payer_kind="other_of", issued_on=dt.date(2025, 12, 31)
    )
    return {"sg1": sg1, "sg2": sg2, "formaterra": formaterra, "enrolment": enrolment, "named": named}


def test_entrusted_trainees_count_in_the_fiscal_year_of_each_slot(g_world, org, admin_user, api):
    client = api(admin_user, org)
    y2025 = client.get("/api/v1/bpf/2025").json()
    assert y2025["G"] == fig(7, 2040)
    assert y2025["C.10"] == "4500.00"
    assert y2025["F1.total"] == fig(0, 0) and y2025["F3.total"] == fig(0, 0) and y2025["F4.total"] == fig(0, 0)
    assert "entrusted_missing" not in {a["code"] for a in y2025["anomalies"]}
    y2026 = client.get("/api/v1/bpf/2026").json()
    assert y2026["G"] == fig(6, 1301)
    assert y2026["C.10"] == "0.00" and y2026["F1.total"] == fig(0, 0)


def test_a_year_starting_in_july_takes_every_slot_of_the_world(g_world, org, admin_user, api):
    org.fiscal_year_start_month = 7
    org.save()
    data = api(admin_user, org).get("/api/v1/bpf/2026").json()  # 01/07/2025 – 30/06/2026: every slot
    assert data["G"] == fig(7, 1800 + 1001 + 360 + 180)


def test_the_g_drilldown_gives_each_enrolment_its_share_of_the_year(g_world, org, admin_user, web):
    page = web(admin_user).get(f"/o/{org.slug}/bpf/2026/lines/G/").content.decode()
    assert "Nadir" in page and "Oufkir" not in page  # Omar has no hour in 2026
    assert "Formaterra" in page and "Savoirs OF" in page
    assert "12\u00a0h" in page and "6\u00a0h\u00a041" in page  # 720 and 401 minutes


def test_revenue_from_another_of_without_any_trainee_in_g_is_a_warning(org, member, admin_user, api):
    formaterra = ClientFactory(organisation=org, kind="training_org", name="Formaterra", nda="11755555575")
    issued_invoice(org=org, client=formaterra, total_ht_cents=120000, payer_kind="other_of")
    data = api(admin_user, org).get("/api/v1/bpf/2025").json()
    assert data["G"] == fig(0, 0) and data["C.10"] == "1200.00"
    [warning] = [a for a in data["anomalies"] if a["code"] == "entrusted_missing"]
    assert warning["severity"] == "warning" and warning["frame"] == "G"
    assert "1\u202f200,00\u00a0€" in warning["message"] and "cadre G" in warning["message"]
    assert warning["url"] == f"/o/{org.slug}/bpf/2025/lines/C.10/"


def test_named_trainees_and_counts_are_not_mixed_on_one_enrolment(g_world, org, admin_user, api):
    client = api(admin_user, org)
    sg1 = g_world["sg1"]
    counted = sg1.enrolments.get(client=g_world["formaterra"])
    response = client.post(
        f"/api/v1/sessions/{sg1.pk}/trainees",
        {"enrolment_id": counted.pk, "first_name": "Paul", "last_name": "Pic", "email": "paul@ex.fr"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "en nombre" in response.content.decode()
    assert not Participant.objects.filter(enrolment=counted).exists()
    named = g_world["enrolment"]
    response = client.patch(
        f"/api/v1/enrolments/{named.pk}", {"entrusted_trainees": 2}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "deux fois" in response.content.decode()
    named.refresh_from_db()
    assert named.entrusted_trainees == 0
