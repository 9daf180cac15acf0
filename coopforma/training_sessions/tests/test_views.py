# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt

import pytest
import time_machine

from coopforma.core.models import ActivityLog
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.models import Enrolment, FundingLine, Participant, Session, Slot
from coopforma.training_sessions.tests.conftest import paris
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    PlaceFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def url(org, path=""):  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/sessions/{path}"


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- List ---------------------------------------------------------------------------------------------------


def test_list_shows_counts_badges_and_filters(web, admin_user, org, session, other_session, company, partner_of):
    SlotFactory(session=session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    session.start_date, session.end_date, session.total_minutes = dt.date(2026, 3, 2), dt.date(2026, 3, 2), 210
    session.save()
    ParticipantFactory(enrolment=EnrolmentFactory(session=session, client=company))
    EnrolmentFactory(session=other_session, client=partner_of, entrusted_trainees=4)
    browser = web(admin_user)
    page = html(browser.get(url(org)))
    assert "Réunions coopératives — mars" in page and "Gouvernance partagée — avril" in page
    assert "1&nbsp;/&nbsp;12" in page and "4&nbsp;/&nbsp;12" in page
    assert "Intra" in page and "Sous-traitance" in page
    assert "3\xa0h\xa030" in page and "02/03/2026" in page
    filtered = html(browser.get(url(org), {"q": "gouvernance"}))
    assert "Gouvernance partagée — avril" in filtered and "Réunions coopératives — mars" not in filtered
    by_trainer = html(browser.get(url(org), {"trainer": session.trainers.get().pk}))
    assert "Réunions coopératives — mars" in by_trainer and "Gouvernance partagée — avril" not in by_trainer
    by_year = html(browser.get(url(org), {"year": 2026}))
    assert "Réunions coopératives — mars" in by_year and "Gouvernance partagée — avril" not in by_year
    subcontracted = html(browser.get(url(org), {"audience": "subcontracted"}))
    assert "Gouvernance partagée — avril" in subcontracted and "Réunions coopératives — mars" not in subcontracted


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))
def test_list_upcoming(web, admin_user, org, session, other_session):
    Session.objects.filter(pk=session.pk).update(start_date=dt.date(2026, 3, 2), end_date=dt.date(2026, 3, 3))
    Session.objects.filter(pk=other_session.pk).update(start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 12))
    page = html(web(admin_user).get(url(org), {"upcoming": "on"}))
    assert "Gouvernance partagée — avril" in page and "Réunions coopératives — mars" not in page


def test_list_is_scoped(web, trainer_user, trainer, org, session, other_session):
    page = html(web(trainer_user).get(url(org)))
    assert "Réunions coopératives — mars" in page and "Gouvernance partagée — avril" not in page


# --- Create -------------------------------------------------------------------------------------------------


def test_create_prefills_the_training(web, manager_user, org, training):
    page = html(web(manager_user).get(url(org, f"new/?training={training.pk}")))
    assert f'<option value="{training.pk}" selected>Animer une réunion coopérative</option>' in page


def test_create_valid_with_first_day(web, manager_user, org, training, place):
    response = web(manager_user).post(
        url(org, "new/"),
        {
            "training": training.pk,
            "title": "Session de printemps",
            "status": "confirmed",
            "min_capacity": 2,
            "max_capacity": 10,
            "place": place.pk,
            "first_date": "2026-04-07",
            "first_period": "am",
            "days": 1,
        },
    )
    session = Session.objects.get(title="Session de printemps")
    assert response.status_code == 302 and response["Location"] == url(org, f"{session.pk}/")
    assert (session.status, session.max_capacity, session.total_minutes) == ("confirmed", 10, 210)
    assert ActivityLog.objects.filter(action="sessions.session.created", object_id=session.pk).exists()


def test_create_invalid_keeps_what_was_typed(web, manager_user, org, training):
    response = web(manager_user).post(
        url(org, "new/"),
        {"training": training.pk, "title": "Titre tapé", "status": "draft", "min_capacity": 9, "max_capacity": 4},
    )
    assert response.status_code == 200
    page = html(response)
    assert "L&#x27;effectif minimum (9) ne peut pas dépasser l&#x27;effectif maximum (4)." in page
    assert 'value="Titre tapé"' in page
    assert not Session.objects.exists()


# --- Detail -------------------------------------------------------------------------------------------------


