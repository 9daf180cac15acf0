# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the apps' permission matrices (coopforma/*/tests/test_permissions.py) share.

Each matrix walks its routes with every role: the users of the root conftest.py (admin, quality, member-structure
manager, trainer), two callers from another organisation, and nobody (anonymous). The rows name objects of a
`world` fixture with `{placeholders}` in their paths and data; `web_client` and `api_client` give each role its
client, so a matrix only states what each role gets.

Another organisation, twice over (`stranger` of conftest.py administers `other_org`):
- "stranger", on the web, asks for OUR slug (`/o/<org>/…`): the membership check answers 404 before any view runs.
- "foreign" is the same person in their OWN organisation: `web_client` sends each `/o/<org>/…` request to
  `/o/<other_org>/…` with the same ids and the same form. The membership check passes and the admin's flags
  too, so only the view's own scoping stands between them and our records. The rule:
  * a route that names one of our records (an id in its path) answers **404**, whatever the body: a view finds
    its record before it reads the form or checks a state (403 never: the flags of their admin role pass; 405
    only for a method the route does not have, answered before anything is looked up);
  * a route that names none of our records (a list, a creation form, a year's report) serves the foreign
    admin's own organisation, as it would serve our admin (typically 200 or 302): nothing of ours may show;
    a form or a filter naming our records (a member structure's id in a choice, in the query string) is refused
    as an invalid choice (200 with the form's error; 400 for a download).
  In the API a token names its organisation, so the API's "stranger" is already this case: `api_client` gives
  them a token of `other_org`, and the API matrices walk API_ROLES (no "foreign").

tests/test_every_route.py walks every route the same way with real records of each kind (and proves each id
names one); the matrices add what each role may do with their world's records.
"""

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

ROLES = ["admin", "quality", "manager", "trainer", "stranger", "foreign", "anonymous"]
API_ROLES = [role for role in ROLES if role != "foreign"]
USERS = {
    "admin": "admin_user",
    "quality": "quality_user",
    "manager": "manager_user",
    "trainer": "trainer_user",
    "stranger": "stranger",
    "foreign": "stranger",
}


class ForeignClient(Client):
    """A client logged in as the stranger that sends every request for `/o/<ours>/…` to `/o/<theirs>/…`: the
    same ids and data, asked in the stranger's own organisation."""

    def __init__(self, ours: str, theirs: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ours, self.theirs = f"/o/{ours}/", f"/o/{theirs}/"

    def generic(self, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        if path.startswith(self.ours):
            path = self.theirs + path[len(self.ours) :]
        return super().generic(method, path, *args, **kwargs)


def web_client(request: pytest.FixtureRequest, web: Any, role: str) -> Client:
    """A web client logged in as the user of `role` (through the `web` fixture); anonymous: not logged in;
    foreign: the stranger in their own organisation (`ForeignClient`)."""
    if role == "foreign":
        return foreign_client(request)
    return web(request.getfixturevalue(USERS[role])) if role in USERS else Client()


def foreign_client(request: pytest.FixtureRequest) -> ForeignClient:
    """The stranger, logged in, asking our URLs in their own organisation (`other_org`)."""
    org, other_org = request.getfixturevalue("org"), request.getfixturevalue("other_org")
    client = ForeignClient(org.slug, other_org.slug)
    client.force_login(request.getfixturevalue("stranger"))
    return client


def api_client(request: pytest.FixtureRequest, api: Any, role: str, org: Any, other_org: Any) -> Client:
    """An API client with a token of the user of `role` on `org`; the stranger's is on `other_org`; anonymous: none."""
    if role not in USERS:
        return Client()
    return api(request.getfixturevalue(USERS[role]), other_org if role in ("stranger", "foreign") else org)


def fill(data: dict[str, Any] | None, world: dict[str, Any]) -> dict[str, Any] | None:
    """`data` with the `{placeholders}` of its strings filled from `world` (None stays None)."""
    if data is None:
        return None
    return {k: (v.format(**world) if isinstance(v, str) else v) for k, v in data.items()}


def web_send(client: Client, method: str, url: str, data: dict[str, Any] | None, world: dict[str, Any]) -> HttpResponse:
    """`method` on `url`, with `data` (filled from `world`) as the form when there is one."""
    payload = fill(data, world)
    return getattr(client, method)(url) if payload is None else getattr(client, method)(url, payload)
