# SPDX-License-Identifier: AGPL-3.0-or-later
"""Small worlds whose BPF is computed by hand, compared line by line (JSON of the API, the CLI and the page).

The main world (fiscal year 2025, January–December), hours in minutes:
- S1 « Compta » (training T1: NSF 315, objective d, on site), member `member`, trainer `trainer` (an employee
  of the OF itself: internal):
  slots 30/12/2025 09:00–12:30 (210) and 05/01/2026 09:00–12:30 (210), no émargement (planned hours);
  alice (type a), bob (type c), greta cancelled.
- S2 « Titre » (T2: NSF 326, objective a, RNCP level 5, remote), member `other_member`, trainer `xavier`
  (sous-traitant externe): slots 03/03/2025 09:00–12:00 (180) and 13:00–17:00 (240), delivered at a distance
  (a link, no place), émargement entered:
  ana (a) present + present = 420; carl (b) abandon: present then absent = 180; dave (e) late at 10:00
  (120) then present (240) = 360.
- S3 (T1) subcontracted out: slot 10/06/2025 09:00–12:00 (180), erin (d), planned; no trainer.
- S4 (T3: NSF 333, objective b) delivered for another OF: counts only, 4 trainees × 420 min; slot
  10/09/2025 09:00–12:30 (210) by `trainer`.
- S5 cancelled (slot 2025, one trainee): counted nowhere.
Invoices 2025: company 1 000 € − credit note 200 €, OPCO skills plan 2 500 €, OPCO professionalisation
500 €, CPF 800 €, other OF 4 500 €, one without payer 123,45 €; an invoice of 31/12/2024 and a draft: out.
"""

import datetime as dt
import io
import json
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from coopforma.attendance import services as attendance
from coopforma.attendance.models import SlotAttendance
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory, TrainerFactory
from coopforma.reporting.bpf import compute_bpf
from coopforma.reporting.outputs import bpf_json
from coopforma.reporting.tests.factories import issued_invoice
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
VISIO = "https://visio.example.org/titre"


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


def slot(session, start, end, trainers=(), remote_url=""):  # type: ignore[no-untyped-def]
    s = SlotFactory(session=session, starts_at=start, ends_at=end, remote_url=remote_url)
    s.trainers.set(trainers)
    return s


def participant(session, client, name, ptype, **kwargs):  # type: ignore[no-untyped-def]
    enrolment = session.enrolments.filter(client=client).first() or EnrolmentFactory(session=session, client=client)
    p = ParticipantFactory(enrolment=enrolment, bpf_trainee_type=ptype, **kwargs)
    p.trainee.last_name = name
    p.trainee.save()
    return p


