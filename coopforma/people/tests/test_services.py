# SPDX-License-Identifier: AGPL-3.0-or-later
"""The rules of the people services, and the messages that tell the user what to fix."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from coopforma.accounts.models import Membership, User
from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import MembershipFactory, UserFactory
from coopforma.core.models import ActivityLog, OutboundEmail
from coopforma.people import services
from coopforma.people.models import Client, Contact, MemberStructure, Trainer
from coopforma.people.tests.conftest import PDF, ZIP
from coopforma.people.tests.factories import ClientFactory, MemberStructureFactory, TrainerFactory

VALID_SIRET = "73282932000074"
BAD_SIRET = "73282932000075"


def messages_of(exc_info: pytest.ExceptionInfo) -> dict[str, str]:
    return {field: " ".join(msgs) for field, msgs in exc_info.value.message_dict.items()}


def last_log(obj):  # type: ignore[no-untyped-def]
    return ActivityLog.objects.filter(object_id=obj.pk, object_repr=str(obj)).order_by("-id").first()


# --- Member structures -------------------------------------------------------------------------------------


def test_member_create_compacts_the_siret_and_logs(admin_actor):
    member = services.member_create(
        actor=admin_actor, name="Coop Nouvelle", kind="scic", siret="732 829 320 00074", contribution_rate="12,5"
    )
    assert member.siret == VALID_SIRET
    assert member.contribution_rate == Decimal("12.5")
    log = ActivityLog.objects.get(action="people.member.created", object_id=member.pk)
    assert log.data["fields"]["name"] == "Coop Nouvelle"
    assert log.actor == admin_actor.user


@pytest.mark.parametrize(
    "rate,message",
    [
        ("120", "entre 0 et 100 %"),
        ("-1", "entre 0 et 100 %"),
        ("12.345", "deux décimales au plus"),
        ("douze", "doit être un nombre"),
    ],
)
def test_member_contribution_rate_is_a_percentage(admin_actor, rate, message):
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=admin_actor, name="Coop", kind="cae", contribution_rate=rate)
    assert message in messages_of(exc)["contribution_rate"]


def test_member_siret_luhn_and_name_unique(admin_actor, member):
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=admin_actor, name="cae test", kind="cae", siret=BAD_SIRET)
    errors = messages_of(exc)
    assert "Luhn" in errors["siret"]
    assert "s'appelle déjà « cae test »" in errors["name"]
    assert MemberStructure.objects.count() == 1


@pytest.mark.parametrize("actor_fixture", ["quality_actor", "manager_actor", "trainer_actor"])
def test_only_the_admin_manages_member_structures(request, actor_fixture, member):
    actor = request.getfixturevalue(actor_fixture)
    with pytest.raises(PermissionDenied):
        services.member_create(actor=actor, name="Coop", kind="cae")
    with pytest.raises(PermissionDenied):
        services.member_update(actor=actor, member_id=member.pk, name="Renommée")


def test_member_update_logs_the_diff(admin_actor, member):
    services.member_update(actor=admin_actor, member_id=member.pk, contribution_rate=Decimal("8"), city="Lyon")
    member.refresh_from_db()
    assert (member.contribution_rate, member.city) == (Decimal("8.00"), "Lyon")
    log = ActivityLog.objects.get(action="people.member.updated", object_id=member.pk)
    assert log.data["changes"]["city"] == ["", "Lyon"]
    assert log.data["changes"]["contribution_rate"] == ["10.00", "8.00"]


def test_member_update_without_change_logs_nothing(admin_actor, member):
    services.member_update(actor=admin_actor, member_id=member.pk, name=member.name)
    assert not ActivityLog.objects.filter(action="people.member.updated").exists()


def test_member_update_of_another_organisation_is_404(admin_actor, other_org):
    foreign = MemberStructureFactory(organisation=other_org)
    with pytest.raises(Http404):
        services.member_update(actor=admin_actor, member_id=foreign.pk, name="Volée")


def test_managers_are_people_of_the_organisation(admin_actor, member, quality_user, stranger):
    services.member_manager_add(actor=admin_actor, member_id=member.pk, user_id=quality_user.pk)
    assert member.managers.filter(pk=quality_user.pk).exists()
    with pytest.raises(ValidationError) as exc:
        services.member_manager_add(actor=admin_actor, member_id=member.pk, user_id=quality_user.pk)
    assert "gère déjà" in messages_of(exc)["user"]
    with pytest.raises(ValidationError) as exc:
        services.member_manager_add(actor=admin_actor, member_id=member.pk, user_id=stranger.pk)
    assert "pas d'accès actif" in messages_of(exc)["user"]
    services.member_manager_remove(actor=admin_actor, member_id=member.pk, user_id=quality_user.pk)
    assert not member.managers.filter(pk=quality_user.pk).exists()
    actions = list(ActivityLog.objects.filter(object_id=member.pk).values_list("action", flat=True))
    assert "people.member.manager_added" in actions
    assert "people.member.manager_removed" in actions


def test_managers_change_with_members_manage_only(manager_actor, member, quality_user):
    with pytest.raises(PermissionDenied):
        services.member_manager_add(actor=manager_actor, member_id=member.pk, user_id=quality_user.pk)


# --- Trainers: proposal ------------------------------------------------------------------------------------


def propose(actor, member, **extra):  # type: ignore[no-untyped-def]
    data = {
        "member_structure_id": member.pk,
        "first_name": "Inès",
        "last_name": "Nouvelle",
        "email": "Ines.Nouvelle@Example.org",
        "status": "entrepreneur",
        **extra,
    }
    return services.trainer_propose(actor=actor, **data)


def test_a_manager_proposes_a_trainer_for_their_structure(manager_actor, member):
    trainer = propose(manager_actor, member, qualifications="Master en sociologie")
    assert trainer.onboarding_state == "applied"
    assert trainer.applied_at is not None
    assert trainer.email == "ines.nouvelle@example.org"
    assert trainer.member_structure == member
    log = ActivityLog.objects.get(action="people.trainer.proposed", object_id=trainer.pk)
    assert log.data["member_structure"]["label"] == "CAE Test"


def test_a_manager_cannot_propose_for_another_structure(manager_actor, other_member):
    with pytest.raises(PermissionDenied) as exc:
        propose(manager_actor, other_member)
    assert "Scop Voisine" in str(exc.value)
    assert not Trainer.objects.filter(last_name="Nouvelle").exists()


def test_a_trainer_cannot_propose(trainer_actor, member):
    with pytest.raises(PermissionDenied):
        propose(trainer_actor, member)


def test_proposal_rules_subcontractor_siret_nda_email(quality_actor, member, trainer):
    with pytest.raises(ValidationError) as exc:
        propose(quality_actor, member, status="subcontractor", nda="1175555557", email=trainer.email.upper())
    errors = messages_of(exc)
    assert "sous-traitant·e externe doit avoir un SIRET" in errors["siret"]
    assert "exactement 11 chiffres" in errors["nda"]
    assert "déjà l'e-mail" in errors["email"]
    ok = propose(quality_actor, member, status="subcontractor", siret="732 829 320 00074", nda="11 75 55555 75")
    assert (ok.siret, ok.nda) == (VALID_SIRET, "11755555575")


def test_proposal_to_an_unknown_or_inactive_structure_is_refused(admin_actor, member, other_org):
    foreign = MemberStructureFactory(organisation=other_org)
    with pytest.raises(ValidationError) as exc:
        propose(admin_actor, foreign)
    assert "inconnue" in messages_of(exc)["member_structure"]
    member.is_active = False
    member.save()
    with pytest.raises(ValidationError) as exc:
        propose(admin_actor, member)
    assert "n'est plus active" in messages_of(exc)["member_structure"]


# --- Trainers: CV ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("cv.exe", PDF, "PDF, ODT ou DOCX"),
        ("cv.png", b"\x89PNG", "PDF, ODT ou DOCX"),
        ("cv.pdf", b"MZ fake", "pas un vrai fichier PDF"),
        ("cv.docx", PDF, "pas un vrai fichier DOCX"),
        ("cv.pdf", PDF + b"0" * (5 * 1024 * 1024), "5 Mo au plus"),
    ],
)
def test_cv_must_be_a_small_pdf_odt_or_docx(admin_actor, member, name, content, message):
    with pytest.raises(ValidationError) as exc:
        propose(admin_actor, member, cv=SimpleUploadedFile(name, content))
    assert message in messages_of(exc)["cv"]
    assert name in messages_of(exc)["cv"]
    assert not Trainer.objects.filter(last_name="Nouvelle").exists()


@pytest.mark.parametrize("name,content", [("cv.pdf", PDF), ("CV Inès.ODT", ZIP), ("cv.docx", ZIP)])
def test_cv_accepted_formats(admin_actor, member, name, content):
    trainer = propose(admin_actor, member, cv=SimpleUploadedFile(name, content))
    assert trainer.cv.name.startswith("trainers/cv/")
    with trainer.cv.open("rb") as handle:
        assert handle.read() == content


def test_replacing_the_cv_deletes_the_old_file_after_commit(admin_actor, member, django_capture_on_commit_callbacks):
    trainer = propose(admin_actor, member, cv=SimpleUploadedFile("old.pdf", PDF))
    old_name = trainer.cv.name
    storage = trainer.cv.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.trainer_update(actor=admin_actor, trainer_id=trainer.pk, cv=SimpleUploadedFile("new.pdf", PDF))
    trainer.refresh_from_db()
    assert "new" in trainer.cv.name
    assert not storage.exists(old_name)


# --- Trainers: profile edits -------------------------------------------------------------------------------


def test_a_trainer_edits_their_own_qualifications_phone_specialities_and_cv(trainer_actor, trainer):
    services.trainer_update(
        actor=trainer_actor,
        trainer_id=trainer.pk,
        qualifications="DU animation",
        phone="06 00 00 00 00",
        specialities="Gouvernance partagée",
        cv=SimpleUploadedFile("cv.pdf", PDF),
    )
    trainer.refresh_from_db()
    assert (trainer.qualifications, trainer.specialities) == ("DU animation", "Gouvernance partagée")
    assert trainer.cv
    log = ActivityLog.objects.get(action="people.trainer.updated", object_id=trainer.pk)
    assert log.data["changes"]["qualifications"] == ["", "DU animation"]
    assert log.data["changes"]["cv"][1].startswith("trainers/cv/")


@pytest.mark.parametrize(
    "field,value", [("member_structure_id", "other"), ("status", "subcontractor"), ("last_name", "Autre")]
)
def test_a_trainer_cannot_change_their_structure_status_or_name(trainer_actor, trainer, other_member, field, value):
    value = other_member.pk if value == "other" else value
    with pytest.raises(PermissionDenied) as exc:
        services.trainer_update(actor=trainer_actor, trainer_id=trainer.pk, **{field: value})
    assert field in str(exc.value)
    trainer.refresh_from_db()
    assert trainer.member_structure_id != other_member.pk


def test_the_onboarding_state_is_not_a_profile_field(admin_actor, trainer):
    with pytest.raises(TypeError):
        services.trainer_update(actor=admin_actor, trainer_id=trainer.pk, onboarding_state="active")


def test_a_trainer_cannot_edit_another_trainer(trainer_actor, other_trainer):
    with pytest.raises(Http404):
        services.trainer_update(actor=trainer_actor, trainer_id=other_trainer.pk, phone="0600")


def test_a_manager_edits_the_trainers_of_their_structure_only_within_it(
    manager_actor, trainer, other_member, other_trainer
):
    services.trainer_update(actor=manager_actor, trainer_id=trainer.pk, specialities="Facilitation")
    with pytest.raises(PermissionDenied):
        services.trainer_update(actor=manager_actor, trainer_id=trainer.pk, member_structure_id=other_member.pk)
    with pytest.raises(Http404):
        services.trainer_update(actor=manager_actor, trainer_id=other_trainer.pk, phone="0600")


# --- Trainers: decisions of the comité de validation -------------------------------------------------------


@pytest.fixture
def candidate(org, member):  # type: ignore[no-untyped-def]
    return TrainerFactory(organisation=org, member_structure=member, last_name="Candidate", onboarding_state="applied")


def test_the_whole_parcours_formateur(quality_actor, candidate):
    decided = services.trainer_decide(
        actor=quality_actor, trainer_id=candidate.pk, decision="validate", reason="Comité du 12/03 : CV et entretien."
    )
    assert decided.onboarding_state == "validated"
    assert decided.committee_decision == "Comité du 12/03 : CV et entretien."
    assert decided.decided_by == quality_actor.user
    assert decided.decided_at is not None
    assert (
        services.trainer_decide(actor=quality_actor, trainer_id=candidate.pk, decision="activate").onboarding_state
        == "active"
    )
    suspended = services.trainer_decide(
        actor=quality_actor, trainer_id=candidate.pk, decision="suspend", reason="Attestation d'assurance manquante"
    )
    assert (suspended.onboarding_state, suspended.suspension_reason) == (
        "suspended",
        "Attestation d'assurance manquante",
    )
    back = services.trainer_decide(actor=quality_actor, trainer_id=candidate.pk, decision="reactivate")
    assert (back.onboarding_state, back.suspension_reason) == ("active", "")
    actions = list(
        ActivityLog.objects.filter(object_id=candidate.pk, action__startswith="people.trainer.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "people.trainer.validated",
        "people.trainer.activated",
        "people.trainer.suspended",
        "people.trainer.reactivated",
    ]
    suspension = ActivityLog.objects.get(action="people.trainer.suspended", object_id=candidate.pk)
    assert suspension.data["reason"] == "Attestation d'assurance manquante"
    assert suspension.data["changes"]["onboarding_state"] == ["active", "suspended"]


def test_reject_needs_a_reason_and_sets_the_decision(admin_actor, candidate):
    with pytest.raises(ValidationError) as exc:
        services.trainer_decide(actor=admin_actor, trainer_id=candidate.pk, decision="reject", reason="  ")
    assert "motif du refus" in messages_of(exc)["reason"]
    rejected = services.trainer_decide(
        actor=admin_actor, trainer_id=candidate.pk, decision="reject", reason="Hors champ"
    )
    assert (rejected.onboarding_state, rejected.committee_decision) == ("rejected", "Hors champ")
    assert rejected.decided_by == admin_actor.user


@pytest.mark.parametrize(
    "decision,message", [("validate", "décision du comité"), ("suspend", "motif de la suspension")]
)
def test_validate_and_suspend_need_a_text(admin_actor, org, member, decision, message):
    state = "applied" if decision == "validate" else "active"
    trainer = TrainerFactory(organisation=org, member_structure=member, onboarding_state=state)
    with pytest.raises(ValidationError) as exc:
        services.trainer_decide(actor=admin_actor, trainer_id=trainer.pk, decision=decision)
    assert message in messages_of(exc)["reason"]
    trainer.refresh_from_db()
    assert trainer.onboarding_state == state


@pytest.mark.parametrize(
    "state,decision",
    [
        ("applied", "activate"),
        ("applied", "suspend"),
        ("applied", "reactivate"),
        ("validated", "validate"),
        ("validated", "reactivate"),
        ("active", "validate"),
        ("active", "activate"),
        ("active", "reject"),
        ("suspended", "activate"),
        ("suspended", "suspend"),
        ("rejected", "validate"),
        ("rejected", "activate"),
        ("rejected", "reactivate"),
    ],
)
def test_other_transitions_are_refused_with_a_clear_message(admin_actor, org, member, state, decision):
    trainer = TrainerFactory(organisation=org, member_structure=member, onboarding_state=state, last_name="Martin")
    with pytest.raises(ValidationError) as exc:
        services.trainer_decide(actor=admin_actor, trainer_id=trainer.pk, decision=decision, reason="motif")
    message = messages_of(exc)["decision"]
    assert "est impossible pour Alex Martin" in message
    assert "son parcours est à l'étape" in message
    trainer.refresh_from_db()
    assert trainer.onboarding_state == state


def test_unknown_decision(admin_actor, candidate):
    with pytest.raises(ValidationError) as exc:
        services.trainer_decide(actor=admin_actor, trainer_id=candidate.pk, decision="promote")
    assert "Décision inconnue « promote »" in messages_of(exc)["decision"]


@pytest.mark.parametrize("actor_fixture", ["manager_actor", "trainer_actor"])
def test_only_the_committee_decides(request, actor_fixture, trainer):
    with pytest.raises(PermissionDenied):
        services.trainer_decide(
            actor=request.getfixturevalue(actor_fixture), trainer_id=trainer.pk, decision="suspend", reason="x"
        )


# --- Trainers: giving a login ------------------------------------------------------------------------------


def test_invite_sends_an_invitation_and_gives_no_access_until_accepted(
    admin_actor, org, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        trainer, membership = services.trainer_invite(actor=admin_actor, trainer_id=candidate.pk)
    user = membership.user
    assert trainer.user == user and user.email == candidate.email
    assert not user.has_usable_password()
    assert (membership.role, membership.state, membership.is_active) == (Role.TRAINER, "invited", False)
    assert ActivityLog.objects.filter(action="people.trainer.invited", object_id=candidate.pk).exists()
    assert [m.to for m in mail.outbox] == [[candidate.email]]
    stored = OutboundEmail.objects.get(purpose="membership_invitation")
    assert "/accounts/invitation/" in mail.outbox[0].body and "/accounts/invitation/" not in stored.body
    # Again: the invitation is sent anew (the first link stops working).
    first_hash = membership.invitation_token_hash
    with django_capture_on_commit_callbacks(execute=True):
        _, again = services.trainer_invite(actor=admin_actor, trainer_id=candidate.pk)
    assert again.invitation_token_hash != first_hash and len(mail.outbox) == 2
    Membership.objects.filter(pk=membership.pk).update(state="active", is_active=True)
    with pytest.raises(ValidationError) as exc:
        services.trainer_invite(actor=admin_actor, trainer_id=candidate.pk)
    assert "a déjà un accès" in " ".join(exc.value.messages)


def test_invite_links_an_existing_account_without_changing_its_role(quality_actor, org, member):
    user = UserFactory(email="gerante@example.org")
    MembershipFactory(user=user, organisation=org, role=Role.MEMBER_MANAGER)
    trainer = TrainerFactory(organisation=org, member_structure=member, email="gerante@example.org")
    _, membership = services.trainer_invite(actor=quality_actor, trainer_id=trainer.pk)
    assert membership.user == user and membership.state == "active"
    assert Membership.objects.get(user=user, organisation=org).role == Role.MEMBER_MANAGER
    assert User.objects.filter(email="gerante@example.org").count() == 1


def test_invite_of_an_account_of_another_organisation_only_invites(admin_actor, org, other_org, member):
    user = UserFactory(email="ailleurs@example.org")
    MembershipFactory(user=user, organisation=other_org, role=Role.ADMIN)
    trainer = TrainerFactory(organisation=org, member_structure=member, email="ailleurs@example.org")
    _, membership = services.trainer_invite(actor=admin_actor, trainer_id=trainer.pk)
    assert (membership.user, membership.state, membership.is_active) == (user, "invited", False)
    user.refresh_from_db()
    assert user.check_password("correct horse battery")  # nothing of the account changed


def test_invite_is_refused_for_rejected_or_suspended_and_for_lesser_roles(admin_actor, manager_actor, org, member):
    rejected = TrainerFactory(organisation=org, member_structure=member, onboarding_state="rejected")
    with pytest.raises(ValidationError) as exc:
        services.trainer_invite(actor=admin_actor, trainer_id=rejected.pk)
    assert "Refusé" in " ".join(exc.value.messages)
    with pytest.raises(PermissionDenied):
        services.trainer_invite(actor=manager_actor, trainer_id=rejected.pk)


def test_invite_refuses_a_removed_account(admin_actor, org, member):
    user = UserFactory(email="partie@example.org")
    MembershipFactory(user=user, organisation=org, role=Role.TRAINER, is_active=False, state="removed")
    trainer = TrainerFactory(organisation=org, member_structure=member, email="partie@example.org")
    with pytest.raises(ValidationError) as exc:
        services.trainer_invite(actor=admin_actor, trainer_id=trainer.pk)
    assert "retiré·e de l'organisme" in " ".join(exc.value.messages)
    trainer.refresh_from_db()
    assert trainer.user is None


def test_suspending_a_trainer_suspends_their_login_and_reactivating_restores_it(admin_actor, org, trainer):
    membership = Membership.objects.get(user=trainer.user, organisation=org)
    services.trainer_decide(actor=admin_actor, trainer_id=trainer.pk, decision="suspend", reason="Absences")
    membership.refresh_from_db()
    assert (membership.state, membership.is_active) == ("suspended", False)
    services.trainer_decide(actor=admin_actor, trainer_id=trainer.pk, decision="reactivate")
    membership.refresh_from_db()
    assert (membership.state, membership.is_active) == ("active", True)


def test_rejecting_an_invited_candidate_cancels_the_invitation(admin_actor, org, candidate):
    _, membership = services.trainer_invite(actor=admin_actor, trainer_id=candidate.pk)
    services.trainer_decide(actor=admin_actor, trainer_id=candidate.pk, decision="reject", reason="Hors champ")
    membership.refresh_from_db()
    assert (membership.state, membership.is_active, membership.invitation_token_hash) == ("removed", False, None)


def test_suspension_keeps_another_role_of_the_same_person(admin_actor, org, member):
    user = UserFactory()
    MembershipFactory(user=user, organisation=org, role=Role.QUALITY)
    trainer = TrainerFactory(organisation=org, member_structure=member, user=user, email=user.email)
    services.trainer_decide(actor=admin_actor, trainer_id=trainer.pk, decision="suspend", reason="x")
    assert Membership.objects.get(user=user, organisation=org).state == "active"


# --- Clients -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,extra,field,message",
    [
        ("company", {}, "siret", "doit avoir un SIRET"),
        ("public_body", {}, "siret", "doit avoir un SIRET"),
        ("training_org", {"siret": VALID_SIRET}, "nda", "numéro de déclaration d'activité"),
        ("training_org", {"siret": VALID_SIRET, "nda": "123"}, "nda", "exactement 11 chiffres"),
        ("company", {"siret": BAD_SIRET}, "siret", "Luhn"),
        ("company", {"siret": "1234"}, "siret", "14 chiffres"),
        ("individual", {"siret": VALID_SIRET}, "siret", "Un particulier n'a pas de SIRET"),
        ("alien", {}, "kind", "n’est pas un choix valide"),
    ],
)
def test_client_identifier_rules(admin_actor, kind, extra, field, message):
    with pytest.raises(ValidationError) as exc:
        services.client_create(actor=admin_actor, kind=kind, name="Client", **extra)
    errors = messages_of(exc)
    assert message.replace("’", "'") in errors[field].replace("’", "'")
    assert not Client.objects.exists()


def test_client_of_each_kind_with_valid_identifiers(admin_actor):
    of = services.client_create(
        actor=admin_actor, kind="training_org", name="OF Partenaire", siret=VALID_SIRET, nda="11755555575"
    )
    person = services.client_create(actor=admin_actor, kind="individual", name="Jeanne Dupont")
    assert (of.member_structure, person.siret) == (None, "")
    assert ActivityLog.objects.filter(action="people.client.created").count() == 2


def test_a_manager_creates_clients_for_their_structure_automatically(manager_actor, member, other_member):
    client = services.client_create(actor=manager_actor, kind="company", name="Biocoop", siret=VALID_SIRET)
    assert client.member_structure == member
    with pytest.raises(PermissionDenied):
        services.client_create(
            actor=manager_actor, kind="company", name="Autre", siret=VALID_SIRET, member_structure_id=other_member.pk
        )


def test_a_trainer_creates_clients_for_their_structure(trainer_actor, member):
    client = services.client_create(actor=trainer_actor, kind="individual", name="Paul Particulier")
    assert client.member_structure == member


def test_a_manager_of_two_structures_chooses_one_of_theirs(manager_actor, manager_user, org):
    second = MemberStructureFactory(organisation=org, name="Deuxième")
    second.managers.add(manager_user)
    manager_actor.cache.clear()
    with pytest.raises(ValidationError) as exc:
        services.client_create(actor=manager_actor, kind="company", name="X", siret=VALID_SIRET)
    assert "Choisissez laquelle" in messages_of(exc)["member_structure"]
    client = services.client_create(
        actor=manager_actor, kind="company", name="X", siret=VALID_SIRET, member_structure_id=second.pk
    )
    assert client.member_structure == second


def test_admin_chooses_the_structure_or_none(admin_actor, other_member):
    client = services.client_create(
        actor=admin_actor, kind="company", name="X", siret=VALID_SIRET, member_structure_id=other_member.pk
    )
    assert client.member_structure == other_member
    services.client_update(actor=admin_actor, client_id=client.pk, member_structure_id=None)
    client.refresh_from_db()
    assert client.member_structure is None


def test_client_update_rules_and_log(manager_actor, member_client, other_client):
    services.client_update(actor=manager_actor, client_id=member_client.pk, city="Vannes", siret="732 829 320 00074")
    member_client.refresh_from_db()
    assert member_client.city == "Vannes"
    log = ActivityLog.objects.get(action="people.client.updated", object_id=member_client.pk)
    assert log.data["changes"] == {"city": ["Rennes", "Vannes"]}
    with pytest.raises(PermissionDenied):
        services.client_update(actor=manager_actor, client_id=member_client.pk, member_structure_id=None)
    with pytest.raises(Http404):
        services.client_update(actor=manager_actor, client_id=other_client.pk, city="Vannes")
    with pytest.raises(ValidationError) as exc:
        services.client_update(actor=manager_actor, client_id=member_client.pk, kind="individual")
    assert "Un particulier n'a pas de SIRET" in messages_of(exc)["siret"]


def test_a_client_seen_through_a_session_is_not_editable(trainer_actor, org, other_member, trainer, other_client):
    from coopforma.catalogue.tests.factories import TrainingFactory
    from coopforma.training_sessions.tests.factories import EnrolmentFactory, SessionFactory

    session = SessionFactory(training=TrainingFactory(organisation=org, member_structure=other_member))
    session.trainers.add(trainer)
    EnrolmentFactory(session=session, client=other_client)
    with pytest.raises(PermissionDenied) as exc:
        services.client_update(actor=trainer_actor, client_id=other_client.pk, city="Vannes")
    assert "suivi par une autre structure" in str(exc.value)


# --- Contacts ----------------------------------------------------------------------------------------------


def test_contacts_are_added_changed_and_removed_with_the_clients_history(trainer_actor, member_client):
    contact = services.contact_create(
        actor=trainer_actor,
        client_id=member_client.pk,
        first_name="Lou",
        last_name="Bernard",
        email="Lou@Example.org",
        is_signatory=True,
    )
    assert (contact.organisation_id, contact.email) == (member_client.organisation_id, "lou@example.org")
    services.contact_update(actor=trainer_actor, client_id=member_client.pk, contact_id=contact.pk, job_title="Gérante")
    services.contact_delete(actor=trainer_actor, client_id=member_client.pk, contact_id=contact.pk)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    actions = list(
        ActivityLog.objects.filter(object_id=member_client.pk, action__startswith="people.client.contact")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["people.client.contact_added", "people.client.contact_updated", "people.client.contact_removed"]


def test_contact_rules(admin_actor, member_client, other_client, member_contact):
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=admin_actor, client_id=member_client.pk, first_name="", last_name="", email="x@")
    errors = messages_of(exc)
    assert "au moins le nom" in errors["last_name"]
    assert "email" in errors
    # A contact is reached through its own client only.
    with pytest.raises(Http404):
        services.contact_update(actor=admin_actor, client_id=other_client.pk, contact_id=member_contact.pk, phone="1")


# --- Trainees ----------------------------------------------------------------------------------------------


def test_trainee_client_must_be_visible(manager_actor, member_client, other_client):
    trainee = services.trainee_create(
        actor=manager_actor, first_name="Ana", last_name="Lima", client_id=member_client.pk
    )
    assert trainee.client == member_client
    with pytest.raises(ValidationError) as exc:
        services.trainee_create(actor=manager_actor, first_name="Ana", last_name="Lima", client_id=other_client.pk)
    assert "hors de votre périmètre" in messages_of(exc)["client"]
    with pytest.raises(ValidationError) as exc:
        services.trainee_create(actor=manager_actor, first_name="Ana", last_name="Lima")
    assert "Choisissez le client" in messages_of(exc)["client"]
    with pytest.raises(ValidationError) as exc:
        services.trainee_update(actor=manager_actor, trainee_id=trainee.pk, client_id=other_client.pk)
    assert "hors de votre périmètre" in messages_of(exc)["client"]


def test_admin_may_record_a_trainee_without_client(admin_actor, foreign_client):
    trainee = services.trainee_create(actor=admin_actor, first_name="Ana", last_name="Lima", email="ANA@example.org")
    assert (trainee.client, trainee.email) == (None, "ana@example.org")
    with pytest.raises(ValidationError) as exc:
        services.trainee_create(actor=admin_actor, first_name="Ana", last_name="Lima", client_id=foreign_client.pk)
    assert "client" in messages_of(exc)


def test_adaptation_needs_are_not_copied_into_the_log(admin_actor, member_trainee):
    services.trainee_update(
        actor=admin_actor, trainee_id=member_trainee.pk, adaptation_needs="Malvoyante : supports A3"
    )
    member_trainee.refresh_from_db()
    assert member_trainee.adaptation_needs == "Malvoyante : supports A3"
    log = ActivityLog.objects.get(action="people.trainee.updated", object_id=member_trainee.pk)
    assert log.data["changes"]["adaptation_needs"] == ["", "(confidentiel)"]
    assert "Malvoyante" not in str(log.data)


def test_trainee_update_keeps_an_unseen_current_client(trainer_actor, org, other_member, trainer, other_trainee):
    """A trainer who sees the trainee through their session may edit them without seeing their client."""
    from coopforma.catalogue.tests.factories import TrainingFactory
    from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory, SessionFactory

    session = SessionFactory(training=TrainingFactory(organisation=org, member_structure=other_member))
    session.trainers.add(trainer)
    enrolment = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, member_structure=None))
    ParticipantFactory(enrolment=enrolment, trainee=other_trainee)
    services.trainee_update(
        actor=trainer_actor, trainee_id=other_trainee.pk, client_id=other_trainee.client_id, job_title="Menuisière"
    )
    other_trainee.refresh_from_db()
    assert other_trainee.job_title == "Menuisière"
