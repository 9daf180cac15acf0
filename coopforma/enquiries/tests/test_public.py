# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 15, point 3: the public request forms — valid, invalid (French errors, nothing written), anti-spam
(honeypot, minimum fill time, rate limit), full session → waiting list, and 404 for what is not public."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopforma.core.models import ActivityLog, OutboundEmail
from coopforma.enquiries.models import Enquiry
from coopforma.enquiries.tests.conftest import person
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.factories import ParticipantFactory, SessionFactory

pytestmark = pytest.mark.django_db


def enrol_url(org, session):  # type: ignore[no-untyped-def]
    return reverse("enquiries:public_enrolment", kwargs={"org": org.slug, "session": session.pk})


def quote_url(org, training):  # type: ignore[no-untyped-def]
    return reverse("enquiries:public_quote", kwargs={"org": org.slug, "training": training.pk})


def test_the_enrolment_form_shows_the_session_and_the_privacy_notice(client, org, session):
    response = client.get(enrol_url(org, session))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Demander une inscription" in page and "Animer une coopérative" in page
    assert reverse("privacy_public:notice", kwargs={"org": org.slug}) in page
    assert 'name="consent"' in page and 'name="website"' in page and 'name="started"' in page
    assert "2 places libres" in page


def test_a_valid_request_is_recorded_logged_and_mailed(client, org, session, started, admin_user, manager_user):
    response = client.post(enrol_url(org, session), {**person(), "started": started})
    assert response.status_code == 200
    assert "Merci, votre demande est envoyée" in response.content.decode()
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.status, enquiry.session, enquiry.training) == (
        "enrolment",
        "new",
        session,
        session.training,
    )
    assert enquiry.email == "lea.martin@example.org" and enquiry.consent_at and enquiry.notice_version
    log = ActivityLog.objects.get(action="public.request.received")
    assert log.object_id == enquiry.pk and log.data["kind"] == "enrolment" and log.actor is None
    # The admins and the training's member-structure managers are told; the requester is acknowledged.
    purposes = sorted(OutboundEmail.objects.values_list("purpose", "to"))
    assert ("enquiries.received", admin_user.email) in purposes
    assert ("enquiries.received", manager_user.email) in purposes
    assert ("enquiries.acknowledgement", "lea.martin@example.org") in purposes
    ack = next(m for m in mail.outbox if m.to == ["lea.martin@example.org"])
    assert "Animer une coopérative" in ack.body and "Nous avons bien reçu votre demande" in ack.body
    staff = next(m for m in mail.outbox if m.to == [admin_user.email])
    assert f"/o/{org.slug}/demandes/{enquiry.pk}/" in staff.body


def test_another_structure_manager_is_not_told(client, org, other_training, started, manager_user, admin_user):
    client.post(quote_url(org, other_training), {**person(), "people_count": "3", "started": started})
    assert Enquiry.objects.count() == 1
    recipients = set(OutboundEmail.objects.filter(purpose="enquiries.received").values_list("to", flat=True))
    assert recipients == {admin_user.email}


def test_a_quote_request_keeps_its_details(client, org, training, started):
    data = person(
        requester_kind="company",
        company_name="Scop du Port",
        company_siret="732 829 320 00074",
        people_count="6",
        wished_period="mars 2027",
        wished_place="Nos locaux à Brest",
        funding_hint="opco",
    )
    response = client.post(quote_url(org, training), {**data, "started": started})
    assert response.status_code == 200
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.people_count, enquiry.company_name, enquiry.funding_hint) == (
        "quote",
        6,
        "Scop du Port",
        "opco",
    )
    assert enquiry.wished_place == "Nos locaux à Brest" and enquiry.session is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse de courriel valide."),
        ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
        ({"company_siret": "12345678901234"}, "company_siret", "clé de contrôle Luhn incorrecte"),
        ({"consent": ""}, "consent", "Cochez la case pour accepter"),
        ({"requester_kind": "company", "company_name": ""}, "company_name", "Indiquez le nom de l'entreprise"),
    ],
)
def test_an_invalid_request_says_what_in_french_and_writes_nothing(client, org, session, started, data, field, message):
    response = client.post(enrol_url(org, session), {**person(**data), "started": started})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Enquiry.objects.exists() and not OutboundEmail.objects.exists()
    assert not ActivityLog.objects.filter(action="public.request.received").exists()


def test_the_honeypot_gets_thanks_and_nothing_is_written(client, org, session, started):
    response = client.post(enrol_url(org, session), {**person(), "website": "http://spam.example", "started": started})
    assert response.status_code == 200 and "Merci" in response.content.decode()
    assert not Enquiry.objects.exists() and not OutboundEmail.objects.exists()