@pytest.fixture
def world(org, member, other_member, trainer, admin_actor):  # type: ignore[no-untyped-def]
    trainer.employer = "of"  # an employee of the OF itself: frame E-1
    trainer.save()
    xavier = TrainerFactory(
        organisation=org, member_structure=other_member, status="subcontractor", employer="subcontractor", siret=""
    )
    company = ClientFactory(organisation=org, kind="company", name="Entreprise A")
    other_of = ClientFactory(organisation=org, kind="training_org", name="Autre OF")
    t1 = TrainingFactory(organisation=org, member_structure=member, nsf_code="315", bpf_objective="d")
    t2 = TrainingFactory(
        organisation=org,
        member_structure=other_member,
        nsf_code="326",
        bpf_objective="a",
        rncp_level=5,
        certification_kind="rncp",
        modality="remote",
    )
    t3 = TrainingFactory(organisation=org, member_structure=member, nsf_code="333", bpf_objective="b")

    s1 = SessionFactory(training=t1, title="Compta")
    slot(s1, at(2025, 12, 30, 9), at(2025, 12, 30, 12, 30), [trainer])
    slot(s1, at(2026, 1, 5, 9), at(2026, 1, 5, 12, 30), [trainer])
    alice = participant(s1, company, "Alice", "a")
    participant(s1, company, "Bob", "c")
    participant(s1, company, "Greta", "a", status="cancelled")

    s2 = SessionFactory(training=t2, title="Titre", status="done")
    m1 = slot(s2, at(2025, 3, 3, 9), at(2025, 3, 3, 12), [xavier], VISIO)
    m2 = slot(s2, at(2025, 3, 3, 13), at(2025, 3, 3, 17), [xavier], VISIO)
    ana = participant(s2, company, "Ana", "a", status="completed")
    carl = participant(s2, company, "Carl", "b", status="dropped_out")
    dave = participant(s2, company, "Dave", "e", status="completed")
    for s, p, status, arrival in [
        (m1, ana, "present", None),
        (m2, ana, "present", None),
        (m1, carl, "present", None),
        (m2, carl, "absent", None),
        (m1, dave, "late", dt.time(10, 0)),
        (m2, dave, "present", None),
    ]:
        attendance.attendance_paper_entry(
            actor=admin_actor,
            slot_id=s.pk,
            participant_id=p.pk,
            status=status,
            arrival=arrival,
            reason="Feuille papier signée transcrite après le créneau",
        )

    s3 = SessionFactory(training=t1, title="Sous-traitée", subcontracted_out=True)
    slot(s3, at(2025, 6, 10, 9), at(2025, 6, 10, 12))
    participant(s3, company, "Erin", "d")

    s4 = SessionFactory(
        training=t3, title="Pour un autre OF", start_date=dt.date(2025, 9, 10), end_date=dt.date(2025, 9, 10)
    )
    slot(s4, at(2025, 9, 10, 9), at(2025, 9, 10, 12, 30), [trainer])
    EnrolmentFactory(session=s4, client=other_of, entrusted_trainees=4, entrusted_minutes=4 * 420, price_cents=450000)

    s5 = SessionFactory(training=t1, title="Annulée", status="cancelled")
    slot(s5, at(2025, 4, 1, 9), at(2025, 4, 1, 12), [trainer])
    participant(s5, company, "Hugo", "a")

    def inv(total, payer, scheme="", **kw):  # type: ignore[no-untyped-def]
        return issued_invoice(org=org, client=company, total_ht_cents=total, payer_kind=payer, scheme=scheme, **kw)

    inv(100000, "company", shares={member: 100000})
    inv(20000, "company", kind="credit_note", issued_on=dt.date(2025, 7, 1), shares={member: 20000})
    inv(250000, "opco", "skills_plan", shares={other_member: 250000})
    inv(50000, "opco", "professionalisation")
    inv(80000, "cpf", "cpf")
    inv(450000, "other_of")
    unclassified = inv(12345, "")
    inv(99999, "company", issued_on=dt.date(2024, 12, 31))
    inv(77777, "company", status="draft")
    return {"alice": alice, "s1": s1, "unclassified": unclassified, "t1": t1}


def fig(trainees: int, minutes: int) -> dict:
    return {"trainees": trainees, "hours": f"{minutes / 60:.2f}", "minutes": minutes}


ZERO = fig(0, 0)

EXPECTED_2025 = {
    "C.1": "800.00",
    "C.2a": "0.00",
    "C.2b": "500.00",
    "C.2c": "0.00",
    "C.2d": "0.00",
    "C.2e": "800.00",
    "C.2f": "0.00",
    "C.2g": "0.00",
    "C.2h": "2500.00",
    "C.2": "3800.00",
    "C.3": "0.00",
    "C.4": "0.00",
    "C.5": "0.00",
    "C.6": "0.00",
    "C.7": "0.00",
    "C.8": "0.00",
    "C.9": "0.00",
    "C.10": "4500.00",
    "C.11": "0.00",
    "C.total": "9100.00",
    "C.unclassified": "123.45",
    "D.total": None,
    "D.trainer_salaries": None,
    "D.purchases": None,
    "E.internal.persons": 1,
    "E.internal.hours": "7.00",
    "E.external.persons": 1,
    "E.external.hours": "7.00",
    "F1.a": fig(2, 630),
    "F1.b": fig(1, 180),
    "F1.c": fig(1, 210),
    "F1.d": fig(1, 180),
    "F1.e": fig(1, 360),
    "F1.total": fig(6, 1560),
    "F1.remote": fig(3, 960),
    "F2": fig(1, 180),
    "F3.a": fig(3, 960),
    "F3.a.level_6_8": ZERO,
    "F3.a.level_5": fig(3, 960),
    "F3.a.level_4": ZERO,
    "F3.a.level_3": ZERO,
    "F3.a.level_2": ZERO,
    "F3.a.cqp_no_level": ZERO,
    "F3.b": ZERO,
    "F3.c": ZERO,
    "F3.d": fig(3, 600),
    "F3.e": ZERO,
    "F3.f": ZERO,
    "F3.total": fig(6, 1560),
    "F4": [
        {"nsf": "326", "label": "Informatique, traitement de l'information, réseaux de transmission", **fig(3, 960)},
        {"nsf": "315", "label": "Ressources humaines, gestion du personnel, gestion de l'emploi", **fig(3, 600)},
    ],
    "F4.others": ZERO,
    "F4.total": fig(6, 1560),
    "G": fig(4, 1680),
}


