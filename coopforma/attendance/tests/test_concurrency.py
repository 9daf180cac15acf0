# SPDX-License-Identifier: AGPL-3.0-or-later
"""Real concurrent appends (threads, separate connections): PostgreSQL only (SQLite in memory has one)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord
from coopforma.attendance.tests.conftest import make_participant
from coopforma.attendance.verify import verify_all

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs several connections"),
]


def test_concurrent_signatures_keep_one_chain(trainer_actor, slot, enrolment):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    participants = [make_participant(enrolment, f"P{i}", f"Nom{i}") for i in range(6)]
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def sign(participant):  # type: ignore[no-untyped-def]
        from django.db import connections

        try:
            barrier.wait()
            services.attendance_sign(participant=participant, slot_id=slot.pk, method="qr")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(p,)) for p in participants * 2]  # each one submits twice
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 6
    assert outcomes.count("Vous avez déjà signé ce créneau.") == 6
    assert AttendanceRecord.objects.filter(slot=slot, kind="signed").count() == 6
    assert list(AttendanceRecord.objects.filter(slot=slot).values_list("sequence", flat=True)) == list(range(1, 8))
    assert verify_all() == (1, [])


def test_signatures_racing_the_close_are_chained_before_it_or_refused(trainer_actor, slot, enrolment):
    """Pending signatures and the sealers racing a trainer who closes: one chain, no fork, nothing pending left,
    every accepted signature chained before the closing record, every other one refused as « clos »."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    participants = [make_participant(enrolment, f"P{i}", f"Nom{i}") for i in range(10)]
    barrier = threading.Barrier(11)
    outcomes: list[str] = []

    def sign(participant):  # type: ignore[no-untyped-def]
        from django.db import connections

        try:
            barrier.wait()
            services.attendance_sign(participant=participant, slot_id=slot.pk, method="qr")
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    def close():  # type: ignore[no-untyped-def]
        from django.db import connections

        try:
            barrier.wait()
            services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(p,)) for p in participants] + [threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = outcomes.count("ok")
    assert accepted + outcomes.count("L'émargement de ce créneau est clos.") == 10
    records = list(AttendanceRecord.objects.filter(slot=slot).order_by("sequence"))
    assert all(r.sequence is not None for r in records)  # nothing left pending
    assert [r.sequence for r in records] == list(range(1, len(records) + 1))
    assert [r.kind for r in records][-2:] == ["trainer_signed", "closed"]
    assert sum(1 for r in records if r.kind == "signed") == accepted
    assert verify_all() == (1, [])


def _run_together(targets):  # type: ignore[no-untyped-def]
    """Start every callable in its own thread (its own connection) at the same moment; their results."""
    from django.db import connections

    barrier = threading.Barrier(len(targets))
    results: list[object] = [None] * len(targets)

    def run(index, target):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            results[index] = target()
        except ValidationError as exc:
            results[index] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _assert_one_chain_in_order_of_recording(slot):  # type: ignore[no-untyped-def]
    records = list(AttendanceRecord.objects.filter(slot=slot).order_by("sequence"))
    assert all(r.sequence is not None for r in records)  # nothing left pending
    assert [r.sequence for r in records] == list(range(1, len(records) + 1))
    assert [r.pk for r in records] == sorted(r.pk for r in records)  # the chain's order is the recording's
    assert verify_all() == (1, [])


def test_concurrent_sealers_chain_each_signature_once(trainer_actor, slot, enrolment, monkeypatch):
    """Eight signatures recorded pending (no worker), then six sealers at once, waiting or not: each signature
    is chained exactly once, in the order of recording, and the chain verifies."""
    monkeypatch.setattr(services, "_enqueue_seal", lambda slot_id: None)
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    for i in range(8):
        record = services.attendance_sign(
            participant=make_participant(enrolment, f"P{i}", "Nom"), slot_id=slot.pk, method="qr"
        )
        assert record.pending

    sealed = _run_together(
        [lambda wait=(i % 2 == 0): services.attendance_seal(slot_id=slot.pk, wait=wait) for i in range(6)]
    )
    assert sum(sealed) == 8  # type: ignore[arg-type]
    _assert_one_chain_in_order_of_recording(slot)
    assert services.attendance_seal(slot_id=slot.pk, wait=True) == 0


def test_sealers_racing_new_signatures_leave_one_chain(trainer_actor, slot, enrolment, monkeypatch):
    """Signatures being recorded while sealers (the worker's, a reader's) run: the sealers wait for them or leave
    them, none is lost or chained twice, and a last seal (the periodic one) leaves nothing pending."""
    monkeypatch.setattr(services, "_enqueue_seal", lambda slot_id: None)
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    people = [make_participant(enrolment, f"P{i}", "Nom") for i in range(10)]

    def signer(person):  # type: ignore[no-untyped-def]
        return lambda: services.attendance_sign(participant=person, slot_id=slot.pk, method="qr") and "ok"

    sealers = [lambda wait=(i % 2 == 0): services.attendance_seal(slot_id=slot.pk, wait=wait) for i in range(4)]
    results = _run_together([signer(p) for p in people] + sealers)
    assert results[:10] == ["ok"] * 10
    services.attendance_seal_pending()
    assert AttendanceRecord.objects.filter(slot=slot, kind="signed").count() == 10
    _assert_one_chain_in_order_of_recording(slot)
