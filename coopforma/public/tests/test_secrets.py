# SPDX-License-Identifier: AGPL-3.0-or-later
"""One-time links and codes reach their addressee only: after each kind of e-mail, the outbox, the activity log,
the staff pages and the API hold no usable link or code, while the message sent carries it and it works."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopforma.attendance.tests.conftest import make_participant
from coopforma.core.mail import MASKED
from coopforma.core.models import OutboundEmail
from coopforma.core.tests.leaks import stored_texts
from coopforma.documents import signing
from coopforma.documents.models import Signature
from coopforma.evaluations.tests.factories import finished_session, open_survey
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory
from coopforma.public.tests.helpers import CLIENT_EMAIL, TRAINEE_EMAIL, final_document, links_in_mail
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def sent_to(to: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if to in m.to]


def staff_pages(web, api, admin_user, org, *extra: str) -> str:  # type: ignore[no-untyped-def]
    """What the OF's admin reads: the outbox page (every status), the given pages, and API lists."""
    client = web(admin_user)
    outbox = reverse("documents:outbox", kwargs={"org": org.slug})
    texts = [client.get(outbox).content.decode()]
    texts += [client.get(outbox, {"status": status}).content.decode() for status in ("queued", "sent", "failed")]
    for path in extra:
        response = client.get(path) if path.startswith("/o/") else api(admin_user, org).get(path)
        assert response.status_code == 200, path
        texts.append(response.content.decode())
    return "\n".join(texts)


def assert_nowhere_for_staff(secret: str, pages: str) -> None:
    assert secret and secret not in stored_texts()
    assert secret not in pages
    assert MASKED in "".join(e.readable_body + e.readable_subject for e in OutboundEmail.objects.all())


def test_signature_link_and_code(web, api, org, admin_user, admin_actor):
    document = final_document(org)
    client = web(admin_user)
    request_url = reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk})
    assert client.post(request_url).status_code == 302
    [token] = links_in_mail(r"/s/([\w-]+)/", CLIENT_EMAIL)
    signer = Client()
    assert signer.post(reverse("public:sign_code", kwargs={"token": token})).status_code == 200
    message = sent_to(CLIENT_EMAIL)[-1]
    code = re.search(r"est : (\d{6})", message.body).group(1)
    assert message.subject == "Votre code de signature" and code not in message.subject

    pages = staff_pages(
        web,
        api,
        admin_user,
        org,
        reverse("documents:signatures", kwargs={"org": org.slug, "pk": document.pk}),
    )
    assert_nowhere_for_staff(token, pages)
    assert_nowhere_for_staff(code, pages)
    signature = Signature.objects.get(document=document)
    assert token not in signature.token_hash and code not in signature.code_hash
    assert not Signature.objects.filter(code_hash=signing.sha256_hex(f"{signature.token_hash}:{code}".encode()))

    # What the signer received works.
    url = reverse("public:sign", kwargs={"token": token})
    done = signer.post(url, {"code": code, "typed_name": "Marie Dupont", "consent": "on"})
    assert "votre signature est enregistrée" in done.content.decode()


def test_portal_link_asked_by_the_person_and_sent_with_a_diffused_document(web, api, org, admin_user, admin_actor):
    acme = ClientFactory(organisation=org, name="ACME")
    ContactFactory(client=acme, first_name="Marie", last_name="Dupont", email=CLIENT_EMAIL)
    TraineeFactory(organisation=org, first_name="Paul", last_name="Martin", email=TRAINEE_EMAIL, client=acme)
    Client().post(reverse("public:portal"), {"email": TRAINEE_EMAIL})
    document = final_document(org)
    web(admin_user).post(reverse("documents:diffuse", kwargs={"org": org.slug, "pk": document.pk}))
    tokens = links_in_mail(r"/p/([\w-]{20,})/", TRAINEE_EMAIL) + links_in_mail(r"/p/([\w-]{20,})/", CLIENT_EMAIL)
    assert len(tokens) == 3

    pages = staff_pages(
        web, api, admin_user, org, reverse("documents:signatures", kwargs={"org": org.slug, "pk": document.pk})
    )
    for token in tokens:
        assert_nowhere_for_staff(token, pages)
        portal = Client()
        response = portal.get(reverse("public:portal_open", kwargs={"token": token}))
        assert response.status_code == 302 and response.url == reverse("public:portal_home")
        assert portal.get(response.url).status_code == 200


def test_attendance_links(web, api, org, admin_user, trainer_user, trainer, session_with_slot):
    session, slot, alice = session_with_slot
    client = web(trainer_user)
    slot_page = reverse("attendance:slot", kwargs={"org": org.slug, "slot_id": slot.pk})
    assert client.post(reverse("attendance:slot_send_links", kwargs={"org": org.slug, "slot_id": slot.pk})).status_code
    [token] = links_in_mail(r"/e/([\w-]+)/", alice.trainee.email)

    pages = staff_pages(
        web,
        api,
        admin_user,
        org,
        slot_page,
        f"/api/v1/slots/{slot.pk}/attendance",
        f"/api/v1/sessions/{session.pk}/attendance",
    )
    assert_nowhere_for_staff(token, pages + client.get(slot_page).content.decode())
    phone = Client()
    assert phone.get(reverse("emargement:link", kwargs={"token": token})).url == reverse("public:portal_home")
    assert "Réunions" in phone.get(reverse("emargement:home")).content.decode()


def test_questionnaire_links(web, api, org, admin_user, trainer_user, trainer):
    session = finished_session(training__organisation=org)
    session.trainers.add(trainer)
    survey, tokens = open_survey(session, "hot")
    assert len(tokens) == 3
    survey_page = reverse("evaluations:survey", kwargs={"org": org.slug, "survey_id": survey.pk})
    pages = staff_pages(web, api, admin_user, org, survey_page, f"/api/v1/sessions/{session.pk}/surveys")
    pages += web(trainer_user).get(survey_page).content.decode()
    for token in tokens.values():
        assert any(token in m.body for m in mail.outbox)
        assert_nowhere_for_staff(token, pages)
        assert Client().get(f"/q/{survey.pk}/{token}/").status_code == 200


@pytest.fixture
def session_with_slot(org, member, trainer):  # type: ignore[no-untyped-def]
    session = SessionFactory(training__organisation=org, training__member_structure=member, title="Réunions")
    session.trainers.add(trainer)
    slot = SlotFactory(session=session)
    slot.trainers.add(trainer)
    enrolment = EnrolmentFactory(session=session)
    alice = make_participant(enrolment, "Alice", "Martin")
    ParticipantFactory(enrolment=enrolment, trainee__email="")  # no address, no link
    return session, slot, alice
