# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Écrire un e-mail » from a session: each address gets its own message through the outbox; a refused request
writes nothing; a trainer writes only from their own sessions (the matrix in test_permissions walks the roles)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from coopforma.core.models import ActivityLog, OutboundEmail
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory
from coopforma.training_sessions import services
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, session, company):  # type: ignore[no-untyped-def]
    contact = ContactFactory(client=company, email="claire@boulangerie.example")
    enrolment = EnrolmentFactory(session=session, client=company, contact=contact)
    ParticipantFactory(enrolment=enrolment, trainee__email="lou@example.org")
    ParticipantFactory(
        enrolment=enrolment,
        trainee=TraineeFactory(organisation=org, client=company, first_name="Sans", last_name="Adresse", email=""),
    )
    # A client with no contact and no address: shown as « sans adresse », never an error alone.
    EnrolmentFactory(session=session, client=ClientFactory(organisation=org, name="Client muet", email=""))
    return enrolment


def test_each_recipient_gets_their_own_message(admin_actor, session, trainer, people):  # type: ignore[no-untyped-def]
    count = services.session_email_send(
        actor=admin_actor,
        session_id=session.pk,
        subject="  Salle changée ",
        body="La formation aura lieu salle B.",
        groups=["trainees", "contacts", "trainers"],
    )
    sent = OutboundEmail.objects.filter(purpose="sessions.message")
    assert count == 3
    assert sorted(sent.values_list("to", flat=True)) == sorted(
        ["lou@example.org", "claire@boulangerie.example", trainer.email.lower()]
    )
    assert set(sent.values_list("subject", flat=True)) == {"Salle changée"}
    assert all(e.organisation_id == session.organisation_id and e.ref_id == session.pk for e in sent)
    log = ActivityLog.objects.get(action="sessions.session.emailed")
    assert log.data["count"] == 3


def test_an_address_in_two_groups_gets_one_message(admin_actor, session, trainer, people):  # type: ignore[no-untyped-def]
    ParticipantFactory(enrolment=people, trainee__email=trainer.email.upper())
    services.session_email_send(
        actor=admin_actor, session_id=session.pk, subject="Info", body="Texte", groups=["trainees", "trainers"]
    )
    assert OutboundEmail.objects.filter(to=trainer.email.lower()).count() == 1


@pytest.mark.parametrize(
    ("subject", "body", "groups", "field", "message"),
    [
        ("", "Texte", ["trainees"], "subject", "Donnez un objet au message."),
        ("Objet", "   ", ["trainees"], "body", "Écrivez le texte du message."),
        ("Objet", "Texte", [], "groups", "Choisissez au moins un groupe de destinataires."),
        ("Objet", "Texte", ["unknown"], "groups", "Choisissez au moins un groupe de destinataires."),
    ],
)
def test_refusals_write_nothing(admin_actor, session, people, subject, body, groups, field, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.session_email_send(actor=admin_actor, session_id=session.pk, subject=subject, body=body, groups=groups)
    assert exc.value.message_dict[field] == [message]
    assert not OutboundEmail.objects.exists()
    assert not ActivityLog.objects.filter(action="sessions.session.emailed").exists()


def test_nobody_with_an_address_is_refused(admin_actor, org, session):  # type: ignore[no-untyped-def]
    EnrolmentFactory(session=session, client=ClientFactory(organisation=org, name="Client muet", email=""))
    with pytest.raises(ValidationError) as exc:
        services.session_email_send(
            actor=admin_actor, session_id=session.pk, subject="Objet", body="Texte", groups=["contacts"]
        )
    assert "n'a d'adresse e-mail" in exc.value.message_dict["groups"][0]
    assert not OutboundEmail.objects.exists()


def test_trainer_writes_only_from_their_own_sessions(trainer_actor, session, other_session, people):  # type: ignore[no-untyped-def]
    assert (
        services.session_email_send(
            actor=trainer_actor, session_id=session.pk, subject="Objet", body="Texte", groups=["trainees"]
        )
        == 1
    )
    with pytest.raises(Http404):
        services.session_email_send(
            actor=trainer_actor, session_id=other_session.pk, subject="Objet", body="Texte", groups=["trainees"]
        )


def test_page_shows_counts_and_who_has_no_address(web, admin_user, org, session, people):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    page = client.get(f"/o/{org.slug}/sessions/{session.pk}/email/").content.decode()
    assert "Écrire un e-mail" in page
    assert "Sans Adresse" in page and "Client muet" in page
    assert "1 destinataire" in page
    response = client.post(f"/o/{org.slug}/sessions/{session.pk}/email/", {"subject": "", "body": "", "groups": []})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Donnez un objet au message." in text and "Choisissez au moins un groupe" in text
    assert not OutboundEmail.objects.exists()
    response = client.post(
        f"/o/{org.slug}/sessions/{session.pk}/email/",
        {"subject": "Rappel", "body": "À lundi", "groups": ["trainees", "contacts"]},
        follow=True,
    )
    assert "2 destinataire(s)" in response.content.decode()
    assert OutboundEmail.objects.count() == 2