def test_detail_shows_everything(web, trainer_user, org, session, trainer, company, place):
    slot = SlotFactory(session=session, place=place, starts_at=paris(2026, 3, 2, 13, 30), ends_at=paris(2026, 3, 2, 17))
    slot.trainers.add(trainer)
    enrolment = EnrolmentFactory(session=session, client=company, price_cents=150000)
    FundingLineFactory(
        enrolment=enrolment, payer_kind="opco", payer_name="AKTO", scheme="skills_plan", amount_cents=100000
    )
    ParticipantFactory(enrolment=enrolment, trainee__first_name="Sacha", trainee__last_name="Martin")
    Session.objects.filter(pk=session.pk).update(total_minutes=210)
    page = html(web(trainer_user).get(url(org, f"{session.pk}/")))
    for text in (
        "Réunions coopératives — mars",
        "lundi 02/03/2026",
        "13:30 – 17:00",
        "Après-midi",
        "Salle du Marché",
        "Boulangerie Coop",
        "AKTO",
        "2h. Plan de développement des compétences ou autre",
        "1\u202f000,00\xa0€",
        "500,00\xa0€",  # reste à financer
        "Sacha Martin",
        "Identifier les acteurs d&#x27;un territoire",
        "Présentiel",
        "Historique",
    ):
        assert text in page, text


# --- Edit, programme, status --------------------------------------------------------------------------------


def test_edit_session(web, admin_user, org, session, trainer):
    browser = web(admin_user)
    page = html(browser.get(url(org, f"{session.pk}/edit/")))
    assert 'value="Réunions coopératives — mars"' in page and 'value="12"' in page
    assert f'value="{trainer.pk}" id="id_trainers_0" checked' in page
    data = {"title": "Nouveau titre", "min_capacity": 1, "max_capacity": 6, "trainers": [trainer.pk], "notes": "RAS"}
    response = browser.post(url(org, f"{session.pk}/edit/"), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.max_capacity, session.notes) == ("Nouveau titre", 6, "RAS")
    assert ActivityLog.objects.filter(action="sessions.session.updated").exists()
    response = browser.post(url(org, f"{session.pk}/edit/"), {**data, "min_capacity": 7, "title": "Autre titre"})
    assert response.status_code == 200
    assert "ne peut pas dépasser" in html(response) and 'value="Autre titre"' in html(response)


