# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.models import ActivityLog
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory, TrainerFactory
from coopforma.training_sessions import selectors, services
from coopforma.training_sessions.models import Enrolment, Participant, Session, Slot
from coopforma.training_sessions.tests.conftest import paris
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    PlaceFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    """The messages a service gave for one field."""
    return " ".join(exc.value.message_dict[field])


# --- Creating a session from a training ---------------------------------------------------------------------


def test_session_create_copies_the_training(admin_actor, training, trainer, place):
    session = services.session_create(actor=admin_actor, training_id=training.pk, max_capacity=10, place_id=place.pk)
    assert session.title == "Animer une réunion coopérative"
    assert session.member_structure_id == training.member_structure_id
    assert session.programme == training.programme_snapshot()
    assert session.programme["objectives"] == [
        "Identifier les acteurs d'un territoire",
        "Animer une réunion participative",
    ]
    assert list(session.trainers.all()) == [trainer]
    assert session.status == "draft"
    assert session.place == place
    log = ActivityLog.objects.get(action="sessions.session.created")
    assert log.object_id == session.pk and log.actor == admin_actor.user


def test_trainer_creating_is_added_to_the_trainers(trainer_actor, org, member, trainer):
    training = TrainingFactory(organisation=org, member_structure=member)  # their structure, not taught by them
    session = services.session_create(actor=trainer_actor, training_id=training.pk, title="Ma session")
    assert session.title == "Ma session"
    assert list(session.trainers.all()) == [trainer]


def test_trainer_cannot_use_a_training_of_another_structure(trainer_actor, org, other_member):
    training = TrainingFactory(organisation=org, member_structure=other_member)
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=trainer_actor, training_id=training.pk)
    assert "Formation introuvable" in messages(exc, "training")


def test_trainer_may_use_a_training_they_teach_in_another_structure(trainer_actor, org, other_member, trainer):
    training = TrainingFactory(organisation=org, member_structure=other_member)
    training.trainers.add(trainer)
    session = services.session_create(actor=trainer_actor, training_id=training.pk)
    assert session.member_structure == other_member


def test_archived_training_is_refused(admin_actor, training):
    training.status = "archived"
    training.save()
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=admin_actor, training_id=training.pk)
    assert "archivée" in messages(exc, "training")


def test_training_of_another_organisation_is_refused(admin_actor, other_org):
    training = TrainingFactory(organisation=other_org)
    with pytest.raises(ValidationError):
        services.session_create(actor=admin_actor, training_id=training.pk)
    assert not Session.objects.exists()


def test_capacities_are_checked(admin_actor, training):
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=admin_actor, training_id=training.pk, min_capacity=8, max_capacity=5)
    assert messages(exc, "min_capacity") == "L'effectif minimum (8) ne peut pas dépasser l'effectif maximum (5)."
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=admin_actor, training_id=training.pk, min_capacity=0, max_capacity=0)
    assert "au moins 1" in messages(exc, "max_capacity")


def test_session_create_with_first_slots(admin_actor, training, place):
    session = services.session_create(
        actor=admin_actor,
        training_id=training.pk,
        place_id=place.pk,
        first_date=dt.date(2026, 3, 6),  # a Friday
        first_period="both",
        days=2,
    )
    slots = list(session.slots.order_by("starts_at"))
    assert [s.starts_at for s in slots] == [
        paris(2026, 3, 6, 9),
        paris(2026, 3, 6, 13, 30),
        paris(2026, 3, 9, 9),
        paris(2026, 3, 9, 13, 30),
    ]  # the weekend is skipped
    assert all(s.place == place for s in slots)
    session.refresh_from_db()
    assert session.start_date == dt.date(2026, 3, 6) and session.end_date == dt.date(2026, 3, 9)
    assert session.total_minutes == 4 * 210


