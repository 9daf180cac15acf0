# SPDX-License-Identifier: AGPL-3.0-or-later
"""The optional drawn signature (issue #14 §7): a PNG checked on the server, kept beside the signing record,
its SHA-256 sealed in the chain, printed on the attendance sheet; the button alone still signs."""

import base64
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw
from pypdf import PdfReader

from coopforma.attendance import drawing, services
from coopforma.attendance.models import AttendanceDrawing, AttendanceRecord, RecordKind
from coopforma.attendance.tokens import qr_token
from coopforma.attendance.verify import verify_slot

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone)"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(width: int = 300, height: int = 110) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (60, 20), (120, 90), (200, 30)], fill=(0, 0, 0, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def phone_for(participant) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**PHONE)
    client.get(reverse("emargement:link", kwargs={"token": services.link_issue(participant=participant)}))
    return client


def test_the_qr_signing_step_keeps_the_drawing_and_the_chain_seals_it(trainer_actor, slot, alice):  # type: ignore[no-untyped-def]
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    token = qr_token(slot.pk)
    page = phone.get(reverse("emargement:qr", kwargs={"token": token})).content.decode()
    assert "data-drawing" in page and "attendance-draw.js" in page and "(facultative)" in page
    drawn = png()
    response = phone.post(
        reverse("emargement:qr", kwargs={"token": token}), {"participant": alice.pk, "drawing": data_url(drawn)}
    )
    assert "votre signature est enregistrée" in response.content.decode()
    record = AttendanceRecord.objects.get(kind=RecordKind.SIGNED)
    stored = AttendanceDrawing.objects.get(record=record)
    assert bytes(stored.png) == drawn
    assert record.payload["drawing_sha256"] == hashlib.sha256(drawn).hexdigest() == stored.sha256
    assert verify_slot(slot) == []

    # The image changed afterwards (the model refuses it; a raw update gets through): the check finds it.
    AttendanceDrawing.objects.filter(pk=stored.pk).update(png=png(200, 80))
    assert [b.what for b in verify_slot(slot)] == ["signature dessinée modifiée ou absente (empreinte)"]
    # And the hash in the payload is covered by the record's own hash.
    record.payload["drawing_sha256"] = "0" * 64
    assert record.compute_hash() != record.hash


def test_the_button_alone_still_signs(trainer_actor, slot, alice):  # type: ignore[no-untyped-def]
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    token = qr_token(slot.pk)
    phone.post(reverse("emargement:qr", kwargs={"token": token}), {"participant": alice.pk, "drawing": ""})
    record = AttendanceRecord.objects.get(kind=RecordKind.SIGNED)
    assert "drawing_sha256" not in record.payload and not AttendanceDrawing.objects.exists()
    assert verify_slot(slot) == []


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", "trop grande ou illisible"),
        ("data:image/png;base64,@@@", "pas lisible"),
        (data_url(b"GIF89a" + b"\x00" * 40), "pas une image PNG"),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "pas lisible"),
        (data_url(png(2000, 200)), "trop grande"),
        ("data:image/png;base64," + "A" * 200_000, "trop grande"),
    ],
)
def test_a_drawing_that_is_not_a_small_png_is_refused_and_nothing_is_recorded(
    trainer_actor, slot, alice, posted, message
):  # type: ignore[no-untyped-def]
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    token = qr_token(slot.pk)
    response = phone.post(
        reverse("emargement:qr", kwargs={"token": token}), {"participant": alice.pk, "drawing": posted}
    )
    assert message in response.content.decode()
    assert not AttendanceRecord.objects.filter(kind=RecordKind.SIGNED).exists()


def test_the_service_checks_the_png_itself(trainer_actor, slot, alice):  # type: ignore[no-untyped-def]
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    with pytest.raises(ValidationError):
        services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr", drawing=b"not a png")
    assert drawing.check_png(png()) == png()


def test_the_attendance_sheet_prints_the_drawing(web, trainer_user, trainer_actor, org, slot, alice, bruno):  # type: ignore[no-untyped-def]
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr", drawing=png())
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    response = web(trainer_user).get(f"/o/{org.slug}/attendance/slots/{slot.pk}/sheet.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1  # Alice's drawing; Bruno signed with the button alone


def test_erasure_removes_the_drawing_and_the_chain_stays_valid(trainer_actor, slot, alice):  # type: ignore[no-untyped-def]
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr", drawing=png())
    services.attendance_participant_erase(participant=alice)
    assert not AttendanceDrawing.objects.exists()
    assert "drawing_sha256" in AttendanceRecord.objects.get(kind=RecordKind.SIGNED).payload
    assert verify_slot(slot) == []
