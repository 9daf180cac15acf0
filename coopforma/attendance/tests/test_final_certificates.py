# SPDX-License-Identifier: AGPL-3.0-or-later
"""No certificate for hours not delivered (issue 11, point 1).

A certificat de réalisation or an attestation de fin de formation becomes final, or goes to signature, only once
the trainee's last slot has ended and the émargement of every slot up to it is closed; before that the draft says
« PRÉVISIONNEL ». Each trainee's own first and last dates and attended hours are printed, not the session's.
Through the staff pages and the API, the PDFs read back.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coopforma.attendance import selectors, services
from coopforma.documents.models import Document, DocumentStatus
from coopforma.documents.services import document_read
from coopforma.training_sessions.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # the frozen instant (tests/clock.py), or COOPFORMA_TEST_NOW
NEXT_WEEK = TODAY + dt.timedelta(days=7)
DAY_1, DAY_2 = TODAY - dt.timedelta(days=15), TODAY - dt.timedelta(days=14)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u2019", "'").split())


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"documents:{name}", kwargs={"org": "coop-test", **kwargs})


def _slot(session, trainer, day: dt.date, hour: int):  # type: ignore[no-untyped-def]
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    slot = SlotFactory(session=session, starts_at=starts, ends_at=starts + dt.timedelta(hours=3, minutes=30))
    slot.trainers.add(trainer)
    return slot


def _run(trainer_actor, slot, *participants):  # type: ignore[no-untyped-def]
    now = slot.starts_at + dt.timedelta(minutes=1)
    services.slot_open(actor=trainer_actor, slot_id=slot.pk, now=now)
    for participant in participants:
        services.attendance_sign(participant=participant, slot_id=slot.pk, method="qr", now=now)
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur", now=now)


def _generate(client, kind: str, participant) -> Document:  # type: ignore[no-untyped-def]
    assert client.post(_url("generate", kind=kind, subject_id=participant.pk)).status_code == 302
    return Document.objects.get(kind=kind, subject_id=participant.pk, status=DocumentStatus.DRAFT)


@pytest.fixture
def future_slots(session, trainer):  # type: ignore[no-untyped-def]
    """A session that has not started (as session 19 of the demo): two half-days next week."""
    return [_slot(session, trainer, NEXT_WEEK, 9), _slot(session, trainer, NEXT_WEEK, 14)]


@pytest.fixture
def past_slots(session, trainer):  # type: ignore[no-untyped-def]
    """Three half-days two weeks ago: day 1 (am, pm) and day 2 (am)."""
    return [
        _slot(session, trainer, DAY_1, 9),
        _slot(session, trainer, DAY_1, 14),
        _slot(session, trainer, DAY_2, 9),
    ]


@pytest.mark.parametrize("kind", ["certificate", "attestation"])
def test_no_final_document_before_the_session_has_run(kind, web, admin_user, future_slots, alice):
    client = web(admin_user)
    draft = _generate(client, kind, alice)
    text = pdf_text(document_read(draft))
    assert "PRÉVISIONNEL" in text and "la formation n'est pas terminée" in text
    if kind == "certificate":
        assert "heures prévisionnelles" in text and "heures réalisées" not in text

    response = client.post(_url("finalise", pk=draft.pk), follow=True)
    page = response.content.decode()
    assert f"la formation n&#x27;est pas terminée (dernier créneau le {NEXT_WEEK:%d/%m/%Y} à 17 h 30)" in page
    assert "R6313-3" in page if kind == "certificate" else "L6353-1" in page
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT and not draft.sha256


def test_api_refuses_to_finalise_a_provisional_certificate(api, admin_user, org, future_slots, alice):
    client = api(admin_user, org)
    created = client.post(
        "/api/v1/documents", {"kind": "certificate", "subject_id": alice.pk}, content_type="application/json"
    )
    assert created.status_code == 201
    response = client.post(f"/api/v1/documents/{created.json()['id']}/finalise")
    assert response.status_code == 422
    assert "n'est pas terminée" in response.json()["errors"][0]["message"]
    assert Document.objects.get(pk=created.json()["id"]).status == DocumentStatus.DRAFT


def test_ended_but_attendance_not_closed_is_refused(web, admin_user, trainer_actor, past_slots, alice):
    _run(trainer_actor, past_slots[0], alice)
    _run(trainer_actor, past_slots[1], alice)  # the third slot's émargement was never opened nor closed
    client = web(admin_user)
    draft = _generate(client, "certificate", alice)
    page = client.post(_url("finalise", pk=draft.pk), follow=True).content.decode()
    assert f"l&#x27;émargement n&#x27;est pas clos pour le(s) créneau(x) du {DAY_2:%d/%m/%Y} 09 h 00" in page
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT


def test_each_trainee_gets_their_own_dates_and_hours(web, admin_user, trainer_actor, past_slots, alice, bruno):
    """Alice came to the three half-days, Bruno only to the first: their own dates and hours, not the session's."""
    _run(trainer_actor, past_slots[0], alice, bruno)
    _run(trainer_actor, past_slots[1], alice)
    _run(trainer_actor, past_slots[2], alice)
    client = web(admin_user)
    day_1, day_2 = f"{DAY_1:%d/%m/%Y}", f"{DAY_2:%d/%m/%Y}"
    expected = ((alice, (day_1, day_2), "10 h 30"), (bruno, (day_1, day_1), "3 h 30"))
    for participant, period, hours in expected:
        draft = _generate(client, "certificate", participant)
        assert client.post(_url("finalise", pk=draft.pk)).status_code == 302
        draft.refresh_from_db()
        assert draft.status == DocumentStatus.FINAL
        download = client.get(_url("file", pk=draft.pk))
        text = pdf_text(b"".join(download.streaming_content) if download.streaming else download.content)
        assert f"qui s'est déroulée du {period[0]} au {period[1]}" in text
        assert f"pour une durée de {hours} (heures réalisées)" in text
        assert "PRÉVISIONNEL" not in text and "BROUILLON" not in text
        assert draft.context["trainee"]["hours_minutes"] == selectors.attended_minutes(participant)

    draft = _generate(client, "attestation", bruno)
    assert client.post(_url("finalise", pk=draft.pk)).status_code == 302
    text = pdf_text(document_read(Document.objects.get(pk=draft.pk)))
    assert f"du {day_1} au {day_1}" in text and "3 h 30" in text


