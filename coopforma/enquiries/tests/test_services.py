# SPDX-License-Identifier: AGPL-3.0-or-later
"""Conversions of a request, in one step and idempotent, through the owning apps' services: a client, an
enrolment on the session (refused when full unless confirmed), a quote; status changes with a note."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import make_actor
from coopforma.billing.models import Invoice
from coopforma.core.models import ActivityLog
from coopforma.enquiries import services
from coopforma.enquiries.tests.factories import EnquiryFactory
from coopforma.people.models import Client, Contact
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.models import Enrolment, Participant
from coopforma.training_sessions.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def individual(training, session):  # type: ignore[no-untyped-def]
    return EnquiryFactory(training=training, session=session, kind="enrolment", email="lea@example.org")


@pytest.fixture
def company(training):  # type: ignore[no-untyped-def]
    return EnquiryFactory(
        training=training,
        kind="quote",
        requester_kind="company",
        company_name="Scop du Port",
        company_siret="73282932000074",
        people_count=2,
        email="rh@port.example",
    )


def test_an_individual_becomes_a_client_once(admin_actor, individual, member):
    client = services.enquiry_convert_client(actor=admin_actor, enquiry_id=individual.pk)
    assert (client.kind, client.name, client.email, client.member_structure) == (
        "individual",
        individual.full_name,
        "lea@example.org",
        member,
    )
    again = services.enquiry_convert_client(actor=admin_actor, enquiry_id=individual.pk)
    assert again == client and Client.objects.count() == 1
    individual.refresh_from_db()
    assert (individual.status, individual.converted_client) == ("converted", client)
    assert ActivityLog.objects.filter(action="enquiries.enquiry.converted", object_id=individual.pk).count() == 1


def test_a_company_becomes_a_client_with_its_contact_and_an_existing_one_is_reused(admin_actor, org, company):
    existing = ClientFactory(organisation=org, kind="company", name="Port SCOP", siret="73282932000074")
    client = services.enquiry_convert_client(actor=admin_actor, enquiry_id=company.pk)
    assert client == existing and Client.objects.count() == 1
    contact = Contact.objects.get(client=existing)
    assert (contact.email, contact.last_name) == ("rh@port.example", company.last_name)
    services.enquiry_convert_client(actor=admin_actor, enquiry_id=company.pk)
    assert Contact.objects.filter(client=existing).count() == 1


def test_an_enrolment_request_becomes_a_pre_enrolment_with_its_participant_once(admin_actor, individual, session):
    enrolment = services.enquiry_convert_enrolment(actor=admin_actor, enquiry_id=individual.pk)
    assert (enrolment.session, enrolment.status, enrolment.price_cents) == (
        session,
        "provisional",
        session.training.price_inter_cents,
    )
    participant = Participant.objects.get(enrolment=enrolment)
    assert participant.trainee.email == "lea@example.org"
    again = services.enquiry_convert_enrolment(actor=admin_actor, enquiry_id=individual.pk)
    assert again == enrolment and Enrolment.objects.count() == 1 and Participant.objects.count() == 1
    individual.refresh_from_db()
    assert individual.converted_enrolment == enrolment and individual.converted_client == enrolment.client


def test_a_full_session_is_refused_in_french_unless_confirmed(admin_actor, individual, session):
    ParticipantFactory(enrolment__session=session)
    ParticipantFactory(enrolment__session=session)
    with pytest.raises(ValidationError) as refused:
        services.enquiry_convert_enrolment(actor=admin_actor, enquiry_id=individual.pk)
    assert "complète" in refused.value.message_dict["confirm_full"][0]
    assert Enrolment.objects.count() == 2 and not Client.objects.filter(email="lea@example.org").exists()
    enrolment = services.enquiry_convert_enrolment(actor=admin_actor, enquiry_id=individual.pk, confirm_full=True)
    assert enrolment.status == "provisional" and not enrolment.participants.exists()


def test_a_quote_request_needs_a_session_then_becomes_a_draft_quote_once(admin_actor, company, session):
    with pytest.raises(ValidationError) as refused:
        services.enquiry_convert_quote(actor=admin_actor, enquiry_id=company.pk)
    assert "Choisissez la session" in refused.value.message_dict["session"][0]
    quote = services.enquiry_convert_quote(actor=admin_actor, enquiry_id=company.pk, session_id=session.pk)
    assert (quote.kind, quote.status, quote.recipient_name) == ("quote", "draft", "Scop du Port")
    again = services.enquiry_convert_quote(actor=admin_actor, enquiry_id=company.pk, session_id=session.pk)
    assert again == quote and Invoice.objects.count() == 1
    company.refresh_from_db()
    assert company.converted_quote == quote and company.converted_enrolment.session == session


def test_only_billing_managers_convert_into_a_quote(manager_actor, company, session):
    with pytest.raises(PermissionDenied):
        services.enquiry_convert_quote(actor=manager_actor, enquiry_id=company.pk, session_id=session.pk)


def test_a_member_manager_converts_their_structures_requests_only(manager_actor, individual, other_training):
    assert services.enquiry_convert_client(actor=manager_actor, enquiry_id=individual.pk).kind == "individual"
    theirs = EnquiryFactory(training=other_training)
    with pytest.raises(Http404):
        services.enquiry_convert_client(actor=manager_actor, enquiry_id=theirs.pk)
    with pytest.raises(Http404):
        services.enquiry_set_status(actor=manager_actor, enquiry_id=theirs.pk, status="closed")


def test_a_trainer_changes_nothing(trainer_actor, individual):
    with pytest.raises(PermissionDenied):
        services.enquiry_set_status(actor=trainer_actor, enquiry_id=individual.pk, status="closed")


def test_another_organisation_sees_none_of_ours(stranger, other_org, individual):
    with pytest.raises(Http404):
        services.enquiry_convert_client(actor=make_actor(stranger, other_org), enquiry_id=individual.pk)


def test_status_changes_with_a_note(admin_actor, individual):
    services.enquiry_set_status(actor=admin_actor, enquiry_id=individual.pk, status="in_progress", note="Rappelée")
    individual.refresh_from_db()
    assert individual.status == "in_progress"
    log = ActivityLog.objects.get(action="enquiries.enquiry.status_changed")
    assert log.data["note"] == "Rappelée" and log.data["changes"]["status"] == ["new", "in_progress"]
    with pytest.raises(ValidationError) as refused:
        services.enquiry_set_status(actor=admin_actor, enquiry_id=individual.pk, status="converted")
    assert "en la convertissant" in refused.value.message_dict["status"][0]
