# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who sees what: the scoped lists and `_get` selectors of people (404 for missing or not visible)."""

import pytest
from django.http import Http404

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import Role
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people import selectors
from coopforma.people.tests.factories import ClientFactory, MemberStructureFactory, TraineeFactory, TrainerFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory, SessionFactory


def names(queryset):  # type: ignore[no-untyped-def]
    return sorted(str(obj) for obj in queryset)


def _session(org, structure, trainers=()):  # type: ignore[no-untyped-def]
    session = SessionFactory(training=TrainingFactory(organisation=org, member_structure=structure))
    session.trainers.set(trainers)
    return session


# --- Member structures -------------------------------------------------------------------------------------


def test_member_visibility_by_role(admin_actor, quality_actor, manager_actor, trainer_actor, member, other_member):
    assert names(selectors.member_list(actor=admin_actor)) == ["CAE Test", "Scop Voisine"]
    assert names(selectors.member_list(actor=quality_actor)) == ["CAE Test", "Scop Voisine"]
    assert names(selectors.member_list(actor=manager_actor)) == ["CAE Test"]
    assert names(selectors.member_list(actor=trainer_actor)) == ["CAE Test"]
    with pytest.raises(Http404):
        selectors.member_get(actor=manager_actor, member_id=other_member.pk)
    with pytest.raises(Http404):
        selectors.member_get(actor=trainer_actor, member_id=other_member.pk)


def test_member_list_filters_and_other_org(admin_actor, member, other_member, other_org):
    MemberStructureFactory(organisation=other_org, name="CAE Ailleurs")
    assert names(selectors.member_list(actor=admin_actor, filters={"q": "cae"})) == ["CAE Test"]
    assert names(selectors.member_list(actor=admin_actor, filters={"kind": "scop"})) == ["Scop Voisine"]
    assert names(selectors.member_list(actor=admin_actor, filters={"q": "", "kind": ""})) == [
        "CAE Test",
        "Scop Voisine",
    ]


def test_member_get_of_another_organisation_is_404(admin_actor, other_org):
    foreign = MemberStructureFactory(organisation=other_org)
    with pytest.raises(Http404):
        selectors.member_get(actor=admin_actor, member_id=foreign.pk)


# --- Trainers ----------------------------------------------------------------------------------------------


def test_trainer_visibility_by_role(
    admin_actor, quality_actor, manager_actor, trainer_actor, trainer, other_trainer, org, member
):
    colleague = TrainerFactory(organisation=org, member_structure=member, first_name="Camille", last_name="Collègue")
    assert names(selectors.trainer_list(actor=admin_actor)) == names([trainer, other_trainer, colleague])
    assert names(selectors.trainer_list(actor=quality_actor)) == names([trainer, other_trainer, colleague])
    assert names(selectors.trainer_list(actor=manager_actor)) == names([trainer, colleague])
    # A trainer sees only themself, not the colleagues of their structure.
    assert names(selectors.trainer_list(actor=trainer_actor)) == ["Théo Formateur"]
    with pytest.raises(Http404):
        selectors.trainer_get(actor=trainer_actor, trainer_id=colleague.pk)
    with pytest.raises(Http404):
        selectors.trainer_get(actor=manager_actor, trainer_id=other_trainer.pk)


def test_trainer_list_filters(admin_actor, trainer, other_trainer, org, member):
    TrainerFactory(
        organisation=org,
        member_structure=member,
        last_name="Candidat",
        onboarding_state="applied",
        status="subcontractor",
        siret="73282932000074",
        email="candidat@example.org",
    )
    assert names(selectors.trainer_list(actor=admin_actor, filters={"state": "applied"})) == ["Alex Candidat"]
    assert names(selectors.trainer_list(actor=admin_actor, filters={"status": "subcontractor"})) == ["Alex Candidat"]
    assert names(selectors.trainer_list(actor=admin_actor, filters={"member": other_trainer.member_structure_id})) == [
        "Olga Autre"
    ]
    assert names(selectors.trainer_list(actor=admin_actor, filters={"q": "théo formateur"})) == ["Théo Formateur"]
    assert names(selectors.trainer_list(actor=admin_actor, filters={"q": "candidat@"})) == ["Alex Candidat"]


def test_a_trainer_without_profile_sees_no_trainer_nor_client(org, trainer_user, member_client, trainer):
    trainer_user.trainer_profiles.all().delete()
    actor = actor_for(trainer_user, org, Role.TRAINER)
    assert list(selectors.trainer_list(actor=actor)) == []
    assert list(selectors.client_list(actor=actor)) == []
    assert list(selectors.member_list(actor=actor)) == []


# --- Clients -----------------------------------------------------------------------------------------------


def test_clients_of_ones_structure(admin_actor, manager_actor, trainer_actor, member_client, other_client, org):
    of_client = ClientFactory(organisation=org, member_structure=None, name="Client de l'OF")
    assert names(selectors.client_list(actor=admin_actor)) == names([member_client, other_client, of_client])
    assert names(selectors.client_list(actor=manager_actor)) == ["Boulangerie Martin"]
    assert names(selectors.client_list(actor=trainer_actor)) == ["Boulangerie Martin"]
    with pytest.raises(Http404):
        selectors.client_get(actor=manager_actor, client_id=other_client.pk)
    with pytest.raises(Http404):
        selectors.client_get(actor=trainer_actor, client_id=of_client.pk)


