# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 11, point 7: the règlement intérieur and the programme reach each trainee — diffused to the session's
trainees, and attached to the convocation that says they are — and Qualiopi indicator 9 counts only deliveries."""

import datetime as dt
import hashlib
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from coopforma.core.models import OutboundEmail, OutboundEmailStatus
from coopforma.documents.models import Delivery, Document, DocumentStatus
from coopforma.documents.rendering import typst_escape
from coopforma.documents.services import document_finalise, document_generate
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.documents.access_map import access_map_markup, session_places
from coopforma.training_sessions.tests.factories import (
    PARIS,
    EnrolmentFactory,
    ParticipantFactory,
    PlaceFactory,
    SessionFactory,
    SlotFactory,
)


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://of.example"
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)


@pytest.fixture
def world(org, member):  # type: ignore[no-untyped-def]
    session = SessionFactory(
        training__organisation=org,
        training__member_structure=member,
        title="Coopérer",
        place=PlaceFactory(organisation=org, name="Salle du Marché"),
    )
    SlotFactory(session=session, starts_at=dt.datetime(2026, 10, 5, 9, 0, tzinfo=PARIS))
    company = ClientFactory(organisation=org, name="Scop Exemple", siret="73282932000074", email="rh@scop.example")
    enrolment = EnrolmentFactory(session=session, organisation=org, client=company)
    sacha = ParticipantFactory(
        enrolment=enrolment,
        trainee=TraineeFactory(organisation=org, first_name="Sacha", last_name="Dupont", email="sacha@example.org"),
    )
    alex = ParticipantFactory(
        enrolment=enrolment,
        trainee=TraineeFactory(organisation=org, first_name="Alex", last_name="Martin", email="alex@example.org"),
    )
    return SimpleNamespace(session=session, sacha=sacha, alex=alex)


def _final(actor, kind, subject):  # type: ignore[no-untyped-def]
    document = document_generate(actor=actor, kind=kind, subject=subject)
    return document_finalise(actor=actor, document_id=document.pk)


def _diffuse(web, user, org, document):  # type: ignore[no-untyped-def]
    return web(user).post(f"/o/{org.slug}/documents/{document.pk}/diffuse/", follow=True)


def test_the_rules_are_diffused_to_each_trainee_of_the_session(web, org, admin_user, admin_actor, world):
    rules = _final(admin_actor, "rules", world.session)
    response = _diffuse(web, admin_user, org, rules)
    assert response.status_code == 200
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@example.org", "sacha@example.org"]
    assert set(Delivery.objects.filter(document=rules).values_list("email", flat=True)) == {
        "alex@example.org",
        "sacha@example.org",
    }
    assert Document.objects.get(pk=rules.pk).status == DocumentStatus.DIFFUSED


def test_a_convocation_is_not_diffused_before_the_documents_it_says_are_attached(
    web, org, admin_user, admin_actor, world
):  # type: ignore[no-untyped-def]
    convocation = _final(admin_actor, "convocation", world.sacha)
    page = _diffuse(web, admin_user, org, convocation).content.decode()
    assert "Programme de formation, Règlement intérieur" in page and "L6353-8" in page
    assert not mail.outbox and not Delivery.objects.exists()
    assert Document.objects.get(pk=convocation.pk).status == DocumentStatus.FINAL


def test_the_convocation_carries_the_programme_and_the_rules_to_the_trainee_portal(
    client, web, org, admin_user, admin_actor, world
):  # type: ignore[no-untyped-def]
    programme = _final(admin_actor, "programme", world.session)
    rules = _final(admin_actor, "rules", world.session)
    convocation = _final(admin_actor, "convocation", world.sacha)
    _diffuse(web, admin_user, org, convocation)
    [message] = [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    assert "Joint à ce message et dans le même espace : « " + rules.title in message.body
    assert programme.title in message.body
    delivered = Delivery.objects.filter(email="sacha@example.org")
    assert set(delivered.values_list("document_id", flat=True)) == {convocation.pk, programme.pk, rules.pk}
    # The trainee opens the link of the e-mail: the three documents are in their portal, and downloadable.
    token = re.search(r"https://of\.example/p/([\w-]+)/", message.body).group(1)
    home = client.get(f"/p/{token}/", follow=True).content.decode()
    for document in (convocation, programme, rules):
        assert document.title in home
    assert client.get(f"/p/espace/documents/{rules.pk}/").status_code == 200
    # Alex received nothing: the rules are not in their portal.
    assert not Delivery.objects.filter(email="alex@example.org").exists()


def _stored(document):  # type: ignore[no-untyped-def]
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def test_the_convocation_e_mail_carries_the_final_pdfs_of_the_programme_and_the_rules(
    web, org, admin_user, admin_actor, world
):  # type: ignore[no-untyped-def]
    programme = _final(admin_actor, "programme", world.session)
    rules = _final(admin_actor, "rules", world.session)
    convocation = _final(admin_actor, "convocation", world.sacha)
    _diffuse(web, admin_user, org, convocation)
    [message] = [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    assert len(message.attachments) == 3  # the programme, the rules and the access map
    sent = {name: (content, mime) for name, content, mime in message.attachments}
    for document in (programme, rules):
        [(name, (content, mime))] = [(n, v) for n, v in sent.items() if document.verification_code in n]
        assert name.endswith(".pdf") and mime == "application/pdf"
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == document.sha256 == hashlib.sha256(_stored(document)).hexdigest()
    # The outbox keeps references, not copies, and its page names the files.
    stored = OutboundEmail.objects.get(to="sacha@example.org", purpose="document_diffused")
    assert {item["storage_name"] for item in stored.attachments} >= {programme.file.name, rules.file.name}
    page = web(admin_user).get(f"/o/{org.slug}/documents/outbox/").content.decode()
    assert "Pièces jointes :" in page and rules.verification_code in page and programme.verification_code in page


def test_the_convocation_carries_an_access_map_of_the_session_places(web, org, admin_user, admin_actor, world):  # type: ignore[no-untyped-def]
    place = world.session.place
    place.access_notes = "Métro Sainte-Anne, 2e étage, code 1234"
    place.accessibility = "Ascenseur, toilettes adaptées"
    place.save()
    _final(admin_actor, "programme", world.session)
    _final(admin_actor, "rules", world.session)
    convocation = _final(admin_actor, "convocation", world.sacha)
    _diffuse(web, admin_user, org, convocation)
    [message] = [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    [(name, content, mime)] = [a for a in message.attachments if a[0].startswith("plan-d-acces")]
    assert name == "plan-d-acces-salle-du-marche.pdf" and mime == "application/pdf" and content.startswith(b"%PDF-")
    assert "Joint à ce message : « Plan d'accès — Salle du Marché »." in message.body
    markup = access_map_markup(world.session, session_places(world.session))
    for text in ("3 place du Marché, 35000 Rennes", "Métro Sainte-Anne, 2e étage, code 1234", "Ascenseur"):
        assert typst_escape(text) in markup
    # Stored once, under a name made of its SHA-256; the outbox keeps a reference checked against it.
    stored = OutboundEmail.objects.get(to="sacha@example.org", purpose="document_diffused")
    [access] = [item for item in stored.attachments if item["file_name"].startswith("plan-d-acces")]
    assert access["storage_name"].startswith(f"access-maps/{org.pk}/") and len(access["sha256"]) == 64


def test_a_remote_session_has_no_access_map(web, org, admin_user, admin_actor, world):  # type: ignore[no-untyped-def]
    world.session.place = None
    world.session.remote_url = "https://visio.example.org/coop"
    world.session.save()
    _final(admin_actor, "programme", world.session)
    _final(admin_actor, "rules", world.session)
    _diffuse(web, admin_user, org, _final(admin_actor, "convocation", world.sacha))
    [message] = [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    assert len(message.attachments) == 2 and "Plan d'accès" not in message.body


def test_a_missing_attachment_fails_clearly_and_the_message_is_retried(web, org, admin_user, admin_actor, world):  # type: ignore[no-untyped-def]
    _final(admin_actor, "programme", world.session)
    rules = _final(admin_actor, "rules", world.session)
    convocation = _final(admin_actor, "convocation", world.sacha)
    data = _stored(rules)
    default_storage.delete(rules.file.name)
    _diffuse(web, admin_user, org, convocation)
    assert not [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    stored = OutboundEmail.objects.get(to="sacha@example.org", purpose="document_diffused")
    assert stored.status == OutboundEmailStatus.FAILED and stored.attempts == 1
    assert "Pièce jointe introuvable" in stored.last_error and rules.file.name in stored.last_error
    page = web(admin_user).get(f"/o/{org.slug}/documents/outbox/?status=failed").content.decode()
    assert "Pièce jointe introuvable" in page
    # The file is restored: the next run sends the message with both PDFs.
    default_storage.save(rules.file.name, ContentFile(data))
    call_command("send_queued_mail")
    stored.refresh_from_db()
    assert stored.status == OutboundEmailStatus.SENT and stored.attempts == 2 and stored.last_error == ""
    [message] = [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    assert len(message.attachments) == 3


def test_an_altered_attachment_is_not_sent(web, org, admin_user, admin_actor, world):  # type: ignore[no-untyped-def]
    _final(admin_actor, "programme", world.session)
    rules = _final(admin_actor, "rules", world.session)
    convocation = _final(admin_actor, "convocation", world.sacha)
    default_storage.delete(rules.file.name)
    default_storage.save(rules.file.name, ContentFile(b"%PDF-1.7 forged"))
    _diffuse(web, admin_user, org, convocation)
    assert not [m for m in mail.outbox if m.to == ["sacha@example.org"]]
    stored = OutboundEmail.objects.get(to="sacha@example.org", purpose="document_diffused")
    assert stored.status == OutboundEmailStatus.FAILED and "SHA-256" in stored.last_error


def test_indicator_9_counts_only_what_reached_each_trainee(api, web, org, admin_user, admin_actor, quality_user, world):
    world.session.status = "done"
    world.session.start_date = world.session.end_date = dt.date(2026, 10, 5)
    world.session.save()

    def nine():  # type: ignore[no-untyped-def]
        return api(quality_user, org).get("/api/v1/quality/indicators/9").json()

    _final(admin_actor, "programme", world.session)
    _final(admin_actor, "rules", world.session)  # issued, but not delivered: it does not count
    row = nine()
    assert row["status"] == "missing" and row["missing_total"] == 2
    assert "convocation non remise, règlement intérieur non remis" in row["missing"][0]["label"]
    _diffuse(web, admin_user, org, _final(admin_actor, "convocation", world.sacha))
    row = nine()
    assert row["status"] == "partial" and row["counted_total"] == 1
    assert "Alex Martin" in row["missing"][0]["label"]
