# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #4's browser flow: the trainer opens a slot, two trainees open their personal links (e-mailed by
« Envoyer les liens d'émargement ») on their phones and sign by scanning the QR code (on site), the trainer
signs and closes the slot, and the certificat de réalisation shows the hours actually attended (one slot of two:
3 h 30, not the planned 7 h)."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance, SlotAttendance
from coopforma.attendance.tokens import qr_token
from coopforma.attendance.verify import verify_all
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents.services import document_generate, document_read
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_phone(new_context):  # type: ignore[no-untyped-def]
    """A second phone-sized browser (its own cookies: a trainee's own phone), closed at teardown."""
    return new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


def personal_link(email: str) -> str:
    message = next(m for m in mail.outbox if email in m.to)
    return re.search(r"/e/[^/\s]+/", message.body).group(0)


def sign_on_phone(phone, link: str, name: str, slot_id: int) -> None:  # type: ignore[no-untyped-def]
    phone.goto(link)
    phone.wait_for_url("**/p/espace/")  # the link opens the trainee's portal (issue #14 §7)
    phone.goto(reverse("emargement:home"))  # the phone's own page still lists its slots
    assert name in phone.content()
    # On site the personal link alone does not sign: the page asks to scan the trainer's QR code.
    assert phone.get_by_text(re.compile("scannez avec ce téléphone le QR code")).is_visible()
    assert phone.get_by_role("button", name="Je signe").count() == 0
    phone.goto(reverse("emargement:qr", kwargs={"token": qr_token(slot_id)}))  # what the camera opens
    assert name in phone.content()
    phone.get_by_role("button", name="Je signe").click()
    phone.get_by_text(f"Merci {name.split()[0]}, votre signature est enregistrée.").wait_for()
    phone.get_by_role("link", name="Voir mes créneaux").click()
    phone.wait_for_url("**/e/moi/")
    # expect() waits: the click starts a navigation, and is_visible() alone would read the page being left.
    expect(phone.get_by_text(re.compile(r"Signé à \d\d:\d\d")).first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling


def test_trainer_opens_two_trainees_sign_on_phones_trainer_closes_certificate_shows_attended_hours(
    page, phone, new_context, trainer_user, trainer, org, member, admin_actor
):
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    training.trainers.add(trainer)
    session = SessionFactory(training=training, title="Réunions coopératives", status="running")
    session.trainers.add(trainer)
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=5)  # may be opened 15 min before
    slot = SlotFactory(session=session, starts_at=start, ends_at=start + dt.timedelta(hours=3, minutes=30))
    SlotFactory(
        session=session,
        starts_at=start + dt.timedelta(days=1),
        ends_at=start + dt.timedelta(days=1, hours=3, minutes=30),
    )  # planned: 7 h in all
    company = ClientFactory(organisation=org, member_structure=member, name="Boulangerie Coop", kind="company")
    enrolment = EnrolmentFactory(session=session, client=company)
    people = {}
    for first, last in (("Alice", "Martin"), ("Bruno", "Petit")):
        trainee = TraineeFactory(
            organisation=org, client=company, first_name=first, last_name=last, email=f"{first.lower()}@example.org"
        )
        people[first] = ParticipantFactory(enrolment=enrolment, trainee=trainee)

    # The trainer opens the émargement and e-mails the personal links.
    log_in(page, trainer_user)
    page.wait_for_url(f"**/o/{org.slug}/")
    page.goto(f"/o/{org.slug}/attendance/slots/{slot.pk}/")
    page.get_by_role("button", name="Ouvrir l'émargement").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Ouvert", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Envoyer les liens d'émargement").click()
    page.wait_for_load_state()
    expect(page.get_by_text("2 lien(s) d'émargement envoyé(s) par e-mail.")).to_be_visible()

    # Each trainee signs on their own phone.
    sign_on_phone(phone, personal_link("alice@example.org"), "Alice Martin", slot.pk)
    second = new_phone(new_context)
    try:
        sign_on_phone(second.new_page(), personal_link("bruno@example.org"), "Bruno Petit", slot.pk)
    finally:
        second.close()

    # The trainer sees both signed (the table refreshes itself), signs and closes.
    page.reload()
    rows = page.locator("#slot-rows")
    assert "2 présent·es, 0 en retard, 0 absent·es sur 2 stagiaires" in rows.inner_text()
    page.get_by_label("Votre nom (signature du formateur·rice)").fill("Théo Formateur")
    page.get_by_role("button", name="Je signe et je clos l'émargement").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Clos", exact=True).first).to_be_visible()
    assert "Théo Formateur" in page.content()

    head = SlotAttendance.objects.get(slot=slot)
    assert head.state == "closed" and head.trainer_signature == "Théo Formateur"
    signed = AttendanceRecord.objects.filter(slot=slot, kind="signed")
    assert sorted(signed.values_list("payload__method", flat=True)) == ["qr", "qr"]
    assert ParticipantAttendance.objects.filter(slot=slot, attended_minutes=210).count() == 2
    assert verify_all() == (1, [])

    # The certificat de réalisation of one trainee: the attended 3 h 30, not the planned 7 h.
    document = document_generate(actor=admin_actor, kind="certificate", subject=people["Alice"])
    text = " ".join(
        "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(document_read(document))).pages)
        .replace("\xa0", " ")
        .split()
    )
    assert "Alice Martin" in text
    assert "pour une durée de 3 h 30" in text
    assert "7 h" not in text
