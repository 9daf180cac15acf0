# SPDX-License-Identifier: AGPL-3.0-or-later
"""Frame E in a shared OF, F-2 and D for a member structure holding its own NDA: a world computed by hand.

Member structures: « Coop A » (a CAE, no NDA), « Scop B » (holds its own NDA 11755555575).
Trainers, by who employs them seen from the OF:
- Karim, employee of the OF itself (employer « of »)            -> E-1 (personne de votre organisme)
- Ines, entrepreneure-salariée of Coop A (« member »)            -> E-2
- Jules, salarié of Scop B (« member »)                          -> E-2
- Léa, independent through her own company (« own_company »)    -> E-2
- Marc, external subcontractor, in no member structure          -> E-2
Sessions of 2025 (planned hours, one trainee each):
- SA (Coop A): 10/03 09:00–12:00 (180) by Ines and Karim, 11/03 09:00–12:00 (180) by Ines; Alma (a).
- SB (Scop B, so subcontracting): 01/04 09:00–13:00 (240) by Jules; Basile (a).
- SC (Coop A): 05/05 09:00–12:00 (180) by Marc, 06/05 09:00–11:00 (120) by Léa; Chloé (c).
E-1: 1 person, 180 min (3.00 h). E-2: 4 persons, 360 + 240 + 180 + 120 = 900 min (15.00 h).
F-1: a 2 / 600, c 1 / 300; total 3 / 900. F-2: Basile, 1 / 240.
Invoices 2025: SB 1 000 € (share of Scop B: basis 1 000 €, contribution 100 €, due 900 €), SA 500 € (share of
Coop A: due 450 €, not subcontracting). D entered: purchases 500 € < 900 € due to Scop B -> a warning.
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.models import MemberStructure, Trainer
from coopforma.people.tests.factories import ClientFactory, TrainerFactory
from coopforma.reporting.models import BpfCharges
from coopforma.reporting.tests.factories import issued_invoice
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(m: int, d: int, h: int) -> dt.datetime:
    return dt.datetime(2025, m, d, h, tzinfo=PARIS)


def fig(trainees: int, minutes: int) -> dict:
    return {"trainees": trainees, "hours": f"{minutes / 60:.2f}", "minutes": minutes}


@pytest.fixture
def e_world(org):  # type: ignore[no-untyped-def]
    coop = MemberStructure.objects.create(organisation=org, name="Coop A", kind="cae")
    scop = MemberStructure.objects.create(organisation=org, name="Scop B", kind="scop", nda="11755555575")
    karim = TrainerFactory(organisation=org, member_structure=coop, first_name="Karim", employer="of")
    ines = TrainerFactory(organisation=org, member_structure=coop, first_name="Ines", employer="member")
    jules = TrainerFactory(organisation=org, member_structure=scop, first_name="Jules", employer="member")
    lea = TrainerFactory(organisation=org, member_structure=coop, first_name="Léa", employer="own_company")
    marc = TrainerFactory(
        organisation=org,
        member_structure=None,
        first_name="Marc",
        status="subcontractor",
        employer="subcontractor",
        siret="73282932000074",
    )
    company = ClientFactory(organisation=org, kind="company", name="Entreprise E")
    training = TrainingFactory(organisation=org, member_structure=coop, nsf_code="315", bpf_objective="d")

    def session(member: MemberStructure, title: str, slots: list, trainee: str, ptype: str):  # type: ignore[no-untyped-def]
        s = SessionFactory(training=training, member_structure=member, title=title)
        for start, end, trainers in slots:
            SlotFactory(session=s, starts_at=start, ends_at=end).trainers.set(trainers)
        p = ParticipantFactory(enrolment=EnrolmentFactory(session=s, client=company), bpf_trainee_type=ptype)
        p.trainee.last_name = trainee
        p.trainee.save()
        return s

    sa = session(
        coop, "SA", [(at(3, 10, 9), at(3, 10, 12), [ines, karim]), (at(3, 11, 9), at(3, 11, 12), [ines])], "Alma", "a"
    )
    sb = session(scop, "SB", [(at(4, 1, 9), at(4, 1, 13), [jules])], "Basile", "a")
    session(coop, "SC", [(at(5, 5, 9), at(5, 5, 12), [marc]), (at(5, 6, 9), at(5, 6, 11), [lea])], "Chloé", "c")
    issued_invoice(org=org, client=company, total_ht_cents=100000, session=sb, shares={scop: 100000})
    issued_invoice(org=org, client=company, total_ht_cents=50000, session=sa, shares={coop: 50000})
    return {"coop": coop, "scop": scop, "marc": marc}


def test_frame_e_counts_only_the_ofs_own_staff_as_its_persons(e_world, org, admin_user, api):
    data = api(admin_user, org).get("/api/v1/bpf/2025").json()
    assert (data["E.internal.persons"], data["E.internal.hours"]) == (1, "3.00")
    assert (data["E.external.persons"], data["E.external.hours"]) == (4, "15.00")
    assert data["F1.a"] == fig(2, 600) and data["F1.c"] == fig(1, 300) and data["F1.total"] == fig(3, 900)
    assert data["F2"] == fig(1, 240)  # SB: delivered by a member structure holding its own NDA
    assert data["D.member_subcontracting"] == "900.00"
    assert {c["code"]: c["ok"] for c in data["checks"]}["F2_in_F1"] is True


def test_the_drilldowns_list_the_persons_and_the_subcontracted_trainees(e_world, org, admin_user, web):
    client = web(admin_user)
    external = client.get(f"/o/{org.slug}/bpf/2025/lines/E.external/").content.decode()
    assert all(name in external for name in ("Ines", "Jules", "Léa", "Marc")) and "Karim" not in external
    assert "Sous-traitant·e externe (organisme hors structures membres)" in external
    internal = client.get(f"/o/{org.slug}/bpf/2025/lines/E.internal/").content.decode()
    assert "Karim" in internal and "Ines" not in internal
    f2 = client.get(f"/o/{org.slug}/bpf/2025/lines/F2/").content.decode()
    assert "Basile" in f2 and "Alma" not in f2 and "Chloé" not in f2
    page = client.get(f"/o/{org.slug}/bpf/?year=2025").content.decode()
    assert reverse("quality:checks", kwargs={"org": org.slug}) in page  # indicator 27: the link, nothing else
    assert "900,00" in page  # D: what is due to the member structure holding its own NDA


def test_purchases_below_what_is_due_to_subcontracting_members_is_a_warning(e_world, org, admin_user, api):
    BpfCharges.objects.create(
        organisation=org, fiscal_year=2025, total_charges_cents=200000, trainer_salaries_cents=0, purchases_cents=50000
    )
    data = api(admin_user, org).get("/api/v1/bpf/2025").json()
    [warning] = [a for a in data["anomalies"] if a["code"] == "purchases_short"]
    assert warning["frame"] == "D" and "500,00\u00a0€" in warning["message"] and "900,00\u00a0€" in warning["message"]
    BpfCharges.objects.filter(organisation=org).update(purchases_cents=90000)
    data = api(admin_user, org).get("/api/v1/bpf/2025").json()
    assert "purchases_short" not in {a["code"] for a in data["anomalies"]}


def test_an_external_subcontractor_needs_no_member_structure(org, admin_user, manager_user, web, api):
    """Admin creates one without a structure through the form; a manager may not (only for their structures);
    a trainer who is not a subcontractor still needs one."""
    response = web(admin_user).post(
        f"/o/{org.slug}/people/trainers/new/",
        {
            "member_structure": "",
            "first_name": "Sofia",
            "last_name": "Sous-Traitante",
            "email": "sofia@ex.fr",
            "status": "subcontractor",
            "employer": "subcontractor",
            "siret": "73282932000074",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sofia = Trainer.objects.get(email="sofia@ex.fr")
    assert sofia.member_structure is None and sofia.employer == "subcontractor"
    page = web(admin_user).get(f"/o/{org.slug}/people/trainers/{sofia.pk}/").content.decode()
    assert "Aucune (sous-traitant·e externe)" in page and "BPF cadre E : personne extérieure" in page
    refused = api(admin_user, org).post(
        "/api/v1/trainers",
        {"first_name": "Eva", "last_name": "Employée", "email": "eva@ex.fr", "status": "employee"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "seul·e un·e sous-traitant·e externe" in str(refused.json())
    by_manager = api(manager_user, org).post(
        "/api/v1/trainers",
        {
            "first_name": "Max",
            "last_name": "Ext",
            "email": "max@ex.fr",
            "status": "subcontractor",
            "siret": "73282932000074",
        },
        content_type="application/json",
    )
    assert by_manager.status_code == 422 and "vos structures" in str(by_manager.json())
    assert not Trainer.objects.filter(email__in=["eva@ex.fr", "max@ex.fr"]).exists()