def test_session_create_with_an_overlapping_first_day_creates_nothing(admin_actor, training, session, trainer):
    slot = SlotFactory(session=session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    slot.trainers.add(trainer)
    with pytest.raises(ValidationError) as exc:
        services.session_create(
            actor=admin_actor, training_id=training.pk, first_date=dt.date(2026, 3, 2), first_period="am"
        )
    assert "Théo Formateur anime déjà « Réunions coopératives — mars » le 02/03/2026 de 09:00 à 12:30." in messages(
        exc, "first_date"
    )
    assert Session.objects.count() == 1


def test_session_update_refuses_max_below_the_trainees(admin_actor, session):
    for _ in range(3):
        ParticipantFactory(enrolment=EnrolmentFactory(session=session))
    with pytest.raises(ValidationError) as exc:
        services.session_update(actor=admin_actor, session_id=session.pk, max_capacity=2)
    assert messages(exc, "max_capacity") == "L'effectif maximum (2) est inférieur aux 3 stagiaires déjà inscrit·es."
    updated = services.session_update(actor=admin_actor, session_id=session.pk, max_capacity=3, title="Nouveau titre")
    assert updated.max_capacity == 3
    log = ActivityLog.objects.get(action="sessions.session.updated")
    assert log.data["changes"]["max_capacity"] == [12, 3]
    assert log.data["changes"]["title"] == ["Réunions coopératives — mars", "Nouveau titre"]


def test_session_update_keeps_trainers_who_teach_slots(admin_actor, session, trainer):
    slot = SlotFactory(session=session)
    slot.trainers.add(trainer)
    with pytest.raises(ValidationError) as exc:
        services.session_update(actor=admin_actor, session_id=session.pk, trainer_ids=[])
    assert "Théo Formateur anime des créneaux" in messages(exc, "trainers")


# --- Programme snapshot -------------------------------------------------------------------------------------


def test_programme_edit_touches_only_this_session(admin_actor, training):
    a = services.session_create(actor=admin_actor, training_id=training.pk, title="A")
    b = services.session_create(actor=admin_actor, training_id=training.pk, title="B")
    services.session_programme_update(
        actor=admin_actor,
        session_id=a.pk,
        programme={"objectives": "Cartographier les acteurs\n\n  Co-construire un plan  ", "duration_minutes": 420},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    training.refresh_from_db()
    assert a.programme["objectives"] == ["Cartographier les acteurs", "Co-construire un plan"]
    assert a.programme["duration_minutes"] == 420
    assert a.programme["audience"] == training.audience  # untouched fields stay
    assert b.programme == training.programme_snapshot()
    assert training.objectives == ["Identifier les acteurs d'un territoire", "Animer une réunion participative"]
    assert training.duration_minutes == 14 * 60
    log = ActivityLog.objects.get(action="sessions.programme.updated")
    assert log.data["changes"]["duration_minutes"] == [840, 420]


def test_editing_the_training_leaves_existing_sessions_alone(admin_actor, training):
    session = services.session_create(actor=admin_actor, training_id=training.pk)
    training.objectives = ["Autre chose"]
    training.content = "Tout a changé"
    training.save()
    session.refresh_from_db()
    assert session.programme["objectives"] == [
        "Identifier les acteurs d'un territoire",
        "Animer une réunion participative",
    ]
    assert session.programme["content"] == "Jour 1 : diagnostic. Jour 2 : animation."


def test_programme_edit_validates(admin_actor, session):
    with pytest.raises(ValidationError) as exc:
        services.session_programme_update(actor=admin_actor, session_id=session.pk, programme={"modality": "moon"})
    assert "Modalité inconnue" in messages(exc, "modality")


# --- Slots --------------------------------------------------------------------------------------------------


def test_slot_create_recomputes_the_session(admin_actor, session, trainer, place):
    other = TrainerFactory(organisation=session.organisation, member_structure=session.member_structure)
    services.slot_create(
        actor=admin_actor,
        session_id=session.pk,
        starts_at=paris(2026, 3, 3, 13, 30),
        ends_at=paris(2026, 3, 3, 17, 15),
        place_id=place.pk,
        trainer_ids=[other.pk],
    )
    slot = services.slot_create(
        actor=admin_actor,
        session_id=session.pk,
        starts_at=paris(2026, 3, 2, 9),
        ends_at=paris(2026, 3, 2, 12, 30),
        trainer_ids=[trainer.pk],
    )
    assert slot.minutes == 210 and slot.half_day == "am"
    session.refresh_from_db()
    assert (session.start_date, session.end_date, session.total_minutes) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 3),
        210 + 225,
    )
    assert set(session.trainers.all()) == {trainer, other}  # slot trainers teach the session
    services.slot_delete(actor=admin_actor, session_id=session.pk, slot_id=slot.pk)
    session.refresh_from_db()
    assert (session.start_date, session.total_minutes) == (dt.date(2026, 3, 3), 225)
    assert ActivityLog.objects.filter(action="sessions.slot.deleted", object_id=session.pk).exists()


