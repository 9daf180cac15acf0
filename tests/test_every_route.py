# SPDX-License-Identifier: AGPL-3.0-or-later
"""Walks every URL under /o/<org>/ and every API route: nobody outside the organisation gets in.

Each app's tests/test_permissions.py checks its routes role by role; this test makes sure no route escapes the
tenancy layer, with three callers:

- nobody: sent to the login page (web) or 401 (API);
- the stranger (the administrator of `other_org`) with `org`'s slug: 404 from the membership check (a new view
  that forgets OrgViewMixin fails here);
- the same person as the *foreign* admin, in their OWN organisation (their slug, their token) and with the ids
  of real records of `org` (`records_with_id`: one record of each kind, all with id SHARED_ID). Here the
  membership check passes, so only the view's own scoping answers: every route that names one of our records
  answers 404 (GET and POST, web and API, with bodies the API's schema accepts), also when the route's other ids
  are the foreign admin's own records; a route that names none of ours serves their organisation and shows
  nothing of ours (no SHARED_ID in a link, no MARK in a text), even asked with our ids in its query string.
  Nothing of `org` changes (`state_of`).

So that a 404 proves something, `org`'s own administrator walks the same URLs first and finds every record
(`test_the_shared_ids_name_real_records`). A selector that forgets its organisation (say
billing.selectors.invoice_line_get) fails `test_the_foreign_admin_gets_404_on_every_record_of_ours`.
"""

import functools
import hashlib
import importlib
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from coopforma.accounts.models import Organisation

pytestmark = pytest.mark.django_db

SHARED_ID = 424242  # every record of `org` the walk names
FOREIGN_ID = 515151  # every record of `other_org` (the foreign admin's own)
MARK = "Zorglub"  # in the texts of `org`'s records: a page of another organisation never shows it
FOREIGN_MARK = "Bidule"
YEAR = 2026  # the records' year (slots of March 2026, invoices, BPF)
INDICATOR = 31  # a Qualiopi indicator with evidence of `org`
# Path parameters that name no record: each gets real values of its own.
NOT_RECORDS = {"org", "year", "number", "fmt", "code", "kind", "index", "message_id", "notice_id"}
VALUES = {"year": [str(YEAR)], "number": [str(INDICATOR)], "fmt": ["json", "csv"], "code": ["F1.total"], "index": ["0"]}
# "index": an attachment's rank in its message; "message_id": a message of the test mailbox (a file, closed here).
VALUES["message_id"] = ["20261203T101010000000-0123456789ab"]
# "notice_id": a BOAMP notice (public data, no organisation's record: tenders.tests.factories.objects_with_id).
VALUES["notice_id"] = ["00-90001"]
# Query parameters through which pages take a record's id (filters, pre-filled forms, a template's version).
QUERY_IDS = ("training", "client", "enrolment", "session", "trainer", "member", "member_structure", "complaint",
             "participant", "from")  # fmt: skip


# --- the records ----------------------------------------------------------------------------------------------