def compare(data: dict, expected: dict) -> None:
    for key, value in expected.items():
        got = data[key]
        if key == "F4":
            assert [(i["nsf"], i["trainees"], i["minutes"]) for i in got] == [
                (i["nsf"], i["trainees"], i["minutes"]) for i in value
            ], key
            assert all(i["label"] for i in got)
            continue
        assert got == value, f"{key}: {got!r} != {value!r}"


def test_every_line_of_the_main_world_through_the_api(world, api, admin_user, org):
    response = api(admin_user, org).get("/api/v1/bpf/2025")
    assert response.status_code == 200
    data = response.json()
    compare(data, EXPECTED_2025)
    assert data["A"]["nda"] == org.nda and data["B"]["fiscal_year_start"] == "2025-01-01"
    assert data["B"]["fiscal_year_end"] == "2025-12-31" and data["B"]["remote_actions"] is True
    assert data["is_cerfa"] is True
    checks = {c["code"]: c["ok"] for c in data["checks"]}
    assert checks == {
        "F1_F3_F4": True,
        "F1_sum": True,
        "F3a_levels": True,
        "F2_in_F1": True,
        "C2_sum": True,
        "C_total": True,
        "C_classified": False,
        "D_entered": False,
    }
    codes = [(a["code"], a["object_id"]) for a in data["anomalies"] if a["severity"] == "error"]
    assert codes == [("invoice_payer", world["unclassified"].pk)]
    assert data["anomalies"][0]["url"] == f"/o/{org.slug}/billing/{world['unclassified'].pk}/"
    planned = {a["object_id"] for a in data["anomalies"] if a["code"] == "planned_hours"}
    assert world["s1"].pk in planned and len(planned) == 3  # S1, S3 and S4 (no émargement in 2025)
    assert data["can_file"] is False


def test_the_api_answers_the_json_export_through_its_typed_schema(world, api, admin_user, org, admin_actor):
    """`BpfOut` (the OpenAPI's schema of /bpf/{year}) changes nothing of the body: the same keys in the same
    order, the same values as the JSON export of the page."""
    from django.core.serializers.json import DjangoJSONEncoder

    from coopforma.reporting import selectors

    response = api(admin_user, org).get("/api/v1/bpf/2025")
    expected = json.loads(json.dumps(bpf_json(selectors.bpf_get(actor=admin_actor, year=2025)), cls=DjangoJSONEncoder))
    assert list(response.json()) == list(expected)
    assert response.json() == expected


def test_the_session_spanning_two_years_is_split_by_slot_date(world, org):
    data = bpf_json(compute_bpf(org, 2026))
    compare(
        data,
        {
            "F1.a": fig(1, 210),
            "F1.c": fig(1, 210),
            "F1.total": fig(2, 420),
            "F3.d": fig(2, 420),
            "F4.total": fig(2, 420),
            "E.internal.persons": 1,
            "E.internal.hours": "3.50",
            "E.external.persons": 0,
            "C.total": "0.00",
            "G": ZERO,
        },
    )


def test_a_fiscal_year_starting_in_july_takes_the_slots_of_its_own_dates(world, org):
    org.fiscal_year_start_month = 7
    org.save()
    data = bpf_json(compute_bpf(org, 2026))  # 01/07/2025 – 30/06/2026: S1 whole, S4; not S2, S3
    assert data["B"]["fiscal_year_start"] == "2025-07-01" and data["B"]["fiscal_year_end"] == "2026-06-30"
    compare(data, {"F1.total": fig(2, 840), "G": fig(4, 1680), "E.internal.hours": "10.50", "C.1": "-200.00"})


def test_the_cli_prints_the_same_json_and_csv(world, org):
    out = io.StringIO()
    call_command("bpf", "--org", org.slug, "--year", "2025", "--format", "json", stdout=out)
    compare(json.loads(out.getvalue()), EXPECTED_2025)
    out = io.StringIO()
    call_command("bpf", "--year", "2025", "--format", "csv", stdout=out)  # one organisation: --org optional
    lines = out.getvalue().splitlines()
    assert lines[0] == "Repère Cerfa;Libellé;Stagiaires ou personnes;Heures;Euros"
    assert "C;Total des produits réalisés au titre de la formation professionnelle;;;9100,00" in lines
    assert "F-1;Total (1);6;26,00;" in lines
    assert any(line.startswith("G;") and ";4;28,00;" in line for line in lines)
    assert "F3.a.level_6_8" not in out.getvalue() and "D.trainer_salaries" not in out.getvalue()