def test_slot_minutes_are_exact_across_a_dst_change(admin_actor, session):
    slot = services.slot_create(
        actor=admin_actor, session_id=session.pk, starts_at=paris(2026, 3, 29, 1), ends_at=paris(2026, 3, 29, 4)
    )
    session.refresh_from_db()
    assert session.total_minutes == 120  # 02:00 does not exist that night in Paris
    assert Slot.objects.get(pk=slot.pk).minutes == 120


def test_slot_times_are_checked(admin_actor, session):
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor, session_id=session.pk, starts_at=paris(2026, 3, 2, 12, 30), ends_at=paris(2026, 3, 2, 9)
        )
    assert messages(exc, "ends_at") == "L'heure de fin (09:00) doit être après l'heure de début (12:30)."
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor, session_id=session.pk, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 3, 9)
        )
    assert "même jour" in messages(exc, "ends_at")


def test_naive_datetimes_are_local_time(admin_actor, session):
    slot = services.slot_create(
        actor=admin_actor,
        session_id=session.pk,
        starts_at=dt.datetime(2026, 7, 1, 9, 0),
        ends_at=dt.datetime(2026, 7, 1, 12, 0),
    )
    assert slot.starts_at == paris(2026, 7, 1, 9)


def test_trainer_who_cannot_deliver_is_refused(admin_actor, session):
    applicant = TrainerFactory(
        organisation=session.organisation, first_name="Ana", last_name="Candidate", onboarding_state="applied"
    )
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor,
            session_id=session.pk,
            starts_at=paris(2026, 3, 2, 9),
            ends_at=paris(2026, 3, 2, 12),
            trainer_ids=[applicant.pk],
        )
    assert "Ana Candidate ne peut pas animer : parcours formateur « Candidature »" in messages(exc, "trainers")


def test_trainer_of_another_organisation_is_refused(admin_actor, session, other_org):
    stranger = TrainerFactory(organisation=other_org)
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor,
            session_id=session.pk,
            starts_at=paris(2026, 3, 2, 9),
            ends_at=paris(2026, 3, 2, 12),
            trainer_ids=[stranger.pk],
        )
    assert "introuvable" in messages(exc, "trainers")


def test_overlap_for_the_same_trainer_names_the_other_session(admin_actor, session, other_session, trainer):
    slot = SlotFactory(session=other_session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    slot.trainers.add(trainer)
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor,
            session_id=session.pk,
            starts_at=paris(2026, 3, 2, 11),
            ends_at=paris(2026, 3, 2, 13),
            trainer_ids=[trainer.pk],
        )
    assert messages(exc, "trainers") == (
        "Théo Formateur anime déjà « Gouvernance partagée — avril » le 02/03/2026 de 09:00 à 12:30."
    )
    # Back to back is fine.
    services.slot_create(
        actor=admin_actor,
        session_id=session.pk,
        starts_at=paris(2026, 3, 2, 12, 30),
        ends_at=paris(2026, 3, 2, 14),
        trainer_ids=[trainer.pk],
    )