def records_with_id(org: Organisation, i: int, mark: str, admin: Any) -> dict[str, Any]:
    """One record of every kind in `org`, all with id `i` and `mark` in their texts; `admin` administers `org`."""
    from coopforma.accounts.models import ApiToken, Membership
    from coopforma.accounts.tests.factories import UserFactory
    from coopforma.catalogue.tests.factories import TrainingFactory
    from coopforma.people.models import MemberStructure
    from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory, TrainerFactory
    from coopforma.training_sessions.tests.factories import (
        EnrolmentFactory,
        FundingLineFactory,
        ParticipantFactory,
        PlaceFactory,
        SessionFactory,
        SlotFactory,
    )

    member = MemberStructure.objects.create(pk=i, organisation=org, name=f"Structure {mark}", kind="scop")
    manager = UserFactory(pk=i, first_name=mark, last_name="Gérant")
    Membership.objects.create(pk=i, user=manager, organisation=org, role="member_manager")
    member.managers.add(manager)
    ApiToken.objects.create(pk=i, user=admin, organisation=org, name=mark, prefix="cf_x", key_hash=f"{i:064}")
    trainer = TrainerFactory(pk=i, organisation=org, member_structure=member, last_name=f"Formateur {mark}")
    trainer.cv.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    client = ClientFactory(pk=i, organisation=org, name=f"Client {mark}")
    ContactFactory(pk=i, client=client, last_name=f"Contact {mark}")
    training = TrainingFactory(pk=i, organisation=org, member_structure=member, title=f"Formation {mark}")
    session = SessionFactory(pk=i, training=training)
    session.trainers.add(trainer)
    slot = SlotFactory(pk=i, session=session)
    slot.trainers.add(trainer)
    PlaceFactory(pk=i, organisation=org, name=f"Salle {mark}")
    enrolment = EnrolmentFactory(pk=i, session=session, client=client)
    FundingLineFactory(pk=i, enrolment=enrolment, payer_name=f"Financeur {mark}")
    trainee = TraineeFactory(pk=i, organisation=org, client=client, last_name=f"Stagiaire {mark}")
    participant = ParticipantFactory(pk=i, enrolment=enrolment, trainee=trainee)
    records = {
        "org": org,
        "admin": admin,
        "mark": mark,
        "member": member,
        "trainer": trainer,
        "client": client,
        "training": training,
        "session": session,
        "slot": slot,
        "enrolment": enrolment,
        "participant": participant,
    }
    # Each later app creates its own records with the same id (see objects_with_id in its factories).
    apps_with_records = (
        "documents",
        "attendance",
        "evaluations",
        "billing",
        "quality",
        "reporting",
        "webhooks",
        "enquiries",
        "referentiel",
        "registry",
        "tenders",
        "exchanges",
    )
    for app in apps_with_records:
        importlib.import_module(f"coopforma.{app}.tests.factories").objects_with_id(i, **records)
    # A network (slug `str(i)`) where `admin` sits on the committee, its référentiel and certification projects.
    importlib.import_module("coopforma.recognition.tests.factories").objects_with_id(i, **records)
    return records


@pytest.fixture
def objects_of_org(org, admin_user, settings, tmp_path):  # type: ignore[no-untyped-def]
    """`org`'s records with SHARED_ID (returns the member structure with that id)."""
    settings.MEDIA_ROOT = tmp_path
    return records_with_id(org, SHARED_ID, MARK, admin_user)["member"]


@pytest.fixture
def objects_of_other_org(other_org, stranger, objects_of_org):  # type: ignore[no-untyped-def]
    """The foreign admin's own records, with FOREIGN_ID: the ids their bodies and mixed URLs use."""
    return records_with_id(other_org, FOREIGN_ID, FOREIGN_MARK, stranger)["member"]