def test_the_cli_says_what_is_wrong(world, org, other_org):
    with pytest.raises(CommandError, match="--org"):
        call_command("bpf", "--year", "2025", stdout=io.StringIO())
    with pytest.raises(CommandError, match="inconnue"):
        call_command("bpf", "--org", "nope", "--year", "2025", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Exercice invalide"):
        call_command("bpf", "--org", org.slug, "--year", "1789", stdout=io.StringIO())


def test_fixing_an_anomaly_from_its_link_moves_the_figure(world, org, admin_user, web):
    """Done means: open the BPF, follow an anomaly's link, fix it, see the figure move."""
    alice = world["alice"]
    alice.bpf_trainee_type = ""
    alice.save()
    client = web(admin_user)
    page = client.get(f"/o/{org.slug}/bpf/?year=2025").content.decode()
    link = f"/o/{org.slug}/sessions/{alice.session_id}/participants/{alice.pk}/"
    assert link in page and "type de stagiaire (a à e) non renseigné" in page
    before = client.get(f"/o/{org.slug}/bpf/2025/bpf.json").json()
    assert before["F1.a"] == fig(1, 420) and before["F1.total"] == fig(5, 1350)
    assert before["F3.total"] == fig(6, 1560)
    assert {c["code"]: c["ok"] for c in before["checks"]}["F1_F3_F4"] is False
    from coopforma.training_sessions.models import Participant

    Participant.objects.filter(pk=alice.pk).update(bpf_trainee_type="a")  # what the participant form saves
    after = client.get(f"/o/{org.slug}/bpf/2025/bpf.json").json()
    assert after["F1.a"] == fig(2, 630) and after["F1.total"] == fig(6, 1560)
    assert {c["code"]: c["ok"] for c in after["checks"]}["F1_F3_F4"] is True


def test_a_training_without_nsf_or_objective_is_an_error_with_its_link(world, org):
    t1 = world["t1"]
    t1.nsf_code = ""
    t1.bpf_objective = ""
    t1.save()
    bpf = compute_bpf(org, 2025)
    found = {(a.code, a.url) for a in bpf.anomalies}
    edit = f"/o/{org.slug}/catalogue/{t1.pk}/edit/"
    assert ("training_nsf", edit) in found and ("training_objective", edit) in found
    assert bpf.f3["F3.total"].trainees == 3 and bpf.f4_total.trainees == 3 and bpf.f1["F1.total"].trainees == 6
    assert not bpf.can_file


def test_the_session_pilot_flags_zero_hours_zero_price_and_no_trainee(org, member):
    training = TrainingFactory(organisation=org, member_structure=member)
    empty = SessionFactory(training=training, title="Sans créneau")
    lonely = SessionFactory(training=training, title="Sans stagiaire")
    slot(lonely, at(2025, 5, 5, 9), at(2025, 5, 5, 12))
    EnrolmentFactory(session=lonely, price_cents=0)
    draft = SessionFactory(training=training, title="Brouillon", status="draft")
    slot(draft, at(2025, 5, 6, 9), at(2025, 5, 6, 12))
    year = empty.created_at.astimezone(PARIS).year
    codes = {(a.code, a.object_id) for a in compute_bpf(org, year).anomalies}
    assert ("session_no_hours", empty.pk) in codes
    codes_2025 = {(a.code, a.object_id) for a in compute_bpf(org, 2025).anomalies}
    assert ("session_no_trainee", lonely.pk) in codes_2025
    assert ("session_zero_price", lonely.pk) in codes_2025
    assert ("session_draft", draft.pk) in codes_2025


def test_the_member_report_is_not_a_cerfa_and_keeps_to_its_structure(world, org, member, manager_user, api, web):
    data = api(manager_user, org).get(f"/api/v1/bpf/2025/members/{member.pk}").json()
    assert data["is_cerfa"] is False and data["member_structure"]["id"] == member.pk
    compare(
        data,
        {
            "C.1": "800.00",
            "C.2": "0.00",
            "C.total": "800.00",
            "F1.a": fig(1, 210),
            "F1.c": fig(1, 210),
            "F1.d": fig(1, 180),
            "F1.total": fig(3, 600),
            "F2": fig(1, 180),
            "F1.remote": ZERO,
            "E.internal.persons": 1,
            "E.internal.hours": "7.00",
            "E.external.persons": 0,
            "G": fig(4, 1680),
            "D.total": None,
        },
    )
    page = web(manager_user).get(f"/o/{org.slug}/bpf/2025/members/{member.pk}/")
    assert page.status_code == 200 and "pas un Cerfa." in page.content.decode()


def test_the_pdf_gives_the_share_of_turnover_from_training(world, org, admin_user, web):
    from pypdf import PdfReader

    from coopforma.reporting.models import BpfCharges

    BpfCharges.objects.create(
        organisation=org, fiscal_year=2025, total_charges_cents=318500, turnover_cents=1820000, address_public=True
    )
    pdf = web(admin_user).get(f"/o/{org.slug}/bpf/2025/bpf.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'").split())
    # 9 100 / 18 200 = 50 %; the charges in euros, not « 3185.00 ».
    assert "réalisée dans la formation professionnelle : 50,00 %" in text
    assert "liées à l'activité de formation 3 185,00 €" in text and "3185.00" not in text
    assert "rendue publique ? oui" in text