def test_overlap_ignores_cancelled_sessions(admin_actor, session, other_session, trainer):
    slot = SlotFactory(session=other_session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    slot.trainers.add(trainer)
    other_session.status = "cancelled"
    other_session.save()
    services.slot_create(
        actor=admin_actor,
        session_id=session.pk,
        starts_at=paris(2026, 3, 2, 9),
        ends_at=paris(2026, 3, 2, 12, 30),
        trainer_ids=[trainer.pk],
    )


def test_overlap_for_the_same_place(admin_actor, session, other_session, place):
    SlotFactory(session=other_session, place=place, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor,
            session_id=session.pk,
            starts_at=paris(2026, 3, 2, 10),
            ends_at=paris(2026, 3, 2, 11),
            place_id=place.pk,
        )
    assert messages(exc, "place") == (
        "Le lieu « Salle du Marché » est déjà occupé par « Gouvernance partagée — avril » "
        "le 02/03/2026 de 09:00 à 12:30."
    )


def test_slot_update_does_not_collide_with_itself(admin_actor, session, trainer, place):
    slot = services.slot_create(
        actor=admin_actor,
        session_id=session.pk,
        starts_at=paris(2026, 3, 2, 9),
        ends_at=paris(2026, 3, 2, 12, 30),
        place_id=place.pk,
        trainer_ids=[trainer.pk],
    )
    services.slot_update(actor=admin_actor, session_id=session.pk, slot_id=slot.pk, ends_at=paris(2026, 3, 2, 12))
    session.refresh_from_db()
    assert session.total_minutes == 180
    log = ActivityLog.objects.get(action="sessions.slot.updated")
    assert "ends_at" in log.data["changes"]


def test_place_of_another_organisation_is_refused(admin_actor, session, other_org):
    foreign = PlaceFactory(organisation=other_org)
    with pytest.raises(ValidationError) as exc:
        services.slot_create(
            actor=admin_actor,
            session_id=session.pk,
            starts_at=paris(2026, 3, 2, 9),
            ends_at=paris(2026, 3, 2, 12),
            place_id=foreign.pk,
        )
    assert "n'existe pas" in messages(exc, "place")


def test_add_day_uses_default_hours_place_and_trainers(admin_actor, session, trainer, place):
    session.place = place
    session.save()
    slots = services.slot_add_day(actor=admin_actor, session_id=session.pk, date=dt.date(2026, 3, 10), period="both")
    assert [(s.starts_at, s.ends_at) for s in slots] == [
        (paris(2026, 3, 10, 9), paris(2026, 3, 10, 12, 30)),
        (paris(2026, 3, 10, 13, 30), paris(2026, 3, 10, 17)),
    ]
    assert [s.half_day for s in slots] == ["am", "pm"]
    assert all(list(s.trainers.all()) == [trainer] and s.place == place for s in slots)
    session.refresh_from_db()
    assert session.total_minutes == 420


def test_slots_of_a_cancelled_session_are_refused(admin_actor, session):
    session.status = "cancelled"
    session.save()
    with pytest.raises(ValidationError) as exc:
        services.slot_add_day(actor=admin_actor, session_id=session.pk, date=dt.date(2026, 3, 10))
    assert "annulée" in str(exc.value)


def test_slot_of_a_hidden_session_is_404(trainer_actor, other_session):
    with pytest.raises(Http404):
        services.slot_add_day(actor=trainer_actor, session_id=other_session.pk, date=dt.date(2026, 3, 10))


# --- Enrolments and funding lines ---------------------------------------------------------------------------


def test_enrolment_create_and_duplicate(admin_actor, session, company):
    contact = ContactFactory(client=company)
    enrolment = services.enrolment_create(
        actor=admin_actor, session_id=session.pk, client_id=company.pk, price_cents=140000, contact_id=contact.pk
    )
    assert enrolment.contact == contact and enrolment.price_cents == 140000
    assert ActivityLog.objects.filter(action="sessions.enrolment.created", object_id=enrolment.pk).exists()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=admin_actor, session_id=session.pk, client_id=company.pk)
    assert messages(exc, "client").startswith("« Boulangerie Coop » est déjà inscrit à cette session")
    # Once cancelled, the client may be enrolled again.
    services.enrolment_update(actor=admin_actor, enrolment_id=enrolment.pk, status="cancelled")
    again = services.enrolment_create(actor=admin_actor, session_id=session.pk, client_id=company.pk)
    assert again.pk != enrolment.pk
    with pytest.raises(ValidationError):  # and the cancelled one cannot come back while the new one is active
        services.enrolment_update(actor=admin_actor, enrolment_id=enrolment.pk, status="confirmed")


