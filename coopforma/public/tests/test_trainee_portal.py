# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainee portal (issue #14 §7): from any personal link, one page with the trainee's slots (and remote
signing), questionnaires, documents and pending signatures; another trainee's ids give 404; a replaced or
expired link gives a French page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.magic_links import magic_link_create
from coopforma.accounts.models import MagicLink
from coopforma.attendance import services as attendance
from coopforma.attendance.models import AttendanceRecord, RecordKind
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents import signing
from coopforma.evaluations.tests.factories import open_survey
from coopforma.people.tests.factories import TraineeFactory
from coopforma.public.tests.helpers import TRAINEE_EMAIL, final_document
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone)"}


@pytest.fixture
def course(org, member, trainer):  # type: ignore[no-untyped-def]
    """A running session taught by `trainer`: a remote slot started 5 minutes ago and an on-site one tomorrow;
    Paul and Zoé take part; an open questionnaire."""
    training = TrainingFactory(organisation=org, member_structure=member, title="Coopérer")
    training.trainers.add(trainer)
    session = SessionFactory(training=training, title="Coopérer à distance", status="running")
    session.trainers.add(trainer)
    now = timezone.now().replace(microsecond=0)
    remote = SlotFactory(
        session=session,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=3),
        remote_url="https://visio.example/coop",
    )
    onsite = SlotFactory(
        session=session, starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=3)
    )
    for slot in (remote, onsite):
        slot.trainers.add(trainer)
    enrolment = EnrolmentFactory(session=session)
    paul = ParticipantFactory(
        enrolment=enrolment,
        trainee=TraineeFactory(organisation=org, first_name="Paul", last_name="Martin", email=TRAINEE_EMAIL),
    )
    zoe = ParticipantFactory(
        enrolment=enrolment,
        trainee=TraineeFactory(organisation=org, first_name="Zoé", last_name="Durand", email="zoe@example.org"),
    )
    survey, _tokens = open_survey(session)
    return {"session": session, "remote": remote, "onsite": onsite, "paul": paul, "zoe": zoe, "survey": survey}


def _phone(participant) -> tuple[Client, str]:  # type: ignore[no-untyped-def]
    client = Client(**PHONE)
    token = attendance.link_issue(participant=participant)
    return client, token


