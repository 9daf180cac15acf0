# SPDX-License-Identifier: AGPL-3.0-or-later
"""Walks every URL under /o/<org>/ and every API route: nobody outside the organisation gets in.

Each app's tests/test_permissions.py checks its routes role by role with real objects; this test makes
sure no route escapes the tenancy layer (a new view that forgets OrgViewMixin fails here).
"""

import importlib
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def org_urls() -> list[str]:
    routes = [r for r in _walk(get_resolver().url_patterns) if r.startswith("o/<slug:org>/")]
    assert len(routes) >= 5
    return sorted(set(routes))


def fill(route: str, org_slug: str) -> str:
    url = route.replace("<slug:org>", org_slug)
    url = re.sub(r"<int:[a-z_]+>", "1", url)
    url = re.sub(r"<(?:slug|str|uuid|path):[a-z_]+>", "x", url)
    url = re.sub(r"<[a-z_]+>", "x", url)
    return "/" + url.lstrip("^").rstrip("$")


@pytest.mark.parametrize("route", org_urls())
def test_anonymous_is_sent_to_login(route, org):
    response = Client().get(fill(route, org.slug))
    assert response.status_code in (302, 405), route
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"], route


@pytest.mark.parametrize("route", org_urls())
def test_a_member_of_another_organisation_gets_404(route, org, stranger, web):
    client = web(stranger)
    for method in ("get", "post"):
        response = getattr(client, method)(fill(route, org.slug))
        assert response.status_code in (404, 405), f"{method.upper()} {route} -> {response.status_code}"


def api_operations() -> list[tuple[str, str]]:
    spec = Client().get("/api/v1/openapi.json").json()
    return sorted(
        (method.upper(), path) for path, ops in spec["paths"].items() for method in ops if method != "parameters"
    )


@pytest.fixture(scope="module")
def _operations(django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return api_operations()


def test_every_api_route_needs_a_token(_operations):
    assert len(_operations) >= 1
    for method, path in _operations:
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        response = Client().generic(method, url, data="{}", content_type="application/json")
        assert response.status_code == 401, f"{method} {path} -> {response.status_code}"


SHARED_ID = 424242


@pytest.fixture
def objects_of_org(org, member):  # type: ignore[no-untyped-def]
    """One record of every kind in `org`, all with the same id, so any {id} in a path names a real record."""
    from coopforma.catalogue.tests.factories import TrainingFactory
    from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory, TrainerFactory
    from coopforma.training_sessions.tests.factories import (
        EnrolmentFactory,
        FundingLineFactory,
        ParticipantFactory,
        PlaceFactory,
        SessionFactory,
        SlotFactory,
    )

    i = SHARED_ID
    trainer = TrainerFactory(pk=i, organisation=org, member_structure=member)
    client = ClientFactory(pk=i, organisation=org)
    ContactFactory(pk=i, client=client)
    training = TrainingFactory(pk=i, organisation=org, member_structure=member)
    session = SessionFactory(pk=i, training=training)
    session.trainers.add(trainer)
    SlotFactory(pk=i, session=session)
    PlaceFactory(pk=i, organisation=org)
    enrolment = EnrolmentFactory(pk=i, session=session, client=client)
    FundingLineFactory(pk=i, enrolment=enrolment)
    participant = ParticipantFactory(
        pk=i, enrolment=enrolment, trainee=TraineeFactory(pk=i, organisation=org, client=client)
    )
    member_with_id = type(member).objects.create(organisation=org, name="Structure 424242", kind="scop", pk=i)
    records = {
        "org": org,
        "member": member_with_id,
        "trainer": trainer,
        "client": client,
        "training": training,
        "session": session,
        "enrolment": enrolment,
        "participant": participant,
    }
    # Each later app creates its own records with the same id (see objects_with_id in its factories).
    for app in ("evaluations", "billing", "quality", "reporting"):
        importlib.import_module(f"coopforma.{app}.tests.factories").objects_with_id(i, **records)
    return member_with_id


def test_every_api_route_hides_other_organisations_objects(_operations, api, stranger, other_org, objects_of_org):
    """A token of another organisation, given ids of real records of `org`: 404 (422 only when the body
    is refused before the record is even looked up)."""
    client = api(stranger, other_org)
    for method, path in _operations:
        if "{" not in path:
            continue
        url = re.sub(r"\{[a-z_]+\}", str(SHARED_ID), path)
        response = client.generic(method, url, data="{}", content_type="application/json")
        allowed = (404,) if method in ("GET", "DELETE", "PATCH") else (404, 422)
        assert response.status_code in allowed, f"{method} {path} -> {response.status_code}"