def test_enrolment_contact_must_belong_to_the_client(admin_actor, session, company, org):
    elsewhere = ContactFactory(client=ClientFactory(organisation=org))
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(
            actor=admin_actor, session_id=session.pk, client_id=company.pk, contact_id=elsewhere.pk
        )
    assert messages(exc, "contact") == "Ce contact n'appartient pas au client choisi."


def test_enrolment_client_must_be_visible(trainer_actor, session, org, other_member):
    hidden = ClientFactory(organisation=org, member_structure=other_member)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=trainer_actor, session_id=session.pk, client_id=hidden.pk)
    assert "introuvable" in messages(exc, "client")


def test_entrusted_counts_only_for_another_of(admin_actor, session, company, partner_of):
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=admin_actor, session_id=session.pk, client_id=company.pk, entrusted_trainees=3)
    assert "organismes de formation" in messages(exc, "entrusted_trainees")
    enrolment = services.enrolment_create(
        actor=admin_actor,
        session_id=session.pk,
        client_id=partner_of.pk,
        entrusted_trainees=5,
        entrusted_minutes=5 * 840,
        price_cents=350000,
    )
    assert enrolment.entrusted_trainees == 5
    row = selectors.session_get(actor=admin_actor, session_id=session.pk)
    assert (row.n_trainees, row.audience) == (5, "subcontracted")


def test_entrusted_trainees_count_in_the_capacity(admin_actor, session, partner_of):
    session.max_capacity = 4
    session.save()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(
            actor=admin_actor, session_id=session.pk, client_id=partner_of.pk, entrusted_trainees=5
        )
    assert messages(exc, "entrusted_trainees") == (
        "La session n'a plus que 4 place(s) libre(s) (0 sur 4) : impossible d'en ajouter 5."
    )


def test_funding_line_rules(admin_actor, session, company):
    enrolment = services.enrolment_create(
        actor=admin_actor, session_id=session.pk, client_id=company.pk, price_cents=140000
    )
    with pytest.raises(ValidationError) as exc:
        services.funding_line_create(actor=admin_actor, enrolment_id=enrolment.pk, payer_kind="opco", amount_cents=1000)
    assert "Précisez le dispositif" in messages(exc, "scheme")
    with pytest.raises(ValidationError) as exc:
        services.funding_line_create(
            actor=admin_actor, enrolment_id=enrolment.pk, payer_kind="company", scheme="skills_plan", amount_cents=1000
        )
    assert "OPCO ou par le CPF" in messages(exc, "scheme")
    with pytest.raises(ValidationError) as exc:
        services.funding_line_create(actor=admin_actor, enrolment_id=enrolment.pk, payer_kind="company", amount_cents=0)
    assert messages(exc, "amount_cents") == "Le montant doit être supérieur à 0."
    opco = services.funding_line_create(
        actor=admin_actor,
        enrolment_id=enrolment.pk,
        payer_kind="opco",
        payer_name="AKTO",
        scheme="skills_plan",
        amount_cents=100000,
        reference="PEC-42",
    )
    services.funding_line_create(actor=admin_actor, enrolment_id=enrolment.pk, payer_kind="cpf", amount_cents=10000)
    with pytest.raises(ValidationError) as exc:
        services.funding_line_create(
            actor=admin_actor, enrolment_id=enrolment.pk, payer_kind="company", amount_cents=40000
        )
    assert messages(exc, "amount_cents") == (
        "Le total des financements (1\u202f500,00\xa0€) dépasserait le prix de l'inscription (1\u202f400,00\xa0€)."
    )
    with pytest.raises(ValidationError) as exc:
        services.funding_line_update(actor=admin_actor, funding_line_id=opco.pk, amount_cents=140000)
    assert "1\u202f500,00" in messages(exc, "amount_cents")
    services.funding_line_update(actor=admin_actor, funding_line_id=opco.pk, amount_cents=130000)
    detail = selectors.session_detail(actor=admin_actor, session_id=session.pk)
    assert (detail.enrolments[0].funded_cents, detail.enrolments[0].remaining_cents) == (140000, 0)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_update(actor=admin_actor, enrolment_id=enrolment.pk, price_cents=100000)
    assert "1\u202f400,00" in messages(exc, "price_cents") and "1\u202f000,00" in messages(exc, "price_cents")
    services.funding_line_delete(actor=admin_actor, funding_line_id=opco.pk)
    assert enrolment.funding_lines.count() == 1
    assert ActivityLog.objects.filter(action="sessions.funding_line.deleted", object_id=enrolment.pk).exists()