def tenant_models() -> list[type[models.Model]]:
    """Every model whose rows belong to one organisation (a foreign key named `organisation`)."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
        if field is not None and field.related_model is Organisation:
            found.append(model)
    return found


def state_of(org: Organisation) -> dict[str, str]:
    """A digest of every row of `org`, per model (with many-to-many links): equal digests, nothing changed."""
    digests = {}
    for model in tenant_models():
        rows = model._default_manager.filter(organisation=org).order_by("pk")
        data = [repr(row) for row in rows.values_list()]
        for m2m in model._meta.many_to_many:
            through = getattr(model, m2m.name).through
            source = m2m.m2m_field_name()
            data += [repr(r) for r in through.objects.filter(**{f"{source}__organisation": org}).values_list()]
        digests[model._meta.label] = hashlib.sha256("\n".join(data).encode()).hexdigest()
    return digests


# --- the web --------------------------------------------------------------------------------------------------


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


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def names_records(route: str) -> bool:
    return any(name not in NOT_RECORDS for _kind, name in PARAM.findall(route))


def _kinds(route: str) -> list[str]:
    """A document kind: every kind that generates from a subject (each has its own scoped resolver); the
    template editor: the convention (`org` has an older version of its own)."""
    from coopforma.documents.registry import all_kinds

    if "templates/" in route:
        return ["convention"]
    return [k.code for k in all_kinds() if k.hooks.resolve is not None and k.hooks.session_id is not None]


def concrete(route: str, slug: str, ids: dict[str, int] | int) -> list[str]:
    """`route` in organisation `slug`: each record id from `ids` (one id for all, or per parameter name), each
    other parameter with every value of VALUES (a document kind: `_kinds`)."""
    params = [name for _kind, name in PARAM.findall(route) if name != "org"]
    choices = []
    for name in params:
        if name == "kind":
            choices.append(_kinds(route))
        elif name in VALUES:
            choices.append(VALUES[name])
        else:
            choices.append([str(ids if isinstance(ids, int) else ids[name])])
    urls = []
    for values in itertools.product(*choices):
        url = route.replace("<slug:org>", slug)
        for name, value in zip(params, values, strict=True):
            url = PARAM.sub(lambda m, n=name, v=value: v if m.group(2) == n else m.group(0), url)
        urls.append("/" + url)
    return urls


def mixed(route: str, slug: str) -> Iterator[str]:
    """`route` with every mix of our ids and the foreign admin's own (at least one of ours): e.g. their invoice
    with our line. Routes with one id have no mix beyond SHARED_ID alone."""
    names = [name for _kind, name in PARAM.findall(route) if name not in NOT_RECORDS]
    for owners in itertools.product((SHARED_ID, FOREIGN_ID), repeat=len(names)):
        if SHARED_ID in owners:
            yield from concrete(route, slug, dict(zip(names, owners, strict=True)))


def apps_of_routes() -> list[str]:
    """The first segment after /o/<org>/, to walk app by app."""
    return sorted({_app(r) for r in org_urls()})


def _app(route: str) -> str:
    return route.split("/")[2] or "home"


def routes_of(app: str) -> list[str]:
    return [r for r in org_urls() if _app(r) == app]


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


def _rolled_back(client: Client, method: str, url: str) -> Any:
    """The response to `method` on `url`, its writes undone."""
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("app", apps_of_routes())
def test_the_shared_ids_name_real_records(app, org, admin_user, web, objects_of_org):
    """`org`'s administrator finds a record behind every id of every route (its POST-only routes: posted, then
    undone): else the foreign admin's 404 would prove nothing."""
    client = web(admin_user)
    missing = []
    for route in filter(names_records, routes_of(app)):
        for url in concrete(route, org.slug, SHARED_ID):
            response = _rolled_back(client, "get", url)
            if response.status_code == 405:
                response = _rolled_back(client, "post", url)
            if response.status_code == 404 or response.status_code >= 500:
                missing.append(f"{url} -> {response.status_code}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("app", apps_of_routes())
def test_the_foreign_admin_gets_404_on_every_record_of_ours(
    app, org, other_org, stranger, web, objects_of_org, objects_of_other_org
):  # type: ignore[no-untyped-def]
    """GET and POST (an empty form: each view finds its record before it reads the form, so 404 is the only
    answer), with our ids alone and mixed with the foreign admin's own ids."""
    client = web(stranger)
    before = state_of(org)
    wrong = []
    for route in filter(names_records, routes_of(app)):
        for url in mixed(route, other_org.slug):
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in (404, 405):
                    wrong.append(f"{method.upper()} {url} -> {status}")
    assert not wrong, "\n".join(wrong)
    assert state_of(org) == before


@pytest.mark.parametrize("app", apps_of_routes())
def test_the_foreign_admins_own_pages_show_nothing_of_ours(
    app, org, other_org, stranger, web, objects_of_org, objects_of_other_org
):  # type: ignore[no-untyped-def]
    """The routes that name none of our records, in the foreign admin's organisation: GET (also with our ids in
    the query string) and an empty POST never fail, never show our records, never change them."""
    client = web(stranger)
    query = "?" + "&".join(f"{name}={SHARED_ID}" for name in QUERY_IDS)
    before = state_of(org)
    wrong = []
    for route in itertools.filterfalse(names_records, routes_of(app)):
        for url in concrete(route, other_org.slug, FOREIGN_ID):
            for method, target in (("get", url), ("get", url + query), ("post", url)):
                response = getattr(client, method)(target)
                body = b"" if getattr(response, "streaming", False) else response.content
                if response.status_code >= 500 or MARK.encode() in body:
                    wrong.append(f"{method.upper()} {target} -> {response.status_code}")
                elif target == url and f"/{SHARED_ID}".encode() in body:
                    wrong.append(f"{method.upper()} {target} links to our record")
    assert not wrong, "\n".join(wrong)
    assert state_of(org) == before


# --- the API --------------------------------------------------------------------------------------------------


@functools.cache
def _spec() -> dict[str, Any]:
    from coopforma.api.api import api

    return api.get_openapi_schema()


def api_operations() -> list[tuple[str, str]]:
    """Every operation that needs a token: the public ones (`x-permission: public`, no tenant behind them, e.g.
    the published référentiel) are tested by their app."""
    return sorted(
        (method.upper(), path)
        for path, ops in _spec()["paths"].items()
        for method, op in ops.items()
        if method != "parameters" and op.get("x-permission") != "public"
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


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def names_a_record(name: str) -> bool:
    """A body property or a query parameter that takes a record's id."""
    return name == "id" or name.endswith(("_id", "_ids")) or name in QUERY_IDS


def example(schema: dict[str, Any], spec: dict[str, Any], *, name: str = "", ids: int) -> Any:
    """The smallest value `schema` accepts; what names a record (`names_a_record`) gets `ids`."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        return example(options[0], spec, name=name, ids=ids)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("examples"):  # a number with a check key (the register's SIRET, SIREN, NDA lookups)
        return schema["examples"][0]
    kind = schema.get("type")
    if kind == "object":
        return {p: example(schema["properties"][p], spec, name=p, ids=ids) for p in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"], spec, name=name, ids=ids)] if name.endswith("_ids") else []
    if kind == "integer":
        return ids if names_a_record(name) else max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return f"{YEAR}-03-02"
    if schema.get("format") == "date-time":
        return f"{YEAR}-03-02T09:00:00+01:00"
    return "x"


def id_properties(schema: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The properties of a body schema that name records."""
    return [p for p in _resolve(schema, spec).get("properties", {}) if names_a_record(p)]


def api_request(
    method: str, path: str, *, ids: dict[str, int] | int, body_ids: int, query_ids: int | None = None
) -> tuple[str, Any]:
    """The URL and the body (None without one) of an operation: path ids from `ids` (a year and an indicator
    number real), the body's record ids `body_ids`, the required query parameters filled (those naming records
    with `body_ids`); `query_ids`: also every optional query parameter naming records, with that id."""
    spec = _spec()
    op = spec["paths"][path][method.lower()]

    def path_value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "year":
            return str(YEAR)
        if name == "number":
            return str(INDICATOR)
        if name in NOT_RECORDS and name in VALUES:
            return VALUES[name][0]
        return str(ids if isinstance(ids, int) else ids[name])

    url = re.sub(r"\{([a-z_]+)\}", path_value, path)
    query = []
    for p in op.get("parameters", []):
        if p["in"] != "query":
            continue
        if query_ids is not None and names_a_record(p["name"]):
            query.append(f"{p['name']}={query_ids}")
        elif p.get("required"):
            query.append(f"{p['name']}={example(p['schema'], spec, name=p['name'], ids=body_ids)}")
    if query:
        url += "?" + "&".join(query)
    body = op.get("requestBody")
    if body is None:
        return url, None
    if "application/json" not in body["content"]:  # a file upload (multipart): sent without the file, the route
        return url, None  # still finds what it names first (404), then refuses the missing file (422)
    return url, example(body["content"]["application/json"]["schema"], spec, ids=body_ids)


def api_names_records(path: str) -> bool:
    return any(name not in NOT_RECORDS for name in re.findall(r"\{([a-z_]+)\}", path))


def _send(client: Client, method: str, url: str, body: Any) -> Any:
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_every_api_route_hides_other_organisations_objects(
    _operations, api, org, stranger, other_org, objects_of_org, objects_of_other_org
):  # type: ignore[no-untyped-def]
    """A token of another organisation, our ids in the path (alone, or mixed with their own), a body the schema
    accepts whose ids are their own records: 404, the route never reaching anything of ours. A body the schema
    refuses would answer 422 before any lookup, so a 404 here is the route's own scoping."""
    client = api(stranger, other_org)
    before = state_of(org)
    wrong = []
    for method, path in _operations:
        names = re.findall(r"\{([a-z_]+)\}", path)
        records = [n for n in names if n not in NOT_RECORDS]
        if not records:
            continue
        for owners in itertools.product((SHARED_ID, FOREIGN_ID), repeat=len(records)):
            if SHARED_ID not in owners:
                continue
            url, body = api_request(method, path, ids=dict(zip(records, owners, strict=True)), body_ids=FOREIGN_ID)
            response = _send(client, method, url, body)
            if response.status_code != 404:
                wrong.append(f"{method} {url} {body} -> {response.status_code} {response.content[:200]!r}")
    assert not wrong, "\n".join(wrong)
    assert state_of(org) == before


def test_the_foreign_tokens_own_routes_show_nothing_of_ours(
    _operations, api, org, stranger, other_org, objects_of_org, objects_of_other_org
):  # type: ignore[no-untyped-def]
    """The routes that name none of our records (lists, creations, the BPF of a year, an indicator), with a
    token of another organisation: its own data, never ours, nothing of ours changed. Lists are also asked with
    our ids in their filters."""
    client = api(stranger, other_org)
    before = state_of(org)
    wrong = []
    for method, path in _operations:
        if api_names_records(path):
            continue
        for query_ids in (None, SHARED_ID):
            url, body = api_request(method, path, ids=FOREIGN_ID, body_ids=FOREIGN_ID, query_ids=query_ids)
            response = _send(client, method, url, body)
            if response.status_code >= 500 or MARK.encode() in response.content:
                wrong.append(f"{method} {url} -> {response.status_code}")
            elif str(SHARED_ID).encode() in response.content:
                wrong.append(f"{method} {url} shows one of our ids")
    assert not wrong, "\n".join(wrong)
    assert state_of(org) == before


def test_a_body_naming_our_records_is_refused(
    _operations, api, org, stranger, other_org, objects_of_org, objects_of_other_org
):  # type: ignore[no-untyped-def]
    """Every write, on the foreign admin's own records, with one id of its body (each in turn) naming one of
    ours: refused (404 or 422), nothing of ours named in the answer, nothing of ours changed."""
    client = api(stranger, other_org)
    spec = _spec()
    before = state_of(org)
    wrong = []
    for method, path in _operations:
        op = spec["paths"][path][method.lower()]
        if "application/json" not in op.get("requestBody", {}).get("content", {}):
            continue  # no body, or a file upload (no record ids in it)
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        url, body = api_request(method, path, ids=FOREIGN_ID, body_ids=FOREIGN_ID)
        for name in id_properties(schema, spec):
            ours = {**body, name: [SHARED_ID] if name.endswith("_ids") else SHARED_ID}
            response = _send(client, method, url, ours)
            if response.status_code not in (404, 422) or MARK.encode() in response.content:
                wrong.append(f"{method} {url} {ours} -> {response.status_code} {response.content[:200]!r}")
    assert not wrong, "\n".join(wrong)
    assert state_of(org) == before


def test_the_bodies_are_valid(_operations, api, org, admin_user, objects_of_org):  # type: ignore[no-untyped-def]
    """The generated bodies pass the schema: `org`'s admin, on our records, never gets the schema's 422 (a
    service may still refuse a state, e.g. issuing an issued invoice) nor a 404 (every id is a real record).
    Other answers are not this test's concern (the API's own tests and the fuzzing check them)."""
    client = api(admin_user, org)
    client.raise_request_exception = False  # a 500 is not this test's concern
    wrong = []
    for method, path in _operations:
        url, body = api_request(method, path, ids=SHARED_ID, body_ids=SHARED_ID)
        with transaction.atomic():
            response = _send(client, method, url, body)
            transaction.set_rollback(True)
        schema_error = response.status_code == 422 and any(
            item["loc"][0] in ("query", "path") or len(item["loc"]) > 2 for item in response.json()["errors"]
        )
        if response.status_code == 404 or schema_error:
            wrong.append(f"{method} {url} {body} -> {response.status_code} {response.content[:300]!r}")
    assert not wrong, "\n".join(wrong)


def test_state_of_sees_a_change(org, objects_of_org):  # type: ignore[no-untyped-def]
    """The digest the walks compare changes with a field, a row or a many-to-many link of `org`."""
    from coopforma.people.models import Trainer
    from coopforma.training_sessions.models import Session

    before = state_of(org)
    Trainer.objects.filter(pk=SHARED_ID).update(phone="0600000000")
    assert state_of(org) != before
    before = state_of(org)
    Session.objects.get(pk=SHARED_ID).trainers.clear()
    assert state_of(org) != before