def test_a_form_sent_too_fast_is_refused(client, org, session):
    page = client.get(enrol_url(org, session))
    token = page.context["form"].initial["started"]
    response = client.post(enrol_url(org, session), {**person(), "started": token})
    assert "Le formulaire a été envoyé trop vite" in response.content.decode()
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize("token", ["", "forged:token", "MTcwMDAwMDAwMA:1abc:xyz"])
def test_a_missing_or_forged_instant_is_refused(client, org, session, token):
    response = client.post(enrol_url(org, session), {**person(), "started": token})
    assert "Le formulaire a expiré" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_requests_are_rate_limited_per_address(settings, org, session, started):
    settings.THROTTLE_RATES = {"public_request:ip": "2/h", "public_request:email": "100/h"}
    visitor = Client(REMOTE_ADDR="203.0.113.9")
    codes = [
        visitor.post(enrol_url(org, session), {**person(email=f"p{n}@example.org"), "started": started}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Enquiry.objects.count() == 2
    assert visitor.get(enrol_url(org, session)).status_code == 200  # the form itself is never limited


def test_requests_are_rate_limited_per_email(settings, org, session, started):
    settings.THROTTLE_RATES = {"public_request:email": "1/h"}
    first = Client(REMOTE_ADDR="203.0.113.1").post(enrol_url(org, session), {**person(), "started": started})
    second = Client(REMOTE_ADDR="203.0.113.2").post(
        enrol_url(org, session), {**person(email="LEA.MARTIN@example.org"), "started": started}
    )
    assert (first.status_code, second.status_code) == (200, 429)
    assert "Trop de demandes" in second.content.decode()


def test_a_full_session_takes_a_waiting_list_request(client, org, session, started):
    ParticipantFactory(enrolment__session=session)
    ParticipantFactory(enrolment__session=session)
    page = client.get(enrol_url(org, session)).content.decode()
    assert "liste d'attente" in page and "Complet" in page
    response = client.post(enrol_url(org, session), {**person(), "started": started})
    assert "Vous êtes sur la liste d'attente" in response.content.decode()
    assert Enquiry.objects.get().kind == "waiting_list"


def test_a_known_address_gets_the_same_answer_as_an_unknown_one(client, org, session, started):
    """Nothing tells a visitor whether an address is already a client or trainee of the organisation."""
    ClientFactory(organisation=org, kind="individual", email="connue@example.org")
    known = client.post(enrol_url(org, session), {**person(email="connue@example.org"), "started": started})
    unknown = client.post(enrol_url(org, session), {**person(email="inconnue@example.org"), "started": started})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.content.decode()) == _without_csrf(unknown.content.decode())
    assert OutboundEmail.objects.filter(purpose="enquiries.acknowledgement").count() == 2


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"', "", page)


def test_not_public_answers_404(settings, client, org, other_org, training, session, started):
    """An unpublished training, a private, past or cancelled session, another organisation's slug: 404."""
    settings.THROTTLE_RATES = {}
    draft = type(training).objects.create(
        organisation=org, member_structure=training.member_structure, title="Brouillon", is_public=True, status="draft"
    )
    private = SessionFactory(training=training, is_public=False, start_date=session.start_date)
    past = SessionFactory(training=training, is_public=True, start_date=timezone.localdate() - dt.timedelta(days=3))
    cancelled = SessionFactory(training=training, is_public=True, status="cancelled", start_date=session.start_date)
    hidden_training = type(training).objects.create(
        organisation=org,
        member_structure=training.member_structure,
        title="Privée",
        is_public=False,
        status="validated",
    )
    unpublished_session = SessionFactory(training=hidden_training, is_public=True, start_date=session.start_date)
    urls = [
        quote_url(org, draft),
        quote_url(org, hidden_training),
        enrol_url(org, private),
        enrol_url(org, past),
        enrol_url(org, cancelled),
        enrol_url(org, unpublished_session),
        quote_url(other_org, training),
        enrol_url(other_org, session),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {**person(), "started": started}).status_code == 404, url
    assert not Enquiry.objects.exists()


def test_a_request_is_sent_to_the_webhooks_that_subscribe_to_it(client, org, session, started):
    from coopforma.webhooks.models import WebhookDelivery
    from coopforma.webhooks.tests.factories import endpoint_make

    endpoint_make(org, events=["request.received"])
    client.post(enrol_url(org, session), {**person(), "started": started})
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "request.received"


def test_the_purge_deletes_requests_after_the_prospects_period(org, training):
    from coopforma.enquiries.tests.factories import EnquiryFactory
    from coopforma.privacy.services import privacy_purge

    old = EnquiryFactory(training=training)
    Enquiry.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3 * 366 + 10))
    recent = EnquiryFactory(training=training)
    items = privacy_purge(today=timezone.localdate(), dry_run=True)
    assert [i for i in items if f"enquiry {old.pk}" in str(i)] and Enquiry.objects.count() == 2
    privacy_purge(today=timezone.localdate(), dry_run=False)
    assert list(Enquiry.objects.all()) == [recent]


def test_the_quote_form_asks_for_people_period_place_and_funding(client, org, training):
    page = client.get(quote_url(org, training)).content.decode()
    assert "Demander un devis / une session intra" in page
    for label in ("Nombre de personnes à former", "Période souhaitée", "Lieu souhaité", "Financement envisagé"):
        assert label in page