def test_programme_page(web, trainer_user, org, session, training):
    browser = web(trainer_user)
    page = html(browser.get(url(org, f"{session.pk}/programme/")))
    assert "Identifier les acteurs d&#x27;un territoire\nAnimer une réunion participative" in page
    assert 'value="14"' in page  # 840 minutes shown as hours
    response = browser.post(
        url(org, f"{session.pk}/programme/"),
        {"objectives": "Objectif adapté", "audience": "Élu·es", "duration_minutes": "7,5", "modality": "remote"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    training.refresh_from_db()
    assert session.programme["objectives"] == ["Objectif adapté"]
    assert session.programme["duration_minutes"] == 450 and session.programme["modality"] == "remote"
    assert training.audience != "Élu·es"
    response = browser.post(url(org, f"{session.pk}/programme/"), {"duration_minutes": "sept", "modality": "remote"})
    assert response.status_code == 200 and "Durée invalide" in html(response) and 'value="sept"' in html(response)


def test_status_page(web, admin_user, org, session, company):
    EnrolmentFactory(session=session, client=company)
    browser = web(admin_user)
    page = html(browser.get(url(org, f"{session.pk}/status/")))
    assert "1 inscription active" in page and "Boulangerie Coop" in page
    response = browser.post(url(org, f"{session.pk}/status/"), {"status": "cancelled", "reason": ""})
    assert response.status_code == 200 and "Indiquez le motif de l&#x27;annulation." in html(response)
    response = browser.post(url(org, f"{session.pk}/status/"), {"status": "running"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "running"
    response = browser.post(url(org, f"{session.pk}/status/"), {"status": "done"})
    assert response.status_code == 200 and "sans créneau" in html(response)


# --- Slots --------------------------------------------------------------------------------------------------


def test_slot_create_overlap_shows_the_message(web, admin_user, org, session, other_session, trainer):
    clash = SlotFactory(session=other_session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    clash.trainers.add(trainer)
    browser = web(admin_user)
    assert browser.get(url(org, f"{session.pk}/slots/new/")).status_code == 200
    data = {
        "slot-date": "2026-03-02",
        "slot-starts_at": "10:00",
        "slot-ends_at": "11:45",
        "slot-trainers": [trainer.pk],
    }
    response = browser.post(url(org, f"{session.pk}/slots/new/"), data)
    assert response.status_code == 200
    page = html(response)
    assert "Théo Formateur anime déjà « Gouvernance partagée — avril » le 02/03/2026 de 09:00 à 12:30." in page
    assert 'value="11:45"' in page and 'value="2026-03-02"' in page
    # The same through htmx: the slots section comes back with the error.
    response = browser.post(url(org, f"{session.pk}/slots/new/"), data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "anime déjà" in html(response) and "<html" not in html(response)
    assert not session.slots.exists()


def test_slot_create_edit_delete(web, admin_user, org, session, trainer):
    browser = web(admin_user)
    response = browser.post(
        url(org, f"{session.pk}/slots/new/"),
        {"slot-date": "2026-03-02", "slot-starts_at": "09:00", "slot-ends_at": "12:30", "slot-trainers": [trainer.pk]},
    )
    assert response.status_code == 302
    slot = session.slots.get()
    assert slot.starts_at == paris(2026, 3, 2, 9)
    page = html(browser.get(url(org, f"{session.pk}/slots/{slot.pk}/edit/")))
    assert 'value="09:00"' in page and 'value="2026-03-02"' in page
    response = browser.post(
        url(org, f"{session.pk}/slots/{slot.pk}/edit/"),
        {"slot-date": "2026-03-02", "slot-starts_at": "09:30", "slot-ends_at": "12:30", "slot-trainers": [trainer.pk]},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.total_minutes == 180
    assert browser.get(url(org, f"{session.pk}/slots/{slot.pk}/delete/")).status_code == 200
    response = browser.post(url(org, f"{session.pk}/slots/{slot.pk}/delete/"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Aucun créneau" in html(response)
    assert not Slot.objects.exists()


def test_add_day_invalid_shows_errors(web, admin_user, org, session):
    response = web(admin_user).post(url(org, f"{session.pk}/slots/add-day/"), {"day-date": "", "day-period": "am"})
    assert response.status_code == 200 and "Ce champ est obligatoire." in html(response)


# --- Enrolments and funding ---------------------------------------------------------------------------------


def test_enrolment_create_and_duplicate(web, manager_user, org, session, company):
    browser = web(manager_user)
    page = html(browser.get(url(org, f"{session.pk}/enrolments/new/")))
    assert "Boulangerie Coop" in page
    data = {"client": company.pk, "price_cents": "1 400,00", "status": "confirmed", "notes": "Devis signé"}
    response = browser.post(url(org, f"{session.pk}/enrolments/new/"), data)
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#enrolment-{enrolment.pk}")
    assert enrolment.price_cents == 140000
    response = browser.post(url(org, f"{session.pk}/enrolments/new/"), {**data, "notes": "Encore"})
    assert response.status_code == 200
    assert "« Boulangerie Coop » est déjà inscrit à cette session" in html(response)
    assert "Encore" in html(response)


def test_enrolment_edit_cancel(web, manager_user, org, session, company):
    enrolment = EnrolmentFactory(session=session, client=company)
    participant = ParticipantFactory(enrolment=enrolment)
    browser = web(manager_user)
    page = html(browser.get(url(org, f"{session.pk}/enrolments/{enrolment.pk}/")))
    assert "Annuler l'inscription annule aussi ses stagiaires." in page
    response = browser.post(
        url(org, f"{session.pk}/enrolments/{enrolment.pk}/"), {"price_cents": "1400", "status": "cancelled"}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.status == "cancelled"


def test_funding_line_pages(web, admin_user, org, session, company):
    enrolment = EnrolmentFactory(session=session, client=company, price_cents=100000)
    browser = web(admin_user)
    create = url(org, f"{session.pk}/enrolments/{enrolment.pk}/funding/new/")
    assert "1\u202f000,00" in html(browser.get(create))
    response = browser.post(create, {"payer_kind": "opco", "payer_name": "AKTO", "amount_cents": "600"})
    assert (
        response.status_code == 200 and "Précisez le dispositif" in html(response) and 'value="AKTO"' in html(response)
    )
    response = browser.post(
        create, {"payer_kind": "opco", "payer_name": "AKTO", "scheme": "skills_plan", "amount_cents": "600"}
    )
    assert response.status_code == 302
    line = FundingLine.objects.get()
    assert line.amount_cents == 60000
    response = browser.post(create, {"payer_kind": "company", "amount_cents": "500,00", "reference": "BC-7"})
    assert response.status_code == 200
    assert "Le total des financements (1\u202f100,00\xa0€) dépasserait le prix" in html(response)
    assert 'value="BC-7"' in html(response)
    edit = url(org, f"{session.pk}/funding/{line.pk}/edit/")
    assert browser.post(edit, {"payer_kind": "opco", "scheme": "skills_plan", "amount_cents": "700"}).status_code == 302
    line.refresh_from_db()
    assert line.amount_cents == 70000
    delete = url(org, f"{session.pk}/funding/{line.pk}/delete/")
    assert browser.get(delete).status_code == 200
    assert browser.post(delete).status_code == 302
    assert not FundingLine.objects.exists()


# --- Participants -------------------------------------------------------------------------------------------


def test_participant_existing_search_duplicate_and_capacity(web, manager_user, org, session, company):
    session.max_capacity = 1
    session.save()
    enrolment = EnrolmentFactory(session=session, client=company)
    mine = TraineeFactory(organisation=org, client=company, first_name="Sacha", last_name="Martin")
    browser = web(manager_user)
    page = html(browser.get(url(org, f"{session.pk}/participants/new/?enrolment={enrolment.pk}")))
    assert "MARTIN Sacha" in page
    assert '<option value="a" selected>' in page  # company -> a
    data = {"enrolment": enrolment.pk, "trainee": mine.pk, "bpf_trainee_type": "a", "status": "registered"}
    assert browser.post(url(org, f"{session.pk}/participants/new/"), data).status_code == 302
    response = browser.post(url(org, f"{session.pk}/participants/new/"), data)
    assert response.status_code == 200 and "Sacha Martin participe déjà à cette session" in html(response)
    response = browser.post(
        url(org, f"{session.pk}/participants/new/"),
        {
            "enrolment": enrolment.pk,
            "first_name": "Lou",
            "last_name": "Nouvelle",
            "bpf_trainee_type": "a",
            "status": "registered",
        },
    )
    assert response.status_code == 200
    assert "La session est complète : 1 places sur 1." in html(response) and 'value="Nouvelle"' in html(response)
    assert Participant.objects.count() == 1


def test_participant_search_finds_other_clients_trainees(web, admin_user, org, session, company):
    enrolment = EnrolmentFactory(session=session, client=company)
    TraineeFactory(organisation=org, client=ClientFactory(organisation=org), first_name="Yann", last_name="Ailleurs")
    browser = web(admin_user)
    default = html(browser.get(url(org, f"{session.pk}/participants/new/?enrolment={enrolment.pk}")))
    assert "AILLEURS Yann" not in default
    found = html(browser.get(url(org, f"{session.pk}/participants/new/?enrolment={enrolment.pk}&q=aill")))
    assert "AILLEURS Yann" in found


def test_participant_edit(web, trainer_user, org, session, company):
    participant = ParticipantFactory(enrolment=EnrolmentFactory(session=session, client=company))
    browser = web(trainer_user)
    assert browser.get(url(org, f"{session.pk}/participants/{participant.pk}/")).status_code == 200
    response = browser.post(
        url(org, f"{session.pk}/participants/{participant.pk}/"), {"status": "dropped_out", "bpf_trainee_type": "c"}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.status, participant.bpf_trainee_type) == ("dropped_out", "c")


# --- Calendar -----------------------------------------------------------------------------------------------


def test_calendar_month_and_filters(web, admin_user, org, session, other_session, trainer, other_trainer):
    a = SlotFactory(session=session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    a.trainers.add(trainer)
    b = SlotFactory(session=other_session, starts_at=paris(2026, 3, 31, 13, 30), ends_at=paris(2026, 3, 31, 17))
    b.trainers.add(other_trainer)
    SlotFactory(session=session, starts_at=paris(2026, 4, 20, 9), ends_at=paris(2026, 4, 20, 12))
    browser = web(admin_user)
    page = html(browser.get(url(org, "calendar/"), {"month": "2026-03"}))
    assert "Mars 2026" in page
    assert page.index("Lundi") < page.index("Dimanche")  # Monday first
    assert f'href="{url(org, f"{session.pk}/")}"' in page and "09:00–12:30 Réunions coopératives — mars" in page
    assert "13:30–17:00 Gouvernance partagée — avril" in page
    assert "month=2026-04" in page and "month=2026-02" in page
    filtered = html(browser.get(url(org, "calendar/"), {"month": "2026-03", "trainer": trainer.pk}))
    assert "Réunions coopératives" in filtered and "Gouvernance partagée — avril" not in filtered
    by_member = html(
        browser.get(url(org, "calendar/"), {"month": "2026-03", "member_structure": other_session.member_structure_id})
    )
    assert "Gouvernance partagée — avril" in by_member and "09:00–12:30 Réunions" not in by_member
    fragment = html(browser.get(url(org, "calendar/"), {"month": "2026-04"}, headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<div id="calendar-region"') and "Avril 2026" in fragment


@time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=dt.UTC))
def test_calendar_defaults_to_this_month(web, admin_user, org):
    for month in ("", "2026-13", "nonsense"):
        assert "Mai 2026" in html(web(admin_user).get(url(org, "calendar/"), {"month": month}))


def test_calendar_is_scoped(web, trainer_user, trainer, org, session, other_session):
    SlotFactory(session=session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12))
    SlotFactory(session=other_session, starts_at=paris(2026, 3, 3, 9), ends_at=paris(2026, 3, 3, 12))
    page = html(web(trainer_user).get(url(org, "calendar/"), {"month": "2026-03"}))
    assert "Réunions coopératives — mars" in page and "Gouvernance partagée" not in page


# --- Places -------------------------------------------------------------------------------------------------


def test_places(web, manager_user, trainer_user, trainer, org, place):
    browser = web(manager_user)
    assert "Salle du Marché" in html(browser.get(url(org, "places/")))
    response = browser.post(url(org, "places/new/"), {"name": "La Fabrique", "city": "Brest", "capacity": "15"})
    assert response.status_code == 302
    response = browser.post(url(org, "places/new/"), {"name": "", "city": "Quimper"})
    assert response.status_code == 200 and 'value="Quimper"' in html(response)
    response = browser.post(url(org, f"places/{place.pk}/edit/"), {"name": "Salle du Marché", "capacity": "30"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.capacity == 30
    assert ActivityLog.objects.filter(action="sessions.place.updated", object_id=place.pk).exists()
    trainer_page = html(web(trainer_user).get(url(org, "places/")))
    assert "Salle du Marché" in trainer_page and f"places/{place.pk}/edit/" not in trainer_page
    PlaceFactory(organisation=org, name="Pas ici", city="Lyon")
    assert "Pas ici" not in html(browser.get(url(org, "places/"), {"q": "Brest"}))


def test_list_to_close_shows_past_sessions_nobody_closed(web, admin_user, org, member):
    import datetime as dt

    from coopforma.training_sessions.tests.factories import SessionFactory as Factory

    past = dt.date(2025, 3, 3)
    forgotten = Factory(
        training__organisation=org,
        training__member_structure=member,
        title="Oubliée",
        status="confirmed",
        start_date=past,
        end_date=past,
    )
    Factory(
        training__organisation=org,
        training__member_structure=member,
        title="Clôturée",
        status="done",
        start_date=past,
        end_date=past,
    )
    page = web(admin_user).get(url(org), {"to_close": "on"}).text
    assert forgotten.title in page and "Clôturée" not in page


def test_a_trainee_entrusted_by_another_of_is_named_without_a_type(web, admin_user, org, session, partner_of):
    """BPF cadre G: the trainees another OF entrusts may be enrolled by name (their émargement gives the hours);
    they have no F-1 type."""
    enrolment = EnrolmentFactory(session=session, client=partner_of)
    browser = web(admin_user)
    page = html(browser.get(url(org, f"{session.pk}/participants/new/?enrolment={enrolment.pk}")))
    assert "après le client" in page and "cadre G" in page
    data = {
        "enrolment": enrolment.pk,
        "first_name": "Gaël",
        "last_name": "Confié",
        "bpf_trainee_type": "",
        "status": "registered",
    }
    assert browser.post(url(org, f"{session.pk}/participants/new/"), data).status_code == 302
    participant = Participant.objects.get(enrolment=enrolment)
    assert participant.trainee.last_name == "Confié" and participant.bpf_trainee_type == ""


def test_a_funding_line_states_its_basis_in_french(web, admin_user, org, session, company):
    enrolment = EnrolmentFactory(session=session, client=company, price_cents=100000)
    browser = web(admin_user)
    create = url(org, f"{session.pk}/enrolments/{enrolment.pk}/funding/new/")
    page = html(browser.get(create))
    assert "Heures réalisées au taux horaire" in page and "Base de facturation" in page
    refused = browser.post(
        create,
        {"payer_kind": "opco", "payer_name": "AKTO", "scheme": "skills_plan", "amount_cents": "600",
         "basis": "dropout_clause", "dropout_fee_percent": "30"},
    )  # fmt: skip
    assert refused.status_code == 200 and "L6354-1" in html(refused) and not enrolment.funding_lines.exists()
    browser.post(
        create,
        {"payer_kind": "opco", "payer_name": "AKTO", "scheme": "skills_plan", "amount_cents": "600",
         "basis": "hours", "hourly_rate_cents": "40"},
    )  # fmt: skip
    line = enrolment.funding_lines.get()
    assert (line.basis, line.hourly_rate_cents) == ("hours", 4000)
