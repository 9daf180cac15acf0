# SPDX-License-Identifier: AGPL-3.0-or-later
"""The certificat de réalisation and the attestation show the hours actually attended (context providers)."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from coopforma.attendance import services
from coopforma.attendance.documents import BASIS_ATTENDED, BASIS_PROVISIONAL, participant_provider
from coopforma.attendance.tests.conftest import make_participant
from coopforma.documents import registry
from coopforma.documents.services import document_generate, document_read, documents_generate_for_session
from coopforma.training_sessions.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def four_slots(session, trainer):  # type: ignore[no-untyped-def]
    """Four 3 h 30 half-days in the past: 14 h planned."""
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    slots = []
    for day in range(2):
        for hour in (0, 5):
            starts = start + dt.timedelta(days=day, hours=hour)
            slot = SlotFactory(session=session, starts_at=starts, ends_at=starts + dt.timedelta(hours=3, minutes=30))
            slot.trainers.add(trainer)
            slots.append(slot)
    return slots


def _sign(trainer_actor, slot, *participants):  # type: ignore[no-untyped-def]
    now = slot.starts_at + dt.timedelta(minutes=1)
    services.slot_open(actor=trainer_actor, slot_id=slot.pk, now=now)
    for participant in participants:
        services.attendance_sign(participant=participant, slot_id=slot.pk, method="qr", now=now)
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur", now=now)


def test_kinds_carry_the_attendance_keywords():
    certificate = registry.get_kind("certificate")
    by_name = {k.name: k for k in certificate.keywords}
    assert "émargement" in by_name["trainee.hours"].label
    assert "tant que l'émargement n'existe pas" not in by_name["trainee.hours_minutes"].label
    assert {"trainee.hours_basis", "trainee.planned_hours"} <= set(by_name)
    assert len(certificate.keywords) == len(by_name)  # replaced, not duplicated
    assert participant_provider in registry.context_providers("attestation")
    # The registry's sample context (template checks and previews) has the new keywords.
    assert certificate.sample_context()["trainee"]["hours_basis"] == BASIS_ATTENDED


def test_certificate_shows_attended_hours_after_two_of_four_slots(admin_actor, trainer_actor, four_slots, alice):
    _sign(trainer_actor, four_slots[0], alice)
    _sign(trainer_actor, four_slots[1], alice)

    document = document_generate(actor=admin_actor, kind="certificate", subject=alice)
    text = pdf_text(document_read(document))
    assert "Alice Martin" in text
    assert "pour une durée de 7 h" in text
    assert "durée de 14 h" not in text
    assert document.context["trainee"]["hours_minutes"] == 420
    assert document.context["trainee"]["planned_hours_minutes"] == 840
    # Two slots are still to come: the hours so far are attended, the document provisional (issue 11).
    assert document.context["trainee"]["hours_basis"] == BASIS_PROVISIONAL
    assert "PRÉVISIONNEL" in text


def test_absent_trainee_gets_zero_once_attendance_exists(admin_actor, trainer_actor, four_slots, alice, bruno):
    _sign(trainer_actor, four_slots[0], alice)
    document = document_generate(actor=admin_actor, kind="certificate", subject=bruno)
    assert document.context["trainee"]["hours_minutes"] == 0
    assert "pour une durée de 0 h" in pdf_text(document_read(document))


def test_planned_hours_kept_and_labelled_without_attendance(admin_actor, four_slots, alice):
    document = document_generate(actor=admin_actor, kind="attestation", subject=alice)
    trainee = document.context["trainee"]
    assert trainee["hours_minutes"] == 840 and trainee["hours_attended"] is False
    assert trainee["hours_basis"] == BASIS_PROVISIONAL and trainee["provisional"] is True
    assert "14 h" in pdf_text(document_read(document))


def test_late_arrival_counts_from_arrival(admin_actor, trainer_actor, four_slots, alice):
    slot = four_slots[0]
    now = slot.starts_at + dt.timedelta(minutes=1)
    services.slot_open(actor=trainer_actor, slot_id=slot.pk, now=now)
    services.attendance_mark(
        actor=trainer_actor,
        slot_id=slot.pk,
        participant_id=alice.pk,
        mark="late",
        arrival=slot.starts_at + dt.timedelta(hours=1),
    )
    document = document_generate(actor=admin_actor, kind="certificate", subject=alice)
    assert document.context["trainee"]["hours_minutes"] == 150
    assert "2 h 30" in pdf_text(document_read(document))


def test_bulk_run_reads_attendance_once(admin_actor, trainer_actor, enrolment, four_slots, alice, bruno):
    _sign(trainer_actor, four_slots[0], alice, bruno)
    _sign(trainer_actor, four_slots[1], alice)
    for i in range(6):
        make_participant(enrolment, f"Extra{i}", f"Stagiaire{i}")
    with CaptureQueriesContext(connection) as queries:
        result = documents_generate_for_session(actor=admin_actor, session=four_slots[0].session, kind="certificate")
    attendance_reads = [q for q in queries.captured_queries if "attendance_participantattendance" in q["sql"]]
    assert len(attendance_reads) == 1, attendance_reads
    minutes = {d.context["trainee"]["full_name"]: d.context["trainee"]["hours_minutes"] for d in result.documents}
    assert minutes["Alice Martin"] == 420 and minutes["Bruno Petit"] == 210 and minutes["Extra0 Stagiaire0"] == 0
    text = pdf_text(result.pdf)
    assert "pour une durée de 7 h" in text and "pour une durée de 3 h 30" in text
