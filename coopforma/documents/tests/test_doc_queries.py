# SPDX-License-Identifier: AGPL-3.0-or-later
"""The session documents page and the bulk generation read a constant number of rows whatever the number of
trainees: the missing-data checks and the contexts share what a session's documents have in common."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopforma.documents.models import Document
from coopforma.documents.services import document_generate, documents_generate_for_session
from coopforma.documents.tests.test_generation import world  # noqa: F401
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 40  # measured: 38 with 3 trainees and with 33 (218 with 33 before the batch)


def _add_trainees(world, count, *, with_email=True):  # noqa: F811
    """`count` trainees, each sent by their own company (one enrolment each): rows of every section grow."""
    start = world.session.participants.count()
    for i in range(start, start + count):
        company = ClientFactory(organisation=world.org, name=f"Scop n° {i}", siret="73282932000074", city="Brest")
        enrolment = EnrolmentFactory(session=world.session, organisation=world.org, client=company, price_cents=1000)
        trainee = TraineeFactory(
            organisation=world.org,
            first_name="Stagiaire",
            last_name=f"N{i:03d}",
            client=company,
            email=f"n{i}@example.org" if with_email else "",
        )
        ParticipantFactory(enrolment=enrolment, trainee=trainee)


def _page(client, world):  # noqa: F811
    url = reverse("documents:session", kwargs={"org": world.org.slug, "session_id": world.session.pk})
    return client.get(url)


def test_session_page_queries_do_not_grow_with_trainees(world, web, admin_user, admin_actor):  # noqa: F811
    client = web(admin_user)
    _add_trainees(world, 1)
    # Documents on some rows (drafts, a replaced version) and a row with missing data: every branch is drawn.
    document_generate(actor=admin_actor, kind="certificate", subject=world.participant)
    documents_generate_for_session(actor=admin_actor, session=world.session, kind="convocation")
    _page(client, world)  # warm-up (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        response = _page(client, world)
    assert response.status_code == 200
    assert response.content.decode().count("Stagiaire N002") >= 3  # convocation, certificate, attestation rows

    _add_trainees(world, 30, with_email=False)  # their convocations lack the e-mail: 30 « données manquantes »
    documents_generate_for_session(actor=admin_actor, session=world.session, kind="certificate")
    with CaptureQueriesContext(connection) as large:
        response = _page(client, world)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Stagiaire N032" in page and page.count("Données manquantes") >= 30
    assert Document.objects.filter(kind="certificate").count() == 33
    assert len(large) == len(small) <= PAGE_QUERIES, [q["sql"][:120] for q in large.captured_queries]


def test_session_page_query_bound(world, web, admin_user, django_assert_max_num_queries):  # noqa: F811
    client = web(admin_user)
    _add_trainees(world, 3)
    _page(client, world)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert _page(client, world).status_code == 200
    _add_trainees(world, 30)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert "Stagiaire N034" in _page(client, world).content.decode()


def test_bulk_generation_queries_per_document_are_constant(world, admin_actor):  # noqa: F811
    """A bulk run reads the session once: what grows with the trainees is only each document's own writes."""
    _add_trainees(world, 3)
    with CaptureQueriesContext(connection) as small:
        five = documents_generate_for_session(actor=admin_actor, session=world.session, kind="certificate")
    _add_trainees(world, 20)
    with CaptureQueriesContext(connection) as large:
        more = documents_generate_for_session(actor=admin_actor, session=world.session, kind="certificate")
    assert len(five.documents) == 5 and len(more.documents) == 25
    per_document = (len(large) - len(small)) / (len(more.documents) - len(five.documents))
    assert per_document <= 6, [q["sql"][:120] for q in large.captured_queries]