def test_the_attendance_link_opens_one_page_with_slots_questionnaires_and_documents(
    org, admin_actor, trainer_actor, course
):  # type: ignore[no-untyped-def]
    attendance.slot_open(actor=trainer_actor, slot_id=course["remote"].pk)
    convocation = final_document(org, title="Convocation Paul")
    signing.document_diffuse(actor=admin_actor, document_id=convocation.pk)
    to_sign = final_document(org, title="Contrat Paul", signers=("trainee",))
    signing.signature_request(actor=admin_actor, document_id=to_sign.pk)
    others = final_document(
        org, title="Convocation Zoé", context={"trainee": {"full_name": "Zoé", "email": "zoe@example.org"}}
    )
    signing.document_diffuse(actor=admin_actor, document_id=others.pk)
    phone, token = _phone(course["paul"])

    response = phone.get(reverse("emargement:link", kwargs={"token": token}), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("public:portal_home")
    assert "Coopérer à distance" in page and str(course["remote"]) in page and str(course["onsite"]) in page
    assert "Je signe" in page
    assert f"/q/{course['survey'].pk}/" in page  # the questionnaire to answer, by the personal link
    assert "Convocation Paul" in page and "Documents à signer" in page and "Contrat Paul" in page
    assert "Convocation Zoé" not in page and "Zoé" not in page
    download = phone.get(reverse("public:portal_document", kwargs={"pk": convocation.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    questionnaire = phone.get(_questionnaire_path(page, course))
    assert questionnaire.status_code == 200

    signed = phone.post(reverse("public:portal_slot", kwargs={"slot_id": course["remote"].pk}), {"action": "sign"})
    assert "Merci, votre signature est enregistrée." in signed.content.decode()
    record = AttendanceRecord.objects.get(kind=RecordKind.SIGNED)
    assert record.participant_id == course["paul"].pk and record.payload["method"] == "remote"
    again = phone.post(reverse("public:portal_slot", kwargs={"slot_id": course["remote"].pk}), {"action": "sign"})
    assert "Vous avez déjà signé ce créneau." in again.content.decode()


def _questionnaire_path(page: str, course) -> str:  # type: ignore[no-untyped-def]
    start = page.index(f"/q/{course['survey'].pk}/")
    return page[start : page.index('"', start)]


def test_another_trainees_records_give_404(org, member, admin_actor, trainer_actor, course):  # type: ignore[no-untyped-def]
    attendance.slot_open(actor=trainer_actor, slot_id=course["remote"].pk)
    zoes_session = SessionFactory(training__organisation=org, training__member_structure=member, status="running")
    now = timezone.now()
    elsewhere = SlotFactory(
        session=zoes_session,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=1),
        remote_url="https://visio.example/autre",
    )
    ParticipantFactory(enrolment=EnrolmentFactory(session=zoes_session), trainee=course["zoe"].trainee)
    zoes = final_document(
        org, title="Convocation Zoé", context={"trainee": {"full_name": "Zoé", "email": "zoe@example.org"}}
    )
    signing.document_diffuse(actor=admin_actor, document_id=zoes.pk)
    zoe_contract = final_document(
        org,
        title="Contrat Zoé",
        signers=("trainee",),
        context={"trainee": {"full_name": "Zoé", "email": "zoe@example.org"}},
    )
    signing.signature_request(actor=admin_actor, document_id=zoe_contract.pk)
    phone, token = _phone(course["paul"])
    phone.get(reverse("emargement:link", kwargs={"token": token}))

    assert (
        phone.post(reverse("public:portal_slot", kwargs={"slot_id": elsewhere.pk}), {"action": "sign"}).status_code
        == 404
    )
    assert phone.get(reverse("public:portal_document", kwargs={"pk": zoes.pk})).status_code == 404
    zoe_signature = zoe_contract.signatures.get()
    assert phone.post(reverse("public:portal_sign", kwargs={"pk": zoe_signature.pk})).status_code == 404
    assert not AttendanceRecord.objects.filter(kind=RecordKind.SIGNED).exists()
    # Without any link: nothing either.
    stranger = Client()
    assert stranger.post(reverse("public:portal_slot", kwargs={"slot_id": course["remote"].pk})).status_code == 404
    assert stranger.get(reverse("public:portal_home")).url == reverse("public:portal")


def test_a_replaced_attendance_link_closes_the_portal_with_a_french_page(course):  # type: ignore[no-untyped-def]
    phone, token = _phone(course["paul"])
    assert phone.get(reverse("public:portal_home")).status_code == 302  # nothing opened yet: ask for a link
    phone.get(reverse("emargement:link", kwargs={"token": token}))
    assert phone.get(reverse("public:portal_home")).status_code == 200
    attendance.link_issue(participant=course["paul"])  # a new link was sent: the old one is revoked
    response = phone.get(reverse("public:portal_home"))
    assert response.status_code == 410 and "est plus valable" in response.content.decode()
    old = phone.get(reverse("emargement:link", kwargs={"token": token}))
    assert old.status_code == 404 and "pas (ou plus) valide" in old.content.decode()


def test_an_expired_magic_link_gives_a_french_page_and_a_valid_one_shows_the_slots(org, course):  # type: ignore[no-untyped-def]
    link, token = magic_link_create(organisation=org, email=TRAINEE_EMAIL)
    page = Client().get(reverse("public:portal_open", kwargs={"token": token}), follow=True).content.decode()
    assert str(course["remote"]) in page and "Pas encore ouvert" in page
    MagicLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = Client().get(reverse("public:portal_open", kwargs={"token": token}))
    assert expired.status_code == 410 and "a expiré" in expired.content.decode()


def test_portal_page_query_count_does_not_grow_with_sessions(org, member, course, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    phone, token = _phone(course["paul"])
    phone.get(reverse("emargement:link", kwargs={"token": token}))
    with django_assert_max_num_queries(30) as before:
        phone.get(reverse("public:portal_home"))
    for _ in range(4):
        session = SessionFactory(training__organisation=org, training__member_structure=member)
        SlotFactory(session=session)
        ParticipantFactory(enrolment=EnrolmentFactory(session=session), trainee=course["paul"].trainee)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = phone.get(reverse("public:portal_home")).content.decode()
    assert page.count('class="card"') >= 5


def test_the_last_link_opened_says_who_the_portal_shows(org, course):  # type: ignore[no-untyped-def]
    """A shared phone: Paul's portal link, then Zoé's émargement link: the portal shows Zoé only."""
    phone = Client(**PHONE)
    _link, token = magic_link_create(organisation=org, email=TRAINEE_EMAIL)
    phone.get(reverse("public:portal_open", kwargs={"token": token}))
    assert TRAINEE_EMAIL in phone.get(reverse("public:portal_home")).content.decode()
    phone.get(reverse("emargement:link", kwargs={"token": attendance.link_issue(participant=course["zoe"])}))
    page = phone.get(reverse("public:portal_home")).content.decode()
    assert "zoe@example.org" in page and TRAINEE_EMAIL not in page
