# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainer's slot page and the trainee's phone, through the HTTP client."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance, SlotAttendance
from coopforma.attendance.tokens import WINDOW_SECONDS, qr_token
from coopforma.core.models import ActivityLog
from coopforma.training_sessions.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone)"}


def url(name: str, org, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"attendance:{name}", kwargs={"org": org.slug, **kwargs})


def phone_for(participant, client: Client | None = None) -> Client:  # type: ignore[no-untyped-def]
    """A phone that opened the participant's personal link (`client`: a phone that already opened others)."""
    client = client or Client(**PHONE)
    token = services.link_issue(participant=participant)
    response = client.get(reverse("emargement:link", kwargs={"token": token}))
    assert response.status_code == 302 and response.url == reverse("public:portal_home")
    return client


# --- Trainer -----------------------------------------------------------------------------------------------


def test_slot_page_open_mark_close(web, org, trainer_user, slot, alice, bruno):
    client = web(trainer_user)
    page = client.get(url("slot", org, slot_id=slot.pk))
    assert page.status_code == 200
    assert "Ouvrir l'émargement" in page.text and "Alice" in page.text and "Pas encore ouvert" in page.text

    assert client.post(url("slot_open", org, slot_id=slot.pk)).status_code == 302
    assert SlotAttendance.objects.get(slot=slot).state == "open"
    page = client.get(url("slot", org, slot_id=slot.pk))
    assert 'hx-trigger="every 5s"' in page.text and 'hx-trigger="every 30s"' in page.text
    assert "<svg" in page.text  # the QR code is shown at once, then refreshed

    qr = client.get(url("slot_qr", org, slot_id=slot.pk))
    assert "<svg" in qr.text and "segno" in qr.text

    response = client.post(
        url("slot_mark", org, slot_id=slot.pk),
        {"mark-participant": alice.pk, "mark-mark": "excused", "mark-reason": "Arrêt maladie"},
    )
    assert response.status_code == 302
    rows = client.get(url("slot_rows", org, slot_id=slot.pk))
    assert "Absence justifiée" in rows.text and "Arrêt maladie" in rows.text

    response = client.post(url("slot_close", org, slot_id=slot.pk), {"close-trainer_name": "Théo Formateur"})
    assert response.status_code == 302
    head = SlotAttendance.objects.get(slot=slot)
    assert head.state == "closed" and head.trainer_signature == "Théo Formateur"
    assert ActivityLog.objects.filter(action="attendance.slot.closed", object_id=slot.pk).exists()


