# SPDX-License-Identifier: AGPL-3.0-or-later
"""Details of issue 11 (point 10): each half-day's trainer on the attendance sheets; no blank paper sheet once
the slot's electronic émargement started; a remote convocation promises no paper signature; a trainee marked
late who never signed counts for nothing, and closing asks the trainer to confirm."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from coopforma.attendance import selectors, services
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance, SlotAttendance
from coopforma.attendance.verify import verify_all
from coopforma.documents.services import document_generate, document_read
from coopforma.people.tests.factories import TrainerFactory
from coopforma.training_sessions.tests.factories import PlaceFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u2019", "'").split())


@pytest.fixture
def afternoon(session, org, slot):  # type: ignore[no-untyped-def]
    """The same day's afternoon, taught by another trainer (Inès Autre)."""
    other = TrainerFactory(organisation=org, first_name="Inès", last_name="Autre")
    starts = slot.ends_at + dt.timedelta(hours=1)
    afternoon = SlotFactory(session=session, starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    afternoon.trainers.add(other)
    session.trainers.add(other)
    return afternoon


def test_each_half_day_names_its_trainer(web, manager_user, admin_actor, org, session, slot, afternoon, alice):
    paper = text_of(web(manager_user).get(f"/o/{org.slug}/attendance/sessions/{session.pk}/sheet.pdf").content)
    assert paper.count("Formateur·rice : Théo Formateur") == 1 and paper.count("Formateur·rice : Inès Autre") == 1
    sheet = text_of(document_read(document_generate(actor=admin_actor, kind="attendance_sheet", subject=session)))
    assert "Formateur·rice de cette demi-journée : Théo Formateur" in sheet
    assert "Formateur·rice de cette demi-journée : Inès Autre" in sheet


def test_no_blank_paper_sheet_once_electronic_signing_started(
    web, trainer_user, trainer_actor, admin_actor, org, session, slot, afternoon, alice, bruno
):
    client = web(trainer_user)
    page = client.get(f"/o/{org.slug}/attendance/slots/{slot.pk}/").content.decode().replace("&#x27;", "'")
    assert "Feuille papier (PDF)" in page and "Télécharger la feuille d'émargement du créneau" in page
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    page = client.get(f"/o/{org.slug}/attendance/slots/{slot.pk}/").content.decode().replace("&#x27;", "'")
    assert "Feuille papier (PDF)" not in page and "Télécharger la feuille d'émargement du créneau" not in page
    assert "aucune feuille papier vierge n'est proposée" in page and "Relevé de l'émargement du créneau" in page
    # The printout: Alice's box says she signed; Bruno's is not left blank to sign on paper.
    text = text_of(client.get(f"/o/{org.slug}/attendance/slots/{slot.pk}/sheet.pdf").content)
    assert "Signé" in text and "ne pas signer ici" in text
    # The session's sheet: the afternoon (not started) keeps its blank boxes, the morning has none.
    sheet = document_read(document_generate(actor=admin_actor, kind="attendance_sheet", subject=session))
    text = text_of(sheet)
    assert text.count("Émargement électronique de cette demi-journée commencé") == 1
    assert text.count("Signature du ou de la formateur·rice") == 1  # the afternoon's table only


def test_a_remote_convocation_promises_no_paper_signature(admin_actor, session, slot, alice):
    slot.remote_url = "https://visio.example/salle"
    slot.place = None
    slot.save()
    session.remote_url, session.place = "https://visio.example/salle", None
    session.save()
    text = text_of(document_read(document_generate(actor=admin_actor, kind="convocation", subject=alice)))
    assert "feuille d'émargement" not in text and "papier" not in text
    assert "vous signez électroniquement avec le lien personnel d'émargement" in text


def test_an_on_site_convocation_says_qr_code_or_sheet(admin_actor, org, session, slot, alice):
    session.place = PlaceFactory(organisation=org)
    session.save()
    text = text_of(document_read(document_generate(actor=admin_actor, kind="convocation", subject=alice)))
    assert "en scannant le QR code affiché par le ou la formateur·rice, ou sur la feuille d'émargement" in text


def test_late_and_never_signed_counts_nothing_and_closing_asks_confirmation(
    web, trainer_user, trainer_actor, org, slot, alice, bruno
):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    arrival = slot.starts_at + dt.timedelta(hours=1)
    services.attendance_mark(
        actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="late", arrival=arrival
    )
    services.attendance_mark(
        actor=trainer_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="late", arrival=arrival
    )
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")  # Bruno signs when he arrives
    client = web(trainer_user)
    url = f"/o/{org.slug}/attendance/slots/{slot.pk}/close/"
    page = client.post(url, {"close-trainer_name": "Théo Formateur"}).content.decode().replace("&#x27;", "'")
    assert "Marqué·es en retard, Alice Martin n'ont pas signé ce créneau" in page
    assert "aucune heure ne leur sera comptée (art. R6313-3" in page
    assert SlotAttendance.objects.get(slot=slot).state == "open"
    response = client.post(url, {"close-trainer_name": "Théo Formateur", "close-confirm_unsigned": "on"})
    assert response.status_code == 302
    assert SlotAttendance.objects.get(slot=slot).state == "closed"
    assert selectors.attended_minutes(alice) == 0
    assert selectors.attended_minutes(bruno) == slot.minutes - 60
    alice_row = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert alice_row.status == "absent" and "sans signature" in alice_row.reason
    assert AttendanceRecord.objects.filter(slot=slot, participant=alice, kind="marked_absent").exists()
    assert verify_all()[1] == []


def test_closing_through_the_api_needs_the_same_confirmation(api, trainer_user, trainer_actor, org, slot, alice):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_mark(
        actor=trainer_actor,
        slot_id=slot.pk,
        participant_id=alice.pk,
        mark="late",
        arrival=slot.starts_at + dt.timedelta(hours=1),
    )
    client = api(trainer_user, org)
    refused = client.post(
        f"/api/v1/slots/{slot.pk}/close", {"trainer_name": "Théo Formateur"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "n'ont pas signé" in str(refused.json())
    closed = client.post(
        f"/api/v1/slots/{slot.pk}/close",
        {"trainer_name": "Théo Formateur", "confirm_unsigned": True},
        content_type="application/json",
    )
    assert closed.status_code == 200
    assert selectors.attended_minutes(alice) == 0