def test_a_draft_made_before_closing_must_be_generated_again(web, admin_user, trainer_actor, past_slots, alice):
    _run(trainer_actor, past_slots[0], alice)
    client = web(admin_user)
    early = _generate(client, "certificate", alice)  # two slots still open: provisional
    _run(trainer_actor, past_slots[1], alice)
    _run(trainer_actor, past_slots[2], alice)
    page = client.post(_url("finalise", pk=early.pk), follow=True).content.decode()
    assert "générez-le à nouveau" in page and "10 h 30" in page
    early.refresh_from_db()
    assert early.status == DocumentStatus.DRAFT
    again = _generate(client, "certificate", alice)
    assert client.post(_url("finalise", pk=again.pk)).status_code == 302
    again.refresh_from_db()
    assert again.status == DocumentStatus.FINAL


def test_a_final_certificate_of_an_unfinished_session_is_not_sent_for_signature(
    web, admin_user, future_slots, alice, admin_actor
):
    """A certificate made final before this rule existed cannot go to signature either."""
    client = web(admin_user)
    draft = _generate(client, "certificate", alice)
    Document.objects.filter(pk=draft.pk).update(status=DocumentStatus.FINAL, sha256="0" * 64)
    page = client.post(reverse("documents:signature_request", kwargs={"org": "coop-test", "pk": draft.pk}), follow=True)
    assert "n&#x27;est pas terminée" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.FINAL and not draft.signatures.exists()