def test_funding_lines_replaced_at_once(admin_actor, session, company):
    enrolment = EnrolmentFactory(session=session, client=company, price_cents=100000)
    kept = FundingLineFactory(enrolment=enrolment, payer_kind="company", amount_cents=20000)
    dropped = FundingLineFactory(enrolment=enrolment, payer_kind="individual", amount_cents=10000)
    services.enrolment_update(
        actor=admin_actor,
        enrolment_id=enrolment.pk,
        funding_lines=[
            {"id": kept.pk, "amount_cents": 30000},
            {"payer_kind": "opco", "scheme": "skills_plan", "payer_name": "Uniformation", "amount_cents": 70000},
        ],
    )
    lines = list(enrolment.funding_lines.order_by("id"))
    assert [(line.payer_kind, line.amount_cents) for line in lines] == [("company", 30000), ("opco", 70000)]
    assert not enrolment.funding_lines.filter(pk=dropped.pk).exists()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_update(
            actor=admin_actor,
            enrolment_id=enrolment.pk,
            funding_lines=[{"payer_kind": "company", "amount_cents": 100001}],
        )
    assert "dépasserait" in messages(exc, "funding_lines")
    assert enrolment.funding_lines.count() == 2


def test_cancelling_an_enrolment_cancels_its_participants(admin_actor, session, company):
    enrolment = EnrolmentFactory(session=session, client=company)
    participants = [ParticipantFactory(enrolment=enrolment) for _ in range(2)]
    services.enrolment_update(actor=admin_actor, enrolment_id=enrolment.pk, status="cancelled")
    assert {p.status for p in Participant.objects.filter(pk__in=[p.pk for p in participants])} == {"cancelled"}
    log = ActivityLog.objects.get(action="sessions.enrolment.updated")
    assert sorted(log.data["participants_cancelled"]) == sorted(str(p.trainee) for p in participants)


# --- Participants -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "expected"), [("company", "a"), ("individual", "d"), ("public_body", "e")])
def test_bpf_type_defaults_from_the_client_kind(admin_actor, session, org, kind, expected):
    client = ClientFactory(organisation=org, kind=kind)
    enrolment = EnrolmentFactory(session=session, client=client)
    participant = services.participant_add(
        actor=admin_actor,
        session_id=session.pk,
        enrolment_id=enrolment.pk,
        new_trainee={"first_name": "Lou", "last_name": "Nouvelle", "email": "lou@example.org"},
    )
    assert participant.bpf_trainee_type == expected
    assert participant.trainee.client == client and participant.trainee.full_name == "Lou Nouvelle"


def test_trainee_twice_in_a_session_is_refused(admin_actor, session, company, org):
    enrolment = EnrolmentFactory(session=session, client=company)
    trainee = TraineeFactory(organisation=org, client=company, first_name="Sacha", last_name="Martin")
    services.participant_add(actor=admin_actor, session_id=session.pk, enrolment_id=enrolment.pk, trainee_id=trainee.pk)
    with pytest.raises(ValidationError) as exc:
        services.participant_add(
            actor=admin_actor, session_id=session.pk, enrolment_id=enrolment.pk, trainee_id=trainee.pk
        )
    assert messages(exc, "trainee") == "Sacha Martin participe déjà à cette session (Inscrit·e)."


