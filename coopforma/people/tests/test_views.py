# SPDX-License-Identifier: AGPL-3.0-or-later
"""The people pages through the HTTP client: lists, details, forms (valid: saved and logged; invalid: 200
with the message and what was typed), htmx contacts, the onboarding decisions and the CV download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopforma.accounts.models import Membership
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.models import ActivityLog
from coopforma.people import services
from coopforma.people.models import Client, Contact, MemberStructure, Trainee, Trainer
from coopforma.people.tests.conftest import PDF
from coopforma.people.tests.factories import TrainerFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory, SessionFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"people:{name}", kwargs={"org": "coop-test", **kwargs})


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def messages_text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- Member structures -------------------------------------------------------------------------------------


def test_member_list_search_and_kind_filter(web, admin_user, member, other_member):
    page = text(web(admin_user).get(url("member_list")))
    assert "CAE Test" in page and "Scop Voisine" in page
    assert "Nouvelle structure" in page
    filtered = text(web(admin_user).get(url("member_list"), {"kind": "scop"}))
    assert "Scop Voisine" in filtered and "CAE Test" not in filtered
    searched = web(admin_user).get(url("member_list"), {"q": "cae"}, **HTMX)
    assert "CAE Test" in text(searched) and "Scop Voisine" not in text(searched)


def test_member_list_for_a_manager_shows_only_their_structure_and_no_create_button(
    web, manager_user, member, other_member
):
    page = text(web(manager_user).get(url("member_list")))
    assert "CAE Test" in page
    assert "Scop Voisine" not in page
    assert "Nouvelle structure" not in page


def test_member_create_valid_is_saved_and_logged(web, admin_user, org):
    response = web(admin_user).post(
        url("member_create"),
        {
            "name": "Coop des Îles",
            "kind": "scic",
            "siret": "732 829 320 00074",
            "contribution_rate": "12,5",
            "is_active": "on",
        },
    )
    member = MemberStructure.objects.get(name="Coop des Îles")
    assert response.status_code == 302
    assert response["Location"] == url("member_detail", pk=member.pk)
    assert str(member.contribution_rate) == "12.50"
    assert ActivityLog.objects.filter(action="people.member.created", object_id=member.pk).exists()


def test_member_create_invalid_shows_the_errors_and_keeps_the_input(web, admin_user, org):
    response = web(admin_user).post(
        url("member_create"),
        {"name": "Coop des Îles", "kind": "scic", "siret": "73282932000075", "contribution_rate": "120"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "clé de contrôle Luhn incorrecte" in page
    assert "entre 0 et 100 %" in page
    assert 'value="Coop des Îles"' in page
    assert 'value="73282932000075"' in page
    assert not MemberStructure.objects.filter(name="Coop des Îles").exists()


def test_member_update(web, admin_user, member):
    form = web(admin_user).get(url("member_update", pk=member.pk))
    assert 'value="CAE Test"' in text(form)
    response = web(admin_user).post(
        url("member_update", pk=member.pk),
        {"name": "CAE Test", "kind": "cae", "contribution_rate": "9", "city": "Lille"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.city, str(member.contribution_rate), member.is_active) == ("Lille", "9.00", False)
    detail = text(web(admin_user).get(url("member_detail", pk=member.pk)))
    assert "Structure membre modifiée par" in detail and "Lille" in detail
    assert "people.member.updated" not in detail


def test_member_detail_shows_trainers_managers_and_history(web, admin_user, manager_user, trainer, member):
    page = text(web(admin_user).get(url("member_detail", pk=member.pk)))
    assert "Théo Formateur" in page
    assert "Maud Gérante" in page
    assert "Gérant·e de structure membre" in page  # the manager's role
    assert "Ajouter comme gérant·e" in page
    assert "Historique" in page


def test_member_detail_for_the_trainer_has_no_admin_actions(web, trainer_user, trainer, member):
    page = text(web(trainer_user).get(url("member_detail", pk=member.pk)))
    assert "CAE Test" in page
    assert "Ajouter comme gérant·e" not in page
    assert url("member_update", pk=member.pk) not in page


def test_add_and_remove_a_manager(web, admin_user, quality_user, member):
    client = web(admin_user)
    response = client.post(url("member_manager_add", pk=member.pk), {"user": quality_user.pk})
    assert response.status_code == 302
    assert member.managers.filter(pk=quality_user.pk).exists()
    response = client.post(url("member_manager_remove", pk=member.pk, user_id=quality_user.pk))
    assert response.status_code == 302
    assert not member.managers.filter(pk=quality_user.pk).exists()


def test_add_a_manager_invalid_rerenders_the_page(web, admin_user, member, stranger):
    response = web(admin_user).post(url("member_manager_add", pk=member.pk), {"user": stranger.pk})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    assert not member.managers.filter(pk=stranger.pk).exists()


# --- Trainers ----------------------------------------------------------------------------------------------


def test_trainer_list_filters(web, admin_user, trainer, other_trainer, org, member):
    TrainerFactory(organisation=org, member_structure=member, last_name="Candidat", onboarding_state="applied")
    client = web(admin_user)
    page = text(client.get(url("trainer_list")))
    assert "Formateur" in page and "Autre" in page and "Candidat" in page
    applied = text(client.get(url("trainer_list"), {"state": "applied"}))
    assert "Candidat" in applied and "Olga" not in applied
    by_member = text(client.get(url("trainer_list"), {"member": other_trainer.member_structure_id}))
    assert "Olga" in by_member and "Théo" not in by_member
    assert "Olga" in text(client.get(url("trainer_list"), {"q": "olga", "member": "not-a-number"}))


def test_propose_a_trainer_with_a_cv(web, manager_user, member):
    response = web(manager_user).post(
        url("trainer_create"),
        {
            "member_structure": member.pk,
            "first_name": "Inès",
            "last_name": "Nouvelle",
            "email": "ines@example.org",
            "status": "entrepreneur",
            "qualifications": "Master",
            "cv": SimpleUploadedFile("cv-ines.pdf", PDF, content_type="application/pdf"),
        },
    )
    trainer = Trainer.objects.get(email="ines@example.org")
    assert response.status_code == 302
    assert trainer.onboarding_state == "applied"
    assert trainer.cv.name.endswith(".pdf")
    assert ActivityLog.objects.filter(action="people.trainer.proposed", object_id=trainer.pk).exists()


def test_propose_a_trainer_invalid_keeps_the_input(web, manager_user, member, other_member):
    form_page = text(web(manager_user).get(url("trainer_create")))
    assert "CAE Test" in form_page and "Scop Voisine" not in form_page  # only their structure is offered
    response = web(manager_user).post(
        url("trainer_create"),
        {
            "member_structure": member.pk,
            "first_name": "Inès",
            "last_name": "Nouvelle",
            "email": "ines@example.org",
            "status": "subcontractor",
            "nda": "12",
            "cv": SimpleUploadedFile("cv.exe", b"MZ"),
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "doit avoir un SIRET" in page
    assert "11 chiffres" in page
    assert "Le CV « cv.exe » n&#x27;est pas accepté" in page
    assert 'value="Nouvelle"' in page and 'value="ines@example.org"' in page
    assert not Trainer.objects.filter(email="ines@example.org").exists()


def test_trainer_detail_shows_profile_timeline_and_decision_form(web, quality_user, quality_actor, org, member):
    trainer = services.trainer_propose(
        actor=quality_actor,
        member_structure_id=member.pk,
        first_name="Inès",
        last_name="Nouvelle",
        email="ines@example.org",
        status="entrepreneur",
        qualifications="Master en sociologie",
    )
    page = text(web(quality_user).get(url("trainer_detail", pk=trainer.pk)))
    assert "Master en sociologie" in page
    assert "Candidature proposée" in page  # the onboarding timeline
    assert "Décision du comité de validation" in page
    assert "Valider (décision du comité)" in page
    assert "Activer" not in page  # not possible from « candidature »


def test_committee_decisions_through_the_page(web, admin_user, org, member):
    trainer = TrainerFactory(organisation=org, member_structure=member, onboarding_state="applied")
    client = web(admin_user)
    missing = client.post(url("trainer_decision", pk=trainer.pk), {"decision": "validate", "reason": ""})
    assert missing.status_code == 200
    assert "Saisissez la décision du comité" in text(missing)
    wrong = client.post(url("trainer_decision", pk=trainer.pk), {"decision": "activate", "reason": "vite"})
    assert wrong.status_code == 200
    assert "est impossible pour" in text(wrong)
    assert "vite" in text(wrong)
    ok = client.post(url("trainer_decision", pk=trainer.pk), {"decision": "validate", "reason": "Comité du 3 mars"})
    assert ok.status_code == 302
    trainer.refresh_from_db()
    assert (trainer.onboarding_state, trainer.committee_decision) == ("validated", "Comité du 3 mars")
    page = text(client.get(url("trainer_detail", pk=trainer.pk)))
    assert "Validation par le comité" in page and "Comité du 3 mars" in page


def test_give_a_login_sends_an_invitation_and_shows_no_link(web, admin_user, org, member):
    trainer = TrainerFactory(organisation=org, member_structure=member, email="nouvelle@example.org")
    response = web(admin_user).post(url("trainer_invite", pk=trainer.pk), follow=True)
    assert response.status_code == 200
    assert "Invitation envoyée à nouvelle@example.org" in messages_text(response)
    assert "/accounts/" not in messages_text(response)
    assert "invitation envoyée le" in response.text and "Renvoyer l'invitation" in response.text
    trainer.refresh_from_db()
    assert trainer.user.email == "nouvelle@example.org"
    membership = Membership.objects.get(user=trainer.user, organisation=org)
    assert (membership.role, membership.state) == ("trainer", "invited")
    Membership.objects.filter(pk=membership.pk).update(state="active", is_active=True)
    again = web(admin_user).post(url("trainer_invite", pk=trainer.pk), follow=True)
    assert "a déjà un accès" in messages_text(again)


def test_cv_download(web, trainer_user, trainer, admin_user):
    trainer.cv.save("mon-cv.pdf", SimpleUploadedFile("mon-cv.pdf", PDF), save=True)
    response = web(trainer_user).get(url("trainer_cv", pk=trainer.pk))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF  # consuming it closes the file
    detail = text(web(admin_user).get(url("trainer_detail", pk=trainer.pk)))
    assert url("trainer_cv", pk=trainer.pk) in detail


def test_cv_download_without_cv_is_404(web, admin_user, trainer):
    assert web(admin_user).get(url("trainer_cv", pk=trainer.pk)).status_code == 404


def test_a_trainer_edits_their_own_profile(web, trainer_user, trainer):
    form = text(web(trainer_user).get(url("trainer_update", pk=trainer.pk)))
    assert 'name="qualifications"' in form
    assert 'name="member_structure"' not in form and 'name="email"' not in form
    response = web(trainer_user).post(
        url("trainer_update", pk=trainer.pk),
        {
            "phone": "06 11 22 33 44",
            "specialities": "Facilitation",
            "qualifications": "DU",
            "cv": SimpleUploadedFile("cv.odt", b"PK\x03\x04rest"),
        },
    )
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert (trainer.phone, trainer.specialities) == ("06 11 22 33 44", "Facilitation")
    assert trainer.cv.name.endswith(".odt")


def test_trainer_edit_invalid_cv_keeps_the_text(web, trainer_user, trainer):
    response = web(trainer_user).post(
        url("trainer_update", pk=trainer.pk),
        {
            "phone": "",
            "specialities": "Facilitation",
            "qualifications": "Mon parcours",
            "cv": SimpleUploadedFile("cv.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "pas un vrai fichier PDF" in text(response)
    assert "Mon parcours" in text(response)
    trainer.refresh_from_db()
    assert trainer.qualifications == ""


# --- Clients and contacts ----------------------------------------------------------------------------------


def test_client_list_search(web, admin_user, member_client, other_client):
    client = web(admin_user)
    page = text(client.get(url("client_list")))
    assert "Boulangerie Martin" in page and "Menuiserie Voisine" in page
    assert "Menuiserie" not in text(client.get(url("client_list"), {"q": "rennes"}))
    assert "Boulangerie" not in text(client.get(url("client_list"), {"kind": "individual"}))


def test_client_create_by_a_manager_is_attached_to_their_structure(web, manager_user, member):
    form = text(web(manager_user).get(url("client_create")))
    assert 'name="member_structure"' not in form
    response = web(manager_user).post(
        url("client_create"), {"kind": "company", "name": "Biocoop", "siret": "732 829 320 00074"}
    )
    created = Client.objects.get(name="Biocoop")
    assert response.status_code == 302
    assert created.member_structure == member
    assert ActivityLog.objects.filter(action="people.client.created", object_id=created.pk).exists()


def test_client_create_invalid_keeps_the_input(web, admin_user):
    response = web(admin_user).post(
        url("client_create"),
        {"kind": "individual", "name": "Jeanne Dupont", "siret": "73282932000074", "city": "Brest"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Un particulier n&#x27;a pas de SIRET" in page or "Un particulier n'a pas de SIRET" in page
    assert 'value="Jeanne Dupont"' in page and 'value="Brest"' in page
    assert not Client.objects.filter(name="Jeanne Dupont").exists()


def test_client_create_training_org_needs_nda(web, admin_user, member):
    response = web(admin_user).post(
        url("client_create"),
        {"kind": "training_org", "name": "OF Ami", "siret": "73282932000074", "member_structure": member.pk},
    )
    assert response.status_code == 200
    assert "numéro de déclaration d" in text(response)


def test_client_detail_shows_contacts_trainees_and_enrolments(
    web, trainer_user, trainer, org, member, member_client, member_contact, member_trainee
):
    session = SessionFactory(training=TrainingFactory(organisation=org, member_structure=member), title="Animer")
    EnrolmentFactory(session=session, client=member_client, price_cents=140000)
    page = text(web(trainer_user).get(url("client_detail", pk=member_client.pk)))
    assert "Claire Dupont" in page
    assert "Sacha" in page
    assert "Animer" in page
    assert "1\u202f400,00\u00a0€" in page
    assert url("client_update", pk=member_client.pk) in page


def test_client_update(web, admin_user, member_client, other_member):
    response = web(admin_user).post(
        url("client_update", pk=member_client.pk),
        {
            "kind": "company",
            "name": "Boulangerie Martin & fils",
            "siret": member_client.siret,
            "member_structure": other_member.pk,
        },
    )
    assert response.status_code == 302
    member_client.refresh_from_db()
    assert (member_client.name, member_client.member_structure) == ("Boulangerie Martin & fils", other_member)


def test_contacts_inline_with_htmx(web, manager_user, member_client):
    client = web(manager_user)
    form = client.get(url("contact_create", pk=member_client.pk), **HTMX)
    assert form.status_code == 200
    assert 'id="contacts"' in text(form) and 'name="last_name"' in text(form)
    assert "<html" not in text(form)  # a fragment, not a page
    invalid = client.post(
        url("contact_create", pk=member_client.pk), {"first_name": "Lou", "email": "pas-un-email"}, **HTMX
    )
    assert invalid.status_code == 200
    assert "Ce champ est obligatoire" in text(invalid)
    assert "adresse de courriel valide" in text(invalid)
    assert 'value="Lou"' in text(invalid)
    saved = client.post(
        url("contact_create", pk=member_client.pk),
        {"first_name": "Lou", "last_name": "Bernard", "email": "lou@example.org", "is_signatory": "on"},
        **HTMX,
    )
    contact = Contact.objects.get(last_name="Bernard")
    assert saved.status_code == 200
    assert "Lou Bernard" in text(saved) and "signataire" in text(saved)
    edit = client.get(url("contact_update", pk=member_client.pk, contact_id=contact.pk), **HTMX)
    assert 'value="Bernard"' in text(edit)
    client.post(
        url("contact_update", pk=member_client.pk, contact_id=contact.pk),
        {"first_name": "Lou", "last_name": "Bernard", "job_title": "Gérante"},
        **HTMX,
    )
    contact.refresh_from_db()
    assert contact.job_title == "Gérante"
    removed = client.post(url("contact_delete", pk=member_client.pk, contact_id=contact.pk), **HTMX)
    assert "Lou Bernard" not in text(removed)
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_contacts_without_javascript(web, admin_user, member_client):
    page = web(admin_user).get(url("contact_create", pk=member_client.pk))
    assert "<html" in text(page)
    invalid = web(admin_user).post(url("contact_create", pk=member_client.pk), {"first_name": "Lou"})
    assert invalid.status_code == 200 and "<html" in text(invalid) and "obligatoire" in text(invalid)
    response = web(admin_user).post(url("contact_create", pk=member_client.pk), {"first_name": "Lou", "last_name": "B"})
    assert response.status_code == 302
    assert response["Location"] == url("client_detail", pk=member_client.pk)


# --- Trainees ----------------------------------------------------------------------------------------------


def test_trainee_list_search_and_client_filter(web, admin_user, member_trainee, other_trainee, other_client):
    client = web(admin_user)
    page = text(client.get(url("trainee_list")))
    assert "Martin" in page and "Voisin" in page
    by_client = text(client.get(url("trainee_list"), {"client": other_client.pk}))
    assert "Martin Sacha" not in by_client and "Voisin Léa" in by_client
    assert "Voisin Léa" not in text(client.get(url("trainee_list"), {"q": "sacha"}))


def test_trainee_create_from_the_client_page(web, trainer_user, trainer, member_client):
    form = text(web(trainer_user).get(url("trainee_create") + f"?client={member_client.pk}"))
    assert f'<option value="{member_client.pk}" selected>' in form
    response = web(trainer_user).post(
        url("trainee_create"),
        {"first_name": "Ana", "last_name": "Lima", "client": member_client.pk, "adaptation_needs": "Fauteuil"},
    )
    trainee = Trainee.objects.get(last_name="Lima")
    assert response.status_code == 302
    assert trainee.client == member_client
    assert ActivityLog.objects.filter(action="people.trainee.created", object_id=trainee.pk).exists()


def test_trainee_create_invalid_keeps_the_input(web, manager_user, member):
    response = web(manager_user).post(url("trainee_create"), {"first_name": "Ana", "last_name": "Lima", "email": "x"})
    page = text(response)
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in page  # the client, for a manager
    assert 'value="Lima"' in page


def test_trainee_detail_shows_needs_and_sessions(web, admin_user, org, member, member_client, member_trainee):
    member_trainee.adaptation_needs = "Supports en gros caractères"
    member_trainee.save()
    session = SessionFactory(training=TrainingFactory(organisation=org, member_structure=member), title="Coopérer")
    ParticipantFactory(enrolment=EnrolmentFactory(session=session, client=member_client), trainee=member_trainee)
    page = text(web(admin_user).get(url("trainee_detail", pk=member_trainee.pk)))
    assert "Supports en gros caractères" in page
    assert "Coopérer" in page
    assert "Boulangerie Martin" in page


def test_trainee_update(web, admin_user, member_trainee):
    response = web(admin_user).post(
        url("trainee_update", pk=member_trainee.pk),
        {"first_name": "Sacha", "last_name": "Martin-Leroy", "client": member_trainee.client_id},
    )
    assert response.status_code == 302
    member_trainee.refresh_from_db()
    assert member_trainee.last_name == "Martin-Leroy"


def test_a_trainer_sees_only_their_own_profile_in_the_list(web, trainer_user, trainer, other_trainer):
    page = text(web(trainer_user).get(url("trainer_list")))
    assert "Théo" in page and "Olga" not in page


@pytest.mark.parametrize("name", ["member_list", "trainer_list", "client_list", "trainee_list"])
def test_lists_are_accessible_tables(web, admin_user, member, name):
    page = text(web(admin_user).get(url(name)))
    assert "<caption" in page and 'scope="col"' in page and 'role="search"' in page
    assert 'aria-current="page"' in page


def test_clients_of_another_organisation_are_not_listed(web, admin_user, foreign_client):
    assert "Client Ailleurs" not in text(web(admin_user).get(url("client_list")))
    assert web(admin_user).get(url("client_detail", pk=foreign_client.pk)).status_code == 404