def test_on_behalf_without_reason_rerenders_with_typed_values(web, org, trainer_user, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    client = web(trainer_user)
    response = client.post(
        url("slot_mark", org, slot_id=slot.pk),
        {"mark-participant": alice.pk, "mark-mark": "on_behalf", "mark-reason": ""},
    )
    assert response.status_code == 200
    assert "Indiquez pourquoi vous signez pour le compte" in response.text
    assert 'value="on_behalf" selected' in response.text
    assert not AttendanceRecord.objects.filter(participant=alice).exists()


def test_late_without_arrival_keeps_the_form(web, org, trainer_user, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    response = web(trainer_user).post(
        url("slot_mark", org, slot_id=slot.pk),
        {"mark-participant": alice.pk, "mark-mark": "late", "mark-reason": "Train en retard"},
    )
    assert response.status_code == 200
    assert "heure d&#x27;arrivée" in response.text and "Train en retard" in response.text


def test_close_without_name_is_refused(web, org, trainer_user, slot, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    response = web(trainer_user).post(url("slot_close", org, slot_id=slot.pk), {"close-trainer_name": " "})
    assert response.status_code == 200 and "Tapez votre nom" in response.text
    assert SlotAttendance.objects.get(slot=slot).state == "open"


def test_correction_after_close(web, org, trainer_user, quality_user, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="absent")
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo")
    data = {"correct-participant": alice.pk, "correct-status": "present", "correct-reason": "Feuille retrouvée"}
    assert web(trainer_user).post(url("slot_correct", org, slot_id=slot.pk), data).status_code == 403
    client = web(quality_user)
    page = client.get(url("slot", org, slot_id=slot.pk))
    assert "Corriger une présence" in page.text
    invalid = client.post(url("slot_correct", org, slot_id=slot.pk), {**data, "correct-reason": ""})
    assert invalid.status_code == 200 and "Une correction doit être motivée" in invalid.text
    assert client.post(url("slot_correct", org, slot_id=slot.pk), data).status_code == 302
    assert ParticipantAttendance.objects.get(slot=slot, participant=alice).status == "present"


def test_send_links(web, org, trainer_user, slot, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = web(trainer_user).post(url("slot_send_links", org, slot_id=slot.pk), follow=True)
    assert "1 lien(s) d&#x27;émargement envoyé(s)" in response.text


def test_session_page_and_export(web, org, trainer_user, session, slot, alice, bruno, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_mark(
        actor=trainer_actor,
        slot_id=slot.pk,
        participant_id=bruno.pk,
        mark="late",
        arrival=slot.starts_at + dt.timedelta(minutes=30),
    )
    client = web(trainer_user)
    page = client.get(url("session", org, session_id=session.pk))
    assert page.status_code == 200
    assert "3\u00a0h\u00a030 / 3\u00a0h\u00a030" in page.text  # Alice: 210 / 210
    assert "3\u00a0h / 3\u00a0h\u00a030" in page.text  # Bruno: 180 / 210
    assert "93 %" in page.text  # (210 + 180) / 420
    csv_response = client.get(url("session_export", org, session_id=session.pk))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("stagiaire;créneau")
    alice_line = next(line.split(";") for line in lines if line.startswith("Alice Martin;"))
    local = timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M")  # Paris wall-clock time, not UTC
    assert alice_line[2] == local and "+00:00" not in ";".join(lines)
    assert alice_line[4:6] == ["Présent·e", "QR code"] and alice_line[-2:] == ["210", "3,5"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", alice_line[6])
    assert any("Bruno Petit" in line and line.endswith(";180;3") for line in lines)
    assert "present" not in csv_response.content.decode("utf-8-sig")


def test_session_page_queries_constant(
    web, org, trainer_user, session, slot, enrolment, trainer_actor, django_assert_max_num_queries
):
    from coopforma.attendance.tests.conftest import make_participant

    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    client = web(trainer_user)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            participant = make_participant(enrolment, f"T{i}", f"Nom{i:03d}")
            services.attendance_sign(participant=participant, slot_id=slot.pk, method="qr")

    add(3, 0)
    with django_assert_max_num_queries(20) as ctx:
        assert client.get(url("session", org, session_id=session.pk)).status_code == 200
    few = len(ctx.captured_queries)
    add(30, 3)
    with django_assert_max_num_queries(few) as ctx:
        response = client.get(url("session", org, session_id=session.pk))
    assert response.text.count("badge-ok") == 33


# --- Phone ------------------------------------------------------------------------------------------------


def test_phone_signs_with_the_rotating_qr(org, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    token = qr_token(slot.pk)
    qr_url = reverse("emargement:qr", kwargs={"token": token})
    confirm = phone.get(qr_url)
    assert confirm.status_code == 200 and "Je signe" in confirm.text
    done = phone.post(qr_url)
    assert "votre signature est enregistrée" in done.text
    again = phone.post(qr_url)
    assert "déjà signé" in again.text
    record = AttendanceRecord.objects.get(slot=slot, participant=alice, kind="signed")
    assert record.payload == {"method": "qr"} and record.user_agent == "Mozilla/5.0 (iPhone)"


def test_phone_refuses_expired_and_forged_qr(org, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=3 * WINDOW_SECONDS)):
        old = qr_token(slot.pk)
    response = phone.post(reverse("emargement:qr", kwargs={"token": old}))
    assert "Ce QR code a expiré" in response.text
    response = phone.get(reverse("emargement:qr", kwargs={"token": old[:-2] + "xx"}))
    assert "n&#x27;est pas valide" in response.text
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=WINDOW_SECONDS)):
        previous = qr_token(slot.pk)
    assert "votre signature est enregistrée" in phone.post(reverse("emargement:qr", kwargs={"token": previous})).text
    assert AttendanceRecord.objects.filter(participant=alice).count() == 1


def test_phone_without_link_or_of_another_session(org, slot, alice, other_session, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    token_url = reverse("emargement:qr", kwargs={"token": qr_token(slot.pk)})
    response = Client().get(token_url)
    assert "Ouvrez d&#x27;abord le lien reçu par e-mail" in response.text
    outsider = ParticipantFactory(session=other_session, enrolment__session=other_session)
    response = phone_for(outsider).post(token_url)
    assert "Vous n&#x27;êtes pas inscrit·e à la session de ce créneau" in response.text
    assert not AttendanceRecord.objects.filter(kind="signed").exists()


def test_phone_not_open_then_closed(org, slot, alice, trainer_actor):
    slot.remote_url, slot.place = "https://visio.example/salle", None
    slot.save()
    phone = phone_for(alice)
    action = reverse("emargement:slot_action", kwargs={"slot_id": slot.pk})
    home = phone.get(reverse("emargement:home"))
    assert "Pas encore ouvert" in home.text and "Réunions coopératives" in home.text
    assert "pas encore ouvert" in phone.post(action, {"action": "sign"}).text
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    assert "votre signature est enregistrée" in phone.post(action, {"action": "sign"}).text
    assert "Vous avez déjà signé ce créneau" in phone.post(action, {"action": "sign"}).text
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo")
    qr_response = phone.post(reverse("emargement:qr", kwargs={"token": qr_token(slot.pk)}))
    assert "clos" in qr_response.text
    assert AttendanceRecord.objects.filter(participant=alice).count() == 1


def test_on_site_slot_needs_the_qr_code_not_the_personal_link_alone(org, slot, alice, trainer_actor):
    assert not slot.is_remote
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    home = phone.get(reverse("emargement:home"))
    assert "scannez avec ce téléphone le QR code" in home.text and 'value="sign"' not in home.text
    action = reverse("emargement:slot_action", kwargs={"slot_id": slot.pk})
    refused = phone.post(action, {"action": "sign", "participant": alice.pk})
    assert refused.status_code == 200 and "Votre lien personnel seul ne suffit pas" in refused.text
    connected = phone.post(action, {"action": "connected", "participant": alice.pk})
    assert "seulement pour un créneau à distance" in connected.text
    assert not AttendanceRecord.objects.filter(participant=alice).exists()
    qr_url = reverse("emargement:qr", kwargs={"token": qr_token(slot.pk)})
    assert "votre signature est enregistrée" in phone.post(qr_url, {"participant": alice.pk}).text
    assert ParticipantAttendance.objects.get(slot=slot, participant=alice).method == "qr"


def test_a_qr_code_older_than_its_window_is_refused(org, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    start = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        token = qr_token(slot.pk)
    qr_url = reverse("emargement:qr", kwargs={"token": token})
    with time_machine.travel(start + dt.timedelta(seconds=2 * WINDOW_SECONDS), tick=False):
        refused = phone.post(qr_url, {"participant": alice.pk})
    assert "Ce QR code a expiré" in refused.text
    assert not AttendanceRecord.objects.filter(participant=alice).exists()
    with time_machine.travel(start + dt.timedelta(seconds=WINDOW_SECONDS), tick=False):
        assert "votre signature est enregistrée" in phone.post(qr_url, {"participant": alice.pk}).text


def test_a_shared_phone_signs_the_trainee_chosen_never_the_first(org, slot, enrolment, alice, bruno, trainer_actor):
    from coopforma.attendance.tests.conftest import make_participant

    carol = make_participant(enrolment, "Carol", "Abel")  # first by name, but not on this phone
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(bruno)
    phone_for(alice, phone)  # the phone now holds Alice's link first, then Bruno's
    qr_url = reverse("emargement:qr", kwargs={"token": qr_token(slot.pk)})
    confirm = phone.get(qr_url)
    assert "choisissez votre nom" in confirm.text
    assert f'value="{alice.pk}" required' in confirm.text and f'value="{bruno.pk}" required' in confirm.text
    assert "Carol" not in confirm.text
    unchosen = phone.post(qr_url)
    assert "Choisissez la personne qui signe" in unchosen.text
    assert "Choisissez la personne qui signe" in phone.post(qr_url, {"participant": carol.pk}).text
    assert not AttendanceRecord.objects.filter(kind="signed").exists()
    assert "Merci Bruno" in phone.post(qr_url, {"participant": bruno.pk}).text
    assert list(AttendanceRecord.objects.filter(kind="signed").values_list("participant", flat=True)) == [bruno.pk]


def test_a_shared_phone_on_a_remote_slot_signs_the_trainee_of_the_button(org, slot, alice, bruno, trainer_actor):
    slot.remote_url = "https://visio.example/salle"
    slot.save()
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(bruno)
    phone_for(alice, phone)
    home = phone.get(reverse("emargement:home"))
    assert home.text.count('name="participant"') == 2
    action = reverse("emargement:slot_action", kwargs={"slot_id": slot.pk})
    assert "Choisissez la personne qui signe" in phone.post(action, {"action": "sign"}).text
    assert "votre signature est enregistrée" in phone.post(action, {"action": "sign", "participant": bruno.pk}).text
    assert list(AttendanceRecord.objects.filter(kind="signed").values_list("participant", flat=True)) == [bruno.pk]


def test_phone_remote_slot(org, slot, alice, trainer_actor):
    slot.remote_url = "https://visio.example/salle"
    slot.save()
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = phone_for(alice)
    home = phone.get(reverse("emargement:home"))
    assert "Je suis connecté·e" in home.text
    action = reverse("emargement:slot_action", kwargs={"slot_id": slot.pk})
    assert "Connexion enregistrée" in phone.post(action, {"action": "connected"}).text
    page = phone.post(action, {"action": "sign"})
    assert "votre signature est enregistrée" in page.text
    state = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert state.method == "remote" and state.connected_at is not None


def test_bad_link_and_home_without_link():
    assert Client().get(reverse("emargement:link", kwargs={"token": "nope"})).status_code == 404
    response = Client().get(reverse("emargement:home"))
    assert response.status_code == 403 and "Ouvrez d&#x27;abord le lien personnel" in response.text