def test_capacity_is_enforced(admin_actor, session, company, partner_of):
    session.max_capacity = 3
    session.save()
    EnrolmentFactory(session=session, client=partner_of, entrusted_trainees=1)
    enrolment = EnrolmentFactory(session=session, client=company)
    cancelled = ParticipantFactory(enrolment=enrolment, status="cancelled")
    ParticipantFactory(enrolment=enrolment)
    services.participant_add(
        actor=admin_actor,
        session_id=session.pk,
        enrolment_id=enrolment.pk,
        new_trainee={"first_name": "Troisième", "last_name": "Place"},
    )
    with pytest.raises(ValidationError) as exc:
        services.participant_add(
            actor=admin_actor,
            session_id=session.pk,
            enrolment_id=enrolment.pk,
            new_trainee={"first_name": "De", "last_name": "Trop"},
        )
    assert exc.value.message_dict["__all__"] == ["La session est complète : 3 places sur 3."]
    assert not Participant.objects.filter(trainee__last_name="Trop").exists()
    with pytest.raises(ValidationError) as exc:
        services.participant_update(actor=admin_actor, participant_id=cancelled.pk, status="registered")
    assert messages(exc, "status") == "La session est complète : 3 places sur 3."


def test_participants_of_another_of_are_refused_when_counts_are_recorded(admin_actor, session, partner_of):
    enrolment = EnrolmentFactory(session=session, client=partner_of, entrusted_trainees=2)
    with pytest.raises(ValidationError) as exc:
        services.participant_add(
            actor=admin_actor,
            session_id=session.pk,
            enrolment_id=enrolment.pk,
            new_trainee={"first_name": "A", "last_name": "B"},
        )
    assert "2 stagiaires confié·es en nombre" in messages(exc, "enrolment")


def test_participant_needs_a_trainee_and_a_bpf_type(admin_actor, session, org):
    enrolment = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, kind="company"))
    with pytest.raises(ValidationError) as exc:
        services.participant_add(actor=admin_actor, session_id=session.pk, enrolment_id=enrolment.pk)
    assert "Choisissez un·e stagiaire" in messages(exc, "trainee")
    participant = ParticipantFactory(enrolment=enrolment)
    with pytest.raises(ValidationError) as exc:
        services.participant_update(actor=admin_actor, participant_id=participant.pk, bpf_trainee_type="z")
    assert "BPF" in messages(exc, "bpf_trainee_type")
    updated = services.participant_update(actor=admin_actor, participant_id=participant.pk, status="completed")
    assert updated.status == "completed"
    assert ActivityLog.objects.get(action="sessions.participant.updated").data["changes"]["status"] == [
        "registered",
        "completed",
    ]


def test_hidden_trainee_is_refused(trainer_actor, session, company, org, other_member):
    enrolment = EnrolmentFactory(session=session, client=company)
    hidden = TraineeFactory(organisation=org, client=ClientFactory(organisation=org, member_structure=other_member))
    with pytest.raises(ValidationError) as exc:
        services.participant_add(
            actor=trainer_actor, session_id=session.pk, enrolment_id=enrolment.pk, trainee_id=hidden.pk
        )
    assert "introuvable" in messages(exc, "trainee")


# --- Status transitions -------------------------------------------------------------------------------------


