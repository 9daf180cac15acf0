# SPDX-License-Identifier: AGPL-3.0-or-later
"""The client and trainee portal: magic links by e-mail, documents and sessions of that e-mail only."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.models import MagicLink
from coopforma.documents import signing
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory
from coopforma.public.tests.helpers import CLIENT_EMAIL, TRAINEE_EMAIL, final_document
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory, SessionFactory

SENT = "Si cette adresse est connue, un lien vous a été envoyé."


def _portal_link(to: str) -> str:
    return re.findall(r"https://of\.example(/p/[\w-]+/)", [m for m in mail.outbox if to in m.to][-1].body)[-1]


@pytest.fixture
def people(org, member):  # type: ignore[no-untyped-def]
    acme = ClientFactory(organisation=org, name="ACME")
    ContactFactory(client=acme, first_name="Marie", last_name="Dupont", email=CLIENT_EMAIL)
    paul = TraineeFactory(organisation=org, first_name="Paul", last_name="Martin", email=TRAINEE_EMAIL, client=acme)
    session = SessionFactory(training__organisation=org, training__member_structure=member, title="Coopérer")
    enrolment = EnrolmentFactory(session=session, client=acme)
    ParticipantFactory(enrolment=enrolment, trainee=paul)
    other_session = SessionFactory(training__organisation=org, training__member_structure=member, title="Secrète")
    ParticipantFactory(enrolment=EnrolmentFactory(session=other_session), trainee__email="autre@example.org")
    return {"client": acme, "trainee": paul, "session": session}


def test_asking_a_link_never_tells_whether_the_address_is_known(client, people):
    response = client.post(reverse("public:portal"), {"email": "inconnu@example.org"})
    assert response.status_code == 200 and SENT in response.content.decode() and mail.outbox == []
    response = client.post(reverse("public:portal"), {"email": TRAINEE_EMAIL.upper()})
    assert SENT in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [TRAINEE_EMAIL]
    link = MagicLink.objects.get()
    assert link.email == TRAINEE_EMAIL and link.expires_at > timezone.now() + timedelta(days=6)
    assert _portal_link(TRAINEE_EMAIL).split("/")[2] not in link.token_hash


def test_invalid_email_is_shown_inline(client, db):
    response = client.post(reverse("public:portal"), {"email": "pas-une-adresse"})
    assert response.status_code == 200 and 'value="pas-une-adresse"' in response.content.decode()
    assert "Saisissez une adresse de courriel valide." in response.content.decode()


def test_trainee_sees_their_sessions_and_documents_only(client, org, admin_actor, people):
    mine = final_document(org, title="Convocation Paul")
    signing.document_diffuse(actor=admin_actor, document_id=mine.pk)
    others = final_document(
        org, title="Convocation Autre", context={"trainee": {"full_name": "Autre", "email": "autre@example.org"}}
    )
    signing.document_diffuse(actor=admin_actor, document_id=others.pk)
    mail.outbox.clear()
    client.post(reverse("public:portal"), {"email": TRAINEE_EMAIL})
    response = client.get(_portal_link(TRAINEE_EMAIL), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("public:portal_home")
    assert "Convocation Paul" in page and "Coopérer" in page
    assert "Convocation Autre" not in page and "Secrète" not in page
    download = client.get(reverse("public:portal_document", kwargs={"pk": mine.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert client.get(reverse("public:portal_document", kwargs={"pk": others.pk})).status_code == 404


def test_client_contact_sees_enrolments_and_signs_from_the_portal(client, org, admin_actor, people):
    document = final_document(org, title="Convention ACME")
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    mail.outbox.clear()
    client.post(reverse("public:portal"), {"email": CLIENT_EMAIL})
    page = client.get(_portal_link(CLIENT_EMAIL), follow=True).content.decode()
    assert "Convention ACME" in page and "Les inscriptions de votre structure" in page and "Coopérer" in page
    signature = document.signatures.get()
    response = client.post(reverse("public:portal_sign", kwargs={"pk": signature.pk}))
    assert response.status_code == 302 and response["Location"].startswith("/s/")
    assert client.get(response["Location"]).status_code == 200


def test_the_link_is_reusable_until_it_expires(client, people):
    client.post(reverse("public:portal"), {"email": TRAINEE_EMAIL})
    url = _portal_link(TRAINEE_EMAIL)
    assert client.get(url).status_code == 302
    assert client.get(url).status_code == 302
    MagicLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 410 and "demandez un nouveau lien" in response.content.decode()
    # The open session ends with the link.
    assert client.get(reverse("public:portal_home"))["Location"] == reverse("public:portal")
    assert client.get(reverse("public:portal_open", kwargs={"token": "faux"})).status_code == 410


def test_portal_pages_need_a_session(client, org, db):
    document = final_document(org)
    assert client.get(reverse("public:portal_home")).status_code == 302
    assert client.get(reverse("public:portal_document", kwargs={"pk": document.pk})).status_code == 404
    assert client.post(reverse("public:portal_sign", kwargs={"pk": 1})).status_code == 404


def test_leaving_closes_the_portal(client, people):
    client.post(reverse("public:portal"), {"email": TRAINEE_EMAIL})
    client.get(_portal_link(TRAINEE_EMAIL))
    assert client.get(reverse("public:portal_home")).status_code == 200
    client.post(reverse("public:portal_leave"))
    assert client.get(reverse("public:portal_home")).status_code == 302


def test_another_organisation_with_the_same_email_is_separate(client, org, other_org, admin_actor, people):
    TraineeFactory(organisation=other_org, email=TRAINEE_EMAIL)
    elsewhere = final_document(other_org, title="Document Ailleurs", status="diffused")
    client.post(reverse("public:portal"), {"email": TRAINEE_EMAIL})
    assert len(mail.outbox) == 2  # one link per organisation
    links = re.findall(r"https://of\.example(/p/[\w-]+/)", "".join(m.body for m in mail.outbox))
    org_link = next(u for u in links if "Coop Formation Test" in next(m.subject for m in mail.outbox if u in m.body))
    client.get(org_link)
    assert client.get(reverse("public:portal_document", kwargs={"pk": elsewhere.pk})).status_code == 404
