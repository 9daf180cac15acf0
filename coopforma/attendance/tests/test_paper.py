# SPDX-License-Identifier: AGPL-3.0-or-later
"""Paper fallback: printable sheets (slot, session), PDF export, signed scan upload, manual entry from paper."""

import datetime as dt
import hashlib
import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance
from coopforma.attendance.verify import verify_all
from coopforma.core.models import ActivityLog
from coopforma.training_sessions.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def slot_url(org, slot, rest=""):  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/attendance/slots/{slot.pk}/{rest}"


# --- Sheets and export ----------------------------------------------------------------------------------------


def test_slot_sheet_pdf_has_a_line_per_trainee_and_the_slot_facts(web, trainer_user, org, slot, alice, bruno):
    response = web(trainer_user).get(slot_url(org, slot, "sheet.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "Feuille d'émargement" in text and "Réunions coopératives" in text
    assert "Alice Martin" in text and "Bruno Petit" in text and "Boulangerie Coop" in text
    assert "3 h 30" in text and "Signature du ou de la formateur·rice" in text
    assert f"S-{slot.session_id:05d}" in text


def test_slot_sheet_prints_what_phones_already_signed(web, trainer_user, trainer_actor, org, slot, alice, bruno):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    text = text_of(web(trainer_user).get(slot_url(org, slot, "sheet.pdf")).content)
    assert "Signé" in text and "QR code" in text


def test_session_sheet_has_every_half_day(web, manager_user, org, session, slot, alice):
    later = SlotFactory(
        session=session, starts_at=slot.starts_at + dt.timedelta(days=1), ends_at=slot.ends_at + dt.timedelta(days=1)
    )
    response = web(manager_user).get(f"/o/{org.slug}/attendance/sessions/{session.pk}/sheet.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Alice Martin" in text and text.count("Signature du ou de la formateur·rice") == 2
    assert later.starts_at.astimezone().strftime("%d/%m/%Y") in text or "Période" in text


def test_session_export_pdf_has_hours_and_states(web, admin_user, trainer_actor, org, session, slot, alice, bruno):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="absent")
    response = web(admin_user).get(f"/o/{org.slug}/attendance/sessions/{session.pk}/export.pdf")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = text_of(response.content)
    assert "Alice Martin" in text and "Présent·e" in text and "QR code" in text
    assert "Bruno Petit" in text and "Absent·e" in text
    assert "3 h 30 sur 7 h planifiées" in text and "50 %" in text


def test_pages_link_to_the_paper_documents(web, trainer_user, org, session, slot, alice):
    client = web(trainer_user)
    page = client.get(slot_url(org, slot)).content.decode()
    assert f"/slots/{slot.pk}/sheet.pdf" in page and "Déposer la feuille signée" in page
    assert "Enregistrer la saisie papier" in page
    page = client.get(f"/o/{org.slug}/attendance/sessions/{session.pk}/").content.decode()
    assert f"/sessions/{session.pk}/sheet.pdf" in page and f"/sessions/{session.pk}/export.pdf" in page


# --- Signed scan ----------------------------------------------------------------------------------------------


def test_scan_upload_service_stores_the_file_with_its_sha256_in_the_chain(trainer_actor, slot, media):
    record = services.paper_scan_upload(
        actor=trainer_actor,
        slot_id=slot.pk,
        upload=SimpleUploadedFile("feuille.pdf", PDF, content_type="application/pdf"),
    )
    assert record.kind == "paper_scan" and record.participant_id is None
    assert record.payload["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert record.payload["content_type"] == "application/pdf" and record.payload["size"] == len(PDF)
    assert (media / record.payload["file"]).read_bytes() == PDF
    assert services.scan_read(record) == PDF
    assert ActivityLog.objects.filter(action="attendance.slot.paper_scan").count() == 1
    assert verify_all() == (1, [])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "n'est ni un PDF, ni une image JPEG ou PNG"),
        ("grand.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "dépasse 10 Mo"),
    ],
)
def test_scan_upload_refuses_other_types_and_big_files(trainer_actor, slot, name, data, message):
    with pytest.raises(ValidationError) as exc:
        services.paper_scan_upload(actor=trainer_actor, slot_id=slot.pk, upload=SimpleUploadedFile(name, data))
    assert message in " ".join(exc.value.messages) and name in " ".join(exc.value.messages)
    assert not AttendanceRecord.objects.filter(kind="paper_scan").exists()


def test_scan_upload_refuses_the_same_file_twice_and_a_tampered_file_is_detected(trainer_actor, slot, media):
    record = services.paper_scan_upload(actor=trainer_actor, slot_id=slot.pk, upload=SimpleUploadedFile("a.png", PNG))
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.paper_scan_upload(actor=trainer_actor, slot_id=slot.pk, upload=SimpleUploadedFile("b.png", PNG))
    (media / record.payload["file"]).write_bytes(PNG + b"x")
    with pytest.raises(ValidationError, match="altéré"):
        services.scan_read(record)


def test_scan_upload_view_then_download(web, trainer_user, org, slot):
    client = web(trainer_user)
    response = client.post(slot_url(org, slot, "scans/"), {"scan-scan": SimpleUploadedFile("feuille.pdf", PDF)})
    assert response.status_code == 302
    record = AttendanceRecord.objects.get(slot=slot, kind="paper_scan")
    page = client.get(slot_url(org, slot)).content.decode()
    assert "feuille.pdf" in page and record.payload["sha256"][:10] in page
    download = client.get(slot_url(org, slot, f"scans/{record.pk}/"))
    assert download.status_code == 200 and download.content == PDF
    assert client.get(slot_url(org, slot, f"scans/{record.pk + 1000}/")).status_code == 404


def test_scan_upload_view_shows_the_error_inline(web, trainer_user, org, slot):
    response = web(trainer_user).post(slot_url(org, slot, "scans/"), {"scan-scan": SimpleUploadedFile("x.doc", b"DOC")})
    assert response.status_code == 200
    assert "« x.doc » n'est ni un PDF, ni une image JPEG ou PNG." in html.unescape(response.content.decode())
    response = web(trainer_user).post(slot_url(org, slot, "scans/"), {})
    assert "Choisissez le fichier de la feuille signée" in html.unescape(response.content.decode())


# --- Manual entry from the paper ------------------------------------------------------------------------------


def test_paper_entry_view_records_the_paper_method(web, trainer_user, org, slot, alice):
    response = web(trainer_user).post(
        slot_url(org, slot, "paper/"), {"paper-participant": alice.pk, "paper-status": "present"}
    )
    assert response.status_code == 302
    record = AttendanceRecord.objects.get(slot=slot, participant=alice)
    assert record.kind == "paper_entry" and record.payload["status"] == "present"
    projection = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert projection.method == "paper" and projection.attended_minutes == slot.minutes
    assert ActivityLog.objects.filter(action="attendance.participant.paper_entry").exists()


def test_paper_entry_view_invalid_keeps_what_was_typed(web, trainer_user, org, slot, alice):
    response = web(trainer_user).post(
        slot_url(org, slot, "paper/"),
        {"paper-participant": alice.pk, "paper-status": "late", "paper-reason": "Train en retard"},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Indiquez une heure d'arrivée comprise dans le créneau" in page
    assert "Train en retard" in page and f'<option value="{alice.pk}" selected>' in page
    assert not AttendanceRecord.objects.filter(kind="paper_entry").exists()


# --- A paper entry made after the slot ended states its reason ------------------------------------------------


@pytest.fixture
def ended_slot(session, trainer, now):  # type: ignore[no-untyped-def]
    """A 3 h 30 slot that ended an hour ago."""
    slot = SlotFactory(
        session=session, starts_at=now - dt.timedelta(minutes=270), ends_at=now - dt.timedelta(minutes=60)
    )
    slot.trainers.add(trainer)
    return slot


@pytest.mark.parametrize("reason", ["", "   "])
def test_paper_entry_after_the_end_without_reason_is_refused_and_writes_nothing(
    trainer_actor, ended_slot, alice, reason
):
    with pytest.raises(ValidationError) as refused:
        services.attendance_paper_entry(
            actor=trainer_actor, slot_id=ended_slot.pk, participant_id=alice.pk, status="present", reason=reason
        )
    assert "motif" in refused.value.message_dict["reason"][0]
    assert not AttendanceRecord.objects.filter(slot=ended_slot).exists()
    assert not ParticipantAttendance.objects.filter(slot=ended_slot).exists()
    assert not ActivityLog.objects.filter(action="attendance.participant.paper_entry").exists()


def test_paper_entry_at_the_very_end_already_needs_the_reason(trainer_actor, slot, alice):
    with pytest.raises(ValidationError) as refused:
        services.attendance_paper_entry(
            actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, status="present", now=slot.ends_at
        )
    assert list(refused.value.message_dict) == ["reason"]


def test_paper_entry_after_the_end_with_its_reason_is_kept(trainer_actor, ended_slot, alice):
    cell = services.attendance_paper_entry(
        actor=trainer_actor,
        slot_id=ended_slot.pk,
        participant_id=alice.pk,
        status="present",
        reason="Feuille retrouvée dans le classeur de la salle",
    )
    assert cell.method == "paper" and cell.attended_minutes == ended_slot.minutes
    record = AttendanceRecord.objects.get(slot=ended_slot, kind="paper_entry")
    assert record.payload["reason"] == "Feuille retrouvée dans le classeur de la salle"


def test_paper_entry_during_the_slot_needs_no_reason(trainer_actor, slot, alice):
    cell = services.attendance_paper_entry(
        actor=trainer_actor,
        slot_id=slot.pk,
        participant_id=alice.pk,
        status="present",
        now=slot.ends_at - dt.timedelta(seconds=1),
    )
    assert cell.method == "paper"
    assert AttendanceRecord.objects.get(slot=slot, kind="paper_entry").payload["reason"] == ""


def test_paper_entry_view_after_the_end_shows_the_missing_reason(web, trainer_user, org, ended_slot, alice):
    response = web(trainer_user).post(
        slot_url(org, ended_slot, "paper/"), {"paper-participant": alice.pk, "paper-status": "present"}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "indiquez le motif de cette saisie tardive" in page
    assert not AttendanceRecord.objects.filter(slot=ended_slot).exists()

    done = web(trainer_user).post(
        slot_url(org, ended_slot, "paper/"),
        {"paper-participant": alice.pk, "paper-status": "present", "paper-reason": "Saisie au retour de la salle"},
    )
    assert done.status_code == 302
    assert AttendanceRecord.objects.get(slot=ended_slot).payload["reason"] == "Saisie au retour de la salle"


def test_api_paper_entry_after_the_end_without_reason_is_422_on_reason(api, trainer_user, org, ended_slot, alice):
    path = f"/api/v1/slots/{ended_slot.pk}/attendance"
    refused = api(trainer_user, org).post(
        path, {"participant_id": alice.pk, "mark": "paper", "status": "present"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "reason"]
    assert "motif" in refused.json()["errors"][0]["message"]
    assert not AttendanceRecord.objects.filter(slot=ended_slot).exists()

    accepted = api(trainer_user, org).post(
        path,
        {"participant_id": alice.pk, "mark": "paper", "status": "present", "reason": "Feuille transcrite le soir"},
        content_type="application/json",
    )
    assert accepted.status_code == 201 and accepted.json()["status"] == "present"
