# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every page and API route of sessions, walked with every role (and another organisation, and nobody).

The session belongs to `member` and is taught by `trainer`: admin and quality see everything, the manager of
`member` and the trainer see it (and may edit it), the administrator of another organisation gets 404, with our
slug (stranger) or their own (foreign: tests/permissions.py; their own lists and forms on the pages that name no
record of ours).
Places are shared: anyone may add one, only admin, quality and managers edit them (trainer: 403).
"""

import pytest

from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.conftest import paris
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    SlotFactory,
)
from tests.permissions import API_ROLES, ROLES, api_client, web_client

pytestmark = pytest.mark.django_db


def expect(
    member: int, *, trainer: int | None = None, stranger: int = 404, foreign: int = 404, anonymous: int = 302
) -> dict[str, int]:
    return {
        "admin": member,
        "quality": member,
        "manager": member,
        "trainer": member if trainer is None else trainer,
        "stranger": stranger,
        "foreign": foreign,
        "anonymous": anonymous,
    }


@pytest.fixture
def world(org, session, other_session, trainer, company, place):  # type: ignore[no-untyped-def]
    slot = SlotFactory(session=session, starts_at=paris(2026, 3, 2, 9), ends_at=paris(2026, 3, 2, 12, 30))
    slot.trainers.add(trainer)
    enrolment = EnrolmentFactory(session=session, client=company, price_cents=200000)
    line = FundingLineFactory(enrolment=enrolment, amount_cents=50000)
    participant = ParticipantFactory(enrolment=enrolment)
    # On the other structure's session: hidden from `manager` and `trainer` (the lesser roles get 404).
    hidden = EnrolmentFactory(session=other_session, client=ClientFactory(organisation=org, name="Autre client"))
    hidden_participant = ParticipantFactory(enrolment=hidden)
    return {
        "hidden": hidden.pk,
        "hidden_participant": hidden_participant.pk,
        "org": org.slug,
        "s": session.pk,
        "other": other_session.pk,
        "training": session.training_id,
        "slot": slot.pk,
        "enrolment": enrolment.pk,
        "line": line.pk,
        "participant": participant.pk,
        "place": place.pk,
        "company": company.pk,
    }


# (name, method, path, data, expected status per role)
WEB = [
    ("list", "get", "", None, expect(200, foreign=200)),
    ("create", "get", "new/", None, expect(200, foreign=200)),
    ("calendar", "get", "calendar/", None, expect(200, foreign=200)),
    ("place_list", "get", "places/", None, expect(200, foreign=200)),
    ("place_create", "get", "places/new/", None, expect(200, foreign=200)),
    ("place_edit", "get", "places/{place}/edit/", None, expect(200, trainer=403)),
    ("place_edit_post", "post", "places/{place}/edit/", {"name": "Salle"}, expect(302, trainer=403)),
    ("detail", "get", "{s}/", None, expect(200)),
    (
        "detail_other_structure",
        "get",
        "{other}/",
        None,
        {**expect(200), "manager": 404, "trainer": 404},
    ),
    ("edit", "get", "{s}/edit/", None, expect(200)),
    ("edit_other_structure", "post", "{other}/edit/", {}, {**expect(200), "manager": 404, "trainer": 404}),
    ("programme", "get", "{s}/programme/", None, expect(200)),
    ("status", "get", "{s}/status/", None, expect(200)),
    ("status_post", "post", "{s}/status/", {"status": "running"}, expect(302)),
    ("slot_create", "get", "{s}/slots/new/", None, expect(200)),
    ("slot_add_day", "get", "{s}/slots/add-day/", None, expect(200)),
    ("slot_edit", "get", "{s}/slots/{slot}/edit/", None, expect(200)),
    ("slot_delete", "get", "{s}/slots/{slot}/delete/", None, expect(200)),
    ("slot_delete_post", "post", "{s}/slots/{slot}/delete/", {}, expect(302)),
    ("enrolment_create", "get", "{s}/enrolments/new/", None, expect(200)),
    ("enrolment_edit", "get", "{s}/enrolments/{enrolment}/", None, expect(200)),
    ("funding_line_create", "get", "{s}/enrolments/{enrolment}/funding/new/", None, expect(200)),
    ("funding_line_edit", "get", "{s}/funding/{line}/edit/", None, expect(200)),
    ("funding_line_delete", "get", "{s}/funding/{line}/delete/", None, expect(200)),
    ("funding_line_delete_post", "post", "{s}/funding/{line}/delete/", {}, expect(302)),
    ("participant_create", "get", "{s}/participants/new/", None, expect(200)),
    ("participant_edit", "get", "{s}/participants/{participant}/", None, expect(200)),
    ("email", "get", "{s}/email/", None, expect(200)),
    (
        "email_post",
        "post",
        "{s}/email/",
        {"groups": ["trainees"], "subject": "Info", "body": "Bonjour"},
        expect(302),
    ),
    (
        "email_other_structure",
        "post",
        "{other}/email/",
        {"groups": ["trainees"], "subject": "Info", "body": "Bonjour"},
        {**expect(302), "manager": 404, "trainer": 404},
    ),
]

API = [
    ("sessions_list", "get", "/sessions", None, expect(200, stranger=200, anonymous=401)),
    ("sessions_create", "post", "/sessions", {"training_id": "{training}"}, expect(201, stranger=422, anonymous=401)),
    ("session_get", "get", "/sessions/{s}", None, expect(200, anonymous=401)),
    (
        "session_get_other_structure",
        "get",
        "/sessions/{other}",
        None,
        {**expect(200, anonymous=401), "manager": 404, "trainer": 404},
    ),
    ("session_patch", "patch", "/sessions/{s}", {"notes": "ok"}, expect(200, anonymous=401)),
    (
        "slot_create",
        "post",
        "/sessions/{s}/slots",
        {"starts_at": "2026-03-05T09:00:00+01:00", "ends_at": "2026-03-05T12:00:00+01:00"},
        expect(201, anonymous=401),
    ),
    (
        "slot_patch",
        "patch",
        "/sessions/{s}/slots/{slot}",
        {"remote_url": "https://visio.example.org/x"},
        expect(200, anonymous=401),
    ),
    ("slot_delete", "delete", "/sessions/{s}/slots/{slot}", None, expect(204, anonymous=401)),
    ("enrolments_list", "get", "/sessions/{s}/enrolments", None, expect(200, anonymous=401)),
    (
        "enrolments_create",
        "post",
        "/sessions/{other}/enrolments",
        {"client_id": "{company}"},
        {**expect(201, anonymous=401), "manager": 404, "trainer": 404},
    ),
    ("enrolment_patch", "patch", "/enrolments/{enrolment}", {"notes": "ok"}, expect(200, anonymous=401)),
    ("enrolment_get", "get", "/enrolments/{enrolment}", None, expect(200, anonymous=401)),
    ("enrolment_delete", "delete", "/enrolments/{enrolment}", None, expect(204, anonymous=401)),
    (
        "enrolment_delete_hidden",
        "delete",
        "/enrolments/{hidden}",
        None,
        {**expect(204, anonymous=401), "manager": 404, "trainer": 404},
    ),
    ("participant_get", "get", "/participants/{participant}", None, expect(200, anonymous=401)),
    ("participant_delete", "delete", "/participants/{participant}", None, expect(204, anonymous=401)),
    (
        "participant_delete_hidden",
        "delete",
        "/participants/{hidden_participant}",
        None,
        {**expect(204, anonymous=401), "manager": 404, "trainer": 404},
    ),
    ("trainees_list", "get", "/sessions/{s}/trainees", None, expect(200, anonymous=401)),
    (
        "trainees_create",
        "post",
        "/sessions/{s}/trainees",
        {"enrolment_id": "{enrolment}", "first_name": "Lou", "last_name": "Nouvelle"},
        expect(201, anonymous=401),
    ),
    ("participant_patch", "patch", "/participants/{participant}", {"status": "attending"}, expect(200, anonymous=401)),
    ("places_list", "get", "/places", None, expect(200, stranger=200, anonymous=401)),
    ("places_create", "post", "/places", {"name": "Tiers-lieu"}, expect(201, stranger=201, anonymous=401)),
    ("place_patch", "patch", "/places/{place}", {"city": "Brest"}, expect(200, trainer=403, anonymous=401)),
]


def _fill(value, ids):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), WEB, ids=[row[0] for row in WEB])
def test_web_matrix(request, web, world, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    client = web_client(request, web, role)
    if role == "trainer":
        request.getfixturevalue("trainer")
    url = f"/o/{world['org']}/sessions/" + path.format(**world)
    response = client.get(url) if method == "get" else client.post(url, _fill(data, world))
    assert response.status_code == expected[role], (name, role, response.status_code)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), API, ids=[row[0] for row in API])
def test_api_matrix(request, api, world, org, other_org, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    client = api_client(request, api, role, org, other_org)
    url = "/api/v1" + path.format(**world)
    kwargs = {"data": _fill(data, world), "content_type": "application/json"} if data is not None else {}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == expected[role], (name, role, response.status_code, response.content[:300])
