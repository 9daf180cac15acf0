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
