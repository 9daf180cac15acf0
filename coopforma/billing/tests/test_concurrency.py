# SPDX-License-Identifier: AGPL-3.0-or-later
"""Concurrent issues (threads, separate connections) get consecutive numbers: PostgreSQL only (row locks)."""

import threading

import pytest
from django.db import connection

from coopforma.billing import services
from coopforma.billing.models import Invoice
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs several connections"),
]


def test_concurrent_issues_get_consecutive_numbers(admin_actor, org, session):
    drafts = []
    for i in range(6):
        enrolment = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, name=f"Client {i}"))
        drafts.extend(services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk))
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def issue(draft):  # type: ignore[no-untyped-def]
        from django.db import connections

        try:
            barrier.wait()
            services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 7))
