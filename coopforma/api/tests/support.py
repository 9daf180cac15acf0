# SPDX-License-Identifier: AGPL-3.0-or-later
"""Shared by the API's tests and the pages' hostile-input test: an organisation with one record of every kind
the API addresses, all with the same id (RECORD_ID), so that any `{…_id}` of any path names a real record; a
way to see whether a request changed the database; the API's OpenAPI document loaded by Schemathesis from the
WSGI application, with the checks its answers must pass."""

import datetime as dt
import hashlib
import importlib
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coopforma.accounts.models import ApiToken
from coopforma.attendance import services as attendance
from coopforma.billing.models import Invoice, InvoiceLine
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.models import MemberStructure
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory, TrainerFactory
from coopforma.training_sessions.tests.factories import (
    PARIS,
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    PlaceFactory,
    SessionFactory,
    SlotFactory,
)

RECORD_ID = 424242

# The coverage phase (the boundary values of every parameter, deterministic) with valid values only: its
# invalid ones (every wrong type of every field) are many and only test ninja's validation; the random phase
# still sends invalid requests.
SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    WSGIHandler(),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"generation": {"mode": "positive"}}}}),
)
# No 5xx; a documented status code, with its content type and a body that matches its schema.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def records(org, member, admin_actor) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One record of each kind in `org` with primary key RECORD_ID, in the states that let most writes happen:
    an active trainer (who may teach, and be suspended), a draft training, a session with a slot whose émargement
    is open (it has attendance records), an enrolment whose funding line is on a draft invoice."""
    i = RECORD_ID
    trainer = TrainerFactory(pk=i, organisation=org, member_structure=member, onboarding_state="active")
    client = ClientFactory(pk=i, organisation=org, member_structure=member)
    ContactFactory(pk=i, client=client)
    training = TrainingFactory(pk=i, organisation=org, member_structure=member, status="draft")
    training.trainers.add(trainer)
    session = SessionFactory(pk=i, training=training)
    session.trainers.add(trainer)
    place = PlaceFactory(pk=i, organisation=org)
    slot = SlotFactory(
        pk=i,
        session=session,
        place=place,
        starts_at=dt.datetime(2026, 3, 10, 9, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 10, 12, tzinfo=PARIS),
    )
    slot.trainers.add(trainer)
    enrolment = EnrolmentFactory(pk=i, session=session, client=client)
    line = FundingLineFactory(pk=i, enrolment=enrolment, amount_cents=100000)
    participant = ParticipantFactory(
        pk=i, enrolment=enrolment, trainee=TraineeFactory(pk=i, organisation=org, client=client)
    )
    member_with_id = MemberStructure.objects.create(organisation=org, name="Structure 424242", kind="scop", pk=i)
    attendance.slot_open(actor=admin_actor, slot_id=slot.pk, now=slot.starts_at)
    invoice = Invoice.objects.create(
        pk=i,
        organisation=org,
        kind="invoice",
        client=client,
        session=session,
        enrolment=enrolment,
        payer_kind="company",
        recipient_name=client.name,
    )
    InvoiceLine.objects.create(
        organisation=org,
        invoice=invoice,
        enrolment=enrolment,
        funding_line=line,
        label="Formation",
        quantity=1,
        unit_price_cents=100000,
        amount_cents=100000,
    )
    found = {
        "org": org,
        "admin": admin_actor.user,
        "mark": str(RECORD_ID),
        "member": member_with_id,
        "trainer": trainer,
        "client": client,
        "training": training,
        "session": session,
        "slot": slot,
        "enrolment": enrolment,
        "participant": participant,
    }
    for app in ("evaluations", "reporting"):
        importlib.import_module(f"coopforma.{app}.tests.factories").objects_with_id(i, **found)
    return found


def database_digest() -> str:
    """A digest of every row of every table (but the tokens' last use, which any authenticated call may set)."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True) if not model._meta.proxy}
        - {ApiToken._meta.db_table}
    )
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (model tables)
            digest.update(f"{table}:{sorted(map(repr, cursor.fetchall()))!r}".encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


@pytest.fixture
def through_wsgi():  # type: ignore[no-untyped-def]
    """Schemathesis sends its requests through the WSGI handler, which closes the database connection around
    each request (as a server must); the test's transaction lives on that connection: keep it, as Django's
    test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