def test_frame_d_entered_by_hand(world, org, admin_user, web):
    client = web(admin_user)
    bad = client.post(
        f"/o/{org.slug}/bpf/2025/charges/",
        {"total_charges_cents": "1000", "trainer_salaries_cents": "800", "purchases_cents": "300"},
    )
    assert bad.status_code == 400 and "ne peut pas le dépasser" in bad.content.decode()
    assert 'value="800"' in bad.content.decode()  # the input is kept
    ok = client.post(
        f"/o/{org.slug}/bpf/2025/charges/",
        {
            "total_charges_cents": "6 000,50",
            "trainer_salaries_cents": "3000",
            "purchases_cents": "1500",
            "turnover_cents": "18200",
        },
    )
    assert ok.status_code == 302
    data = client.get(f"/o/{org.slug}/bpf/2025/bpf.json").json()
    assert (data["D.total"], data["D.trainer_salaries"], data["D.purchases"]) == ("6000.50", "3000.00", "1500.00")
    assert data["C.training_share_percent"] == "50.00"
    assert {c["code"]: c["ok"] for c in data["checks"]}["D_entered"] is True


def test_the_page_pdf_and_csv(world, org, admin_user, web):
    from pypdf import PdfReader

    client = web(admin_user)
    page = client.get(f"/o/{org.slug}/bpf/?year=2025")
    html = page.content.decode()
    assert page.status_code == 200 and "Bilan pédagogique et financier 2025" in html
    assert f"/o/{org.slug}/bpf/2025/lines/C.2h/" in html and "2\u202f500,00" in html
    pdf = client.get(f"/o/{org.slug}/bpf/2025/bpf.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'").split())
    assert "Bilan pédagogique et financier 2025" in text
    # Frame A in full, B, the share of turnover, French money and hours; no key, no raw number.
    for label in (
        "A. Identification",
        "Numéro de déclaration d'activité",
        f"Forme juridique {org.legal_form or '—'}",
        f"SIRET {org.siret}",
        "Acceptez-vous que cette adresse soit rendue publique ? non saisi",
        "Courriel",
        "à distance ? oui",
        "Entreprises pour la formation de leurs salarié·es 800,00 €",
        "Total des produits réalisés au titre de la formation professionnelle 9 100,00 €",
        "Part du chiffre d'affaires global réalisée dans la formation professionnelle : non calculée",
        "dont salaires des formateurs non saisi",
        "Total (1) 6 26 h",
        "Stagiaires dont la formation a été confiée par un autre organisme de formation (5) 4 28 h",
    ):
        assert label in text, label
    for key in ("D.trainer_salaries", "C.10", "F1.a", "9100.00", "26.00", "E.internal"):
        assert key not in text, key
    csv = client.get(f"/o/{org.slug}/bpf/2025/bpf.csv").content.decode("utf-8-sig")
    assert "C.10;Autres organismes de formation (y compris CFA);;;4500,00" in csv
    assert "F-3 a;dont de niveau 6 à 8" in csv and "level_6_8" not in csv


def test_a_bad_year_is_a_clear_not_found(org, admin_user, web, api):
    assert web(admin_user).get(f"/o/{org.slug}/bpf/?year=abc").status_code == 404
    assert api(admin_user, org).get("/api/v1/bpf/1800").status_code == 404