def test_transitions(admin_actor, session):
    session.status = "draft"
    session.save()
    with pytest.raises(ValidationError) as exc:
        services.session_transition(actor=admin_actor, session_id=session.pk, status="done")
    assert messages(exc, "status") == (
        "Passage impossible de « Brouillon » à « Terminée ». Étapes possibles : Confirmée, Annulée."
    )
    services.session_transition(actor=admin_actor, session_id=session.pk, status="confirmed")
    services.session_transition(actor=admin_actor, session_id=session.pk, status="running")
    with pytest.raises(ValidationError) as exc:
        services.session_transition(actor=admin_actor, session_id=session.pk, status="done")
    assert "sans créneau" in messages(exc, "status")
    SlotFactory(session=session)
    services.session_transition(actor=admin_actor, session_id=session.pk, status="done")
    with pytest.raises(ValidationError) as exc:
        services.session_transition(actor=admin_actor, session_id=session.pk, status="cancelled", reason="x")
    assert "Étapes possibles : aucune" in messages(exc, "status")
    assert list(
        ActivityLog.objects.filter(object_id=session.pk, action__startswith="sessions.session.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["sessions.session.confirmed", "sessions.session.running", "sessions.session.done"]


def test_cancel_needs_a_reason_and_cancels_nothing_else_unless_asked(admin_actor, session, company):
    enrolment = EnrolmentFactory(session=session, client=company)
    participant = ParticipantFactory(enrolment=enrolment)
    with pytest.raises(ValidationError) as exc:
        services.session_transition(actor=admin_actor, session_id=session.pk, status="cancelled", reason="  ")
    assert messages(exc, "reason") == "Indiquez le motif de l'annulation."
    services.session_transition(
        actor=admin_actor, session_id=session.pk, status="cancelled", reason="Trop peu d'inscrits"
    )
    session.refresh_from_db()
    enrolment.refresh_from_db()
    participant.refresh_from_db()
    assert (session.status, session.cancelled_reason) == ("cancelled", "Trop peu d'inscrits")
    assert (enrolment.status, participant.status) == ("confirmed", "registered")


def test_cancel_with_its_enrolments(admin_actor, session, company):
    enrolment = EnrolmentFactory(session=session, client=company)
    participant = ParticipantFactory(enrolment=enrolment)
    services.session_transition(
        actor=admin_actor, session_id=session.pk, status="cancelled", reason="Formateur malade", cancel_enrolments=True
    )
    assert Enrolment.objects.get(pk=enrolment.pk).status == "cancelled"
    assert Participant.objects.get(pk=participant.pk).status == "cancelled"
    log = ActivityLog.objects.get(action="sessions.session.cancelled")
    assert log.data["enrolments_cancelled"] == ["Boulangerie Coop"]


# --- Places -------------------------------------------------------------------------------------------------


def test_places(admin_actor, trainer_actor, manager_actor, place):
    created = services.place_create(actor=trainer_actor, name="  Tiers-lieu La Fabrique ", city="Brest", capacity=15)
    assert created.name == "Tiers-lieu La Fabrique"
    with pytest.raises(PermissionDenied):
        services.place_update(actor=trainer_actor, place_id=place.pk, name="Autre")
    updated = services.place_update(actor=manager_actor, place_id=place.pk, accessibility="Plain-pied")
    assert updated.accessibility == "Plain-pied"
    with pytest.raises(ValidationError) as exc:
        services.place_update(actor=admin_actor, place_id=place.pk, name=" ")
    assert "nom" in messages(exc, "name")


# --- Visibility ---------------------------------------------------------------------------------------------


def test_session_visibility(
    admin_actor, quality_actor, manager_actor, trainer_actor, session, other_session, other_trainer, org
):
    assert set(selectors.session_queryset_for(admin_actor)) == {session, other_session}
    assert set(selectors.session_queryset_for(quality_actor)) == {session, other_session}
    assert set(selectors.session_queryset_for(manager_actor)) == {session}
    assert set(selectors.session_queryset_for(trainer_actor)) == {session}
    # A session of another structure becomes visible to the manager once one of their trainers teaches it.
    trainer = session.trainers.get()
    other_session.trainers.add(trainer)
    assert set(selectors.session_queryset_for(manager_actor)) == {session, other_session}
    assert set(selectors.session_queryset_for(trainer_actor)) == {session, other_session}
    # A session of their structure taught by nobody of it is still the manager's, not the trainer's.
    mine = SessionFactory(training=TrainingFactory(organisation=org, member_structure=session.member_structure))
    assert mine in selectors.session_queryset_for(manager_actor)
    assert mine not in selectors.session_queryset_for(trainer_actor)
    with pytest.raises(Http404):
        selectors.session_get(actor=trainer_actor, session_id=mine.pk)