def test_a_client_enrolled_in_a_session_taught_by_the_trainer_is_visible(
    org, other_member, trainer, trainer_actor, manager_actor, other_client
):
    """Session of another structure, but taught by `trainer` (of `member`): the trainer and their manager see
    the client enrolled in it; another client in another session stays hidden."""
    session = _session(org, other_member, trainers=[trainer])
    EnrolmentFactory(session=session, client=other_client)
    hidden = ClientFactory(organisation=org, member_structure=other_member, name="Client caché")
    EnrolmentFactory(session=_session(org, other_member), client=hidden)
    assert "Menuiserie Voisine" in names(selectors.client_list(actor=trainer_actor))
    assert "Client caché" not in names(selectors.client_list(actor=trainer_actor))
    assert selectors.client_get(actor=manager_actor, client_id=other_client.pk) == other_client
    with pytest.raises(Http404):
        selectors.client_get(actor=manager_actor, client_id=hidden.pk)


def test_a_manager_sees_clients_of_sessions_of_their_structure_a_trainer_only_those_they_teach(
    org, member, trainer, trainer_actor, manager_actor, other_trainer
):
    client = ClientFactory(organisation=org, member_structure=None, name="Client OF en session")
    session = _session(org, member, trainers=[other_trainer])  # our structure's session, taught by someone else
    EnrolmentFactory(session=session, client=client)
    assert "Client OF en session" in names(selectors.client_list(actor=manager_actor))
    assert "Client OF en session" not in names(selectors.client_list(actor=trainer_actor))


def test_client_list_has_no_duplicates_when_enrolled_in_many_visible_sessions(org, member, trainer, manager_actor):
    client = ClientFactory(organisation=org, member_structure=member, name="Fidèle")
    for _ in range(3):
        EnrolmentFactory(session=_session(org, member, trainers=[trainer]), client=client)
    assert names(selectors.client_list(actor=manager_actor)) == ["Fidèle"]
    assert selectors.client_list(actor=manager_actor).count() == 1


def test_client_list_search_by_name_siret_and_city(admin_actor, member_client, other_client, org):
    ClientFactory(organisation=org, kind="individual", siret="", name="Jeanne Particulière", city="Brest")
    assert names(selectors.client_list(actor=admin_actor, filters={"q": "boulang"})) == ["Boulangerie Martin"]
    assert names(selectors.client_list(actor=admin_actor, filters={"q": "nantes"})) == ["Menuiserie Voisine"]
    assert "Jeanne Particulière" not in names(selectors.client_list(actor=admin_actor, filters={"q": "732 829"}))
    assert len(selectors.client_list(actor=admin_actor, filters={"q": "732 829 320"})) == 2
    assert names(selectors.client_list(actor=admin_actor, filters={"kind": "individual"})) == ["Jeanne Particulière"]


def test_client_of_another_organisation_is_404_even_for_admin(admin_actor, foreign_client):
    with pytest.raises(Http404):
        selectors.client_get(actor=admin_actor, client_id=foreign_client.pk)


# --- Trainees ----------------------------------------------------------------------------------------------


def test_trainee_visibility_follows_the_client(
    admin_actor, manager_actor, trainer_actor, member_trainee, other_trainee
):
    assert names(selectors.trainee_list(actor=admin_actor)) == names([member_trainee, other_trainee])
    assert names(selectors.trainee_list(actor=manager_actor)) == ["Sacha Martin"]
    assert names(selectors.trainee_list(actor=trainer_actor)) == ["Sacha Martin"]
    with pytest.raises(Http404):
        selectors.trainee_get(actor=trainer_actor, trainee_id=other_trainee.pk)


def test_a_trainee_following_a_session_the_trainer_teaches_is_visible(
    org, other_member, trainer, trainer_actor, other_client
):
    session = _session(org, other_member, trainers=[trainer])
    lone = TraineeFactory(organisation=org, client=None, first_name="Noé", last_name="Seul")
    participant = ParticipantFactory(enrolment=EnrolmentFactory(session=session, client=other_client), trainee=lone)
    assert "Noé Seul" in names(selectors.trainee_list(actor=trainer_actor))
    page = selectors.trainee_page(actor=trainer_actor, trainee_id=lone.pk)
    assert [p.session for p in page.participations] == [participant.session]


def test_trainee_participations_hide_sessions_the_actor_does_not_see(
    org, member, other_member, trainer, trainer_actor, admin_actor, member_trainee, member_client
):
    mine = _session(org, member, trainers=[trainer])
    theirs = _session(org, other_member)
    ParticipantFactory(enrolment=EnrolmentFactory(session=mine, client=member_client), trainee=member_trainee)
    ParticipantFactory(enrolment=EnrolmentFactory(session=theirs, client=member_client), trainee=member_trainee)
    seen_by_trainer = selectors.trainee_participations(actor=trainer_actor, trainee=member_trainee)
    assert [p.session_id for p in seen_by_trainer] == [mine.pk]
    assert len(selectors.trainee_participations(actor=admin_actor, trainee=member_trainee)) == 2


def test_trainee_list_filters(admin_actor, member_trainee, other_trainee, other_client):
    assert names(selectors.trainee_list(actor=admin_actor, filters={"q": "martin"})) == ["Sacha Martin"]
    assert names(selectors.trainee_list(actor=admin_actor, filters={"q": other_trainee.email})) == ["Léa Voisin"]
    assert names(selectors.trainee_list(actor=admin_actor, filters={"client": other_client.pk})) == ["Léa Voisin"]


def test_client_page_lists_enrolments_through_the_reverse_relation(admin_actor, org, member, member_client):
    session = _session(org, member)
    EnrolmentFactory(session=session, client=member_client, price_cents=123400)
    page = selectors.client_page(actor=admin_actor, client_id=member_client.pk)
    assert [(e.session.title, e.price_cents) for e in page.enrolments] == [(session.title, 123400)]
    assert page.may_edit is True
