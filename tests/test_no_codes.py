# SPDX-License-Identifier: AGPL-3.0-or-later
"""The French interface shows no internal code: the demo cooperative's pages and CSV exports, read by each role.

Each role walks its pages from its home page (following links inside the organisation, a few URLs per route) and
every text it reads must be free of what users never see: activity-log action codes (« catalogue.training.created »),
BPF keys (« F3.a.level_6_8 »), snake_case names (enum values such as « signature_request », constraint names) and
the English values of the models' choices (« quality », « draft »). CSV exports are read too, with their dates in
Paris local time. Pages that show code on purpose (the document template
editors, whose keywords are what one types, the API docs) are left out.
"""

import csv
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape

from coopforma.accounts.actor import actor_for
from coopforma.accounts.demo import ACCOUNTS, DEMO_SLUG
from coopforma.accounts.magic_links import magic_link_create
from coopforma.accounts.models import User
from coopforma.accounts.roles import Role
from coopforma.dashboard.demo import demo_load
from coopforma.documents.services import document_finalise, document_generate
from coopforma.documents.signing import signature_request
from coopforma.training_sessions.models import Enrolment
from tests.module_data import load_once

pytestmark = pytest.mark.django_db

PER_ROUTE = 2  # URLs visited per route name (two trainings, two sessions… not all of them)
MAX_PAGES = 160  # per role
# Routes whose purpose is to show code or raw data to an expert.
SKIPPED_ROUTES = re.compile(
    r"template_(edit|code|preview|history|structured)|api|logout|webhook|backup|privacy:person_archive"
)

ACTION_CODE = re.compile(
    r"\b(?:accounts|attendance|billing|catalogue|documents|evaluations|people|privacy|public|quality|reporting"
    r"|sessions|webhooks)\.[a-z_]+\.[a-z_]+\b"
)
BPF_KEY = re.compile(r"\b[A-G][0-9]*\.[a-z][a-z0-9]*(?:[._][a-z0-9]+)*\b")
SNAKE_CASE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*_[a-z0-9_]+\b")
UTC_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(\+00:00|Z)")
# Removed before the checks: e-mail addresses, URLs and the placeholders of the e-mail texts staff edit
# (« {montant_du} », listed with their meaning) are not codes.
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|/[a-z0-9/_.?=&-]+|\{[a-z_]+\}")
FRENCH_WORDS = {"active", "actives"}  # choice values that are French words too (« une inscription active »)


def english_choice_values() -> set[str]:
    """The values of the models' choices that differ from their French label and are not French words."""
    values: set[str] = set()
    french: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("coopforma."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field) or not field.choices:
                continue
            for value, label in field.flatchoices:
                french.update(re.findall(r"\w+", str(label).lower()))
                if isinstance(value, str) and re.fullmatch(r"[a-z]{4,}", value) and value != str(label).lower():
                    values.add(value)
    return values - french - FRENCH_WORDS


class _Text(HTMLParser):
    """The text a reader sees (no tags, scripts or styles) and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template", "kbd"}:  # <kbd>: a command to type, shown as typed
            self._skip += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template", "kbd"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def findings(text: str, english: set[str]) -> list[str]:
    text = NOT_TEXT.sub(" ", text)
    found = ACTION_CODE.findall(text) + BPF_KEY.findall(text) + SNAKE_CASE.findall(text) + UTC_ISO.findall(text)
    found += [word for word in re.findall(r"\b[a-z]{4,}\b", text) if word in english]
    return [f if isinstance(f, str) else "".join(f) for f in found]


def load_demo_with_a_signature_request(var_dir) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The demo, plus a convention sent for signature (the demo has none): its signers' roles and the outbox's
    purposes show. Returns the extra pages to start from: the outbox, the signatures and a client's portal."""
    result = demo_load(var_dir=var_dir, site_url="http://testserver")
    org = result.organisation
    admin = User.objects.get(email=ACCOUNTS[0].email)
    actor = actor_for(admin, org, Role.ADMIN)
    enrolment = Enrolment.objects.filter(organisation=org, client__contacts__is_signatory=True).first()
    draft = document_generate(actor=actor, kind="convention", subject=enrolment)
    convention = document_finalise(actor=actor, document_id=draft.pk)
    signatures = signature_request(actor=actor, document_id=convention.pk)
    contact = enrolment.client.contacts.filter(is_signatory=True).first()
    _link, token = magic_link_create(organisation=org, email=contact.email)
    return {
        "outbox": reverse("documents:outbox", kwargs={"org": DEMO_SLUG}),
        "signatures": reverse("documents:signatures", kwargs={"org": DEMO_SLUG, "pk": convention.pk}),
        "portal": f"/p/{token}/",
        "roles": [str(signature.get_role_display()) for signature in signatures],
    }


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    var_dir = tmp_path_factory.mktemp("var")
    with load_once(django_db_blocker, lambda: load_demo_with_a_signature_request(var_dir)) as extra:
        yield extra


def walk(client: Client, *starts: str, inside: str = f"/o/{DEMO_SLUG}/") -> dict[str, list[str]]:
    """{url: codes found} over the pages and CSV exports reachable from `starts` (links under `inside`)."""
    english = english_choice_values()
    seen_routes: Counter[str] = Counter()
    queue, seen, report = deque(starts), set(starts), {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code == 302 and response["Location"].startswith(inside) and response["Location"] not in seen:
            seen.add(response["Location"])
            queue.append(response["Location"])  # the portal's one-time link leads to the portal
        if response.status_code != 200:
            continue
        kind = response.get("Content-Type", "")
        if kind.startswith("text/csv"):
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(body), delimiter=";" if body.count(";") > body.count(",") else ","))
            report[url] = findings(" ".join(" ".join(row) for row in rows), english)
            continue
        if not kind.startswith("text/html"):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        report[url] = findings(" ".join(parser.parts), english)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith(inside):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            try:
                route = resolve(parts.path).view_name
            except Resolver404:
                continue
            if link in seen or SKIPPED_ROUTES.search(route) or seen_routes[route] >= PER_ROUTE:
                continue
            seen.add(link)
            seen_routes[route] += 1
            queue.append(link)
    return report


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.key)
def test_no_internal_code_on_the_pages_of_each_role(loaded_demo, account):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(User.objects.get(email=account.email))
    starts = [f"/o/{DEMO_SLUG}/"]
    if account.role == Role.ADMIN:
        starts += [loaded_demo["outbox"], loaded_demo["signatures"]]
    report = walk(client, *starts)
    assert len(report) > 10
    if account.role == Role.ADMIN:
        page = client.get(loaded_demo["signatures"]).content.decode()
        assert loaded_demo["roles"] and all(f"<td>{escape(role)}</td>" in page for role in loaded_demo["roles"])
        assert "Demande de signature" in client.get(loaded_demo["outbox"]).content.decode()
    leaks = {url: codes for url, codes in report.items() if codes}
    assert leaks == {}, "\n".join(f"{url}: {sorted(set(codes))}" for url, codes in leaks.items())


def test_no_internal_code_in_a_clients_portal(loaded_demo):  # type: ignore[no-untyped-def]
    report = walk(Client(), loaded_demo["portal"], inside="/p/")
    assert "/p/espace/" in {urlsplit(url).path for url in report}
    leaks = {url: codes for url, codes in report.items() if codes}
    assert leaks == {}, "\n".join(f"{url}: {sorted(set(codes))}" for url, codes in leaks.items())