def test_the_emargement_state_decides_between_planned_and_attended_hours(
    org, member, admin_actor, admin_user, api, web, settings, tmp_path
):
    """Four one-hour slots of 2025: no émargement, a pending chain holding only the paper scan (planned hours
    both), an opened chain with nobody marked and a closed one where only Paula was present (attended hours).
    Paula: 60 + 60 + 0 + 60 = 180; Chris: 60 + 60 + 0 + 0 = 120; Dora (abandon, never present) counts nowhere."""
    settings.MEDIA_ROOT = tmp_path
    company = ClientFactory(organisation=org, kind="company")
    training = TrainingFactory(organisation=org, member_structure=member, nsf_code="315", bpf_objective="d")
    session = SessionFactory(training=training, title="États")
    _no_emargement, scan_only, opened, closed = (
        slot(session, at(2025, 4, d, 9), at(2025, 4, d, 10)) for d in (7, 8, 9, 10)
    )
    paula = participant(session, company, "Paula", "a")
    participant(session, company, "Chris", "c")
    participant(session, company, "Dora", "a", status="dropped_out")
    attendance.paper_scan_upload(
        actor=admin_actor, slot_id=scan_only.pk, upload=SimpleUploadedFile("feuille.pdf", b"%PDF-1.4 signed sheet")
    )
    attendance.slot_open(actor=admin_actor, slot_id=opened.pk, now=opened.starts_at)
    attendance.slot_open(actor=admin_actor, slot_id=closed.pk, now=closed.starts_at)
    attendance.attendance_paper_entry(
        actor=admin_actor,
        slot_id=closed.pk,
        participant_id=paula.pk,
        status="present",
        reason="Feuille papier signée transcrite après le créneau",
    )
    attendance.slot_close(actor=admin_actor, slot_id=closed.pk, trainer_name="Formatrice", now=closed.ends_at)
    states = dict(SlotAttendance.objects.filter(slot__session=session).values_list("slot_id", "state"))
    assert states == {scan_only.pk: "pending", opened.pk: "open", closed.pk: "closed"}

    data = api(admin_user, org).get("/api/v1/bpf/2025").json()
    compare(data, {"F1.a": fig(1, 180), "F1.c": fig(1, 120), "F1.total": fig(2, 300), "F3.d": fig(2, 300)})
    planned = [a["object_id"] for a in data["anomalies"] if a["code"] == "planned_hours"]
    assert planned == [session.pk]
    # The drill-down gives each row the same hours as the figure.
    page = web(admin_user).get(f"/o/{org.slug}/bpf/2025/lines/F1.total/").content.decode()
    assert "Paula" in page and "Chris" in page and "Dora" not in page
    assert "3\u00a0h" in page and "2\u00a0h" in page


def test_the_remote_line_follows_the_slots_delivered_at_a_distance_not_the_catalogue(world, org, admin_user, api):
    """S2's training stays « à distance » in the catalogue but its slots move on site: F-1 « dont à distance »
    empties and B says no; then S1's 2025 slot (an on-site training) is given a link and no place: Alice and Bob
    count there, with that slot's 210 minutes each."""
    from coopforma.training_sessions.models import Slot

    client = api(admin_user, org)
    Slot.objects.filter(remote_url=VISIO).update(remote_url="")
    data = client.get("/api/v1/bpf/2025").json()
    assert data["F1.remote"] == ZERO and data["B"]["remote_actions"] is False
    Slot.objects.filter(session=world["s1"], starts_at__year=2025).update(remote_url="https://visio.example.org/c")
    data = client.get("/api/v1/bpf/2025").json()
    assert data["F1.remote"] == fig(2, 420) and data["B"]["remote_actions"] is True
    assert data["F1.total"] == fig(6, 1560)  # the other lines do not move


def test_a_cqp_without_level_counts_on_its_own_line(org, member, admin_user, api):
    company = ClientFactory(organisation=org, kind="company")
    training = TrainingFactory(
        organisation=org,
        member_structure=member,
        nsf_code="315",
        bpf_objective="a",
        certification_kind="rncp",
        rncp_level=0,
    )
    session = SessionFactory(training=training, title="CQP")
    slot(session, at(2025, 5, 5, 9), at(2025, 5, 5, 12))
    participant(session, company, "Cyril", "a")
    data = api(admin_user, org).get("/api/v1/bpf/2025").json()
    assert data["F3.a.cqp_no_level"] == fig(1, 180) and data["F3.a"] == fig(1, 180)
    assert data["F3.a.level_2"] == ZERO
