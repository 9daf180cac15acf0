# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the apps' permission matrices (coopforma/*/tests/test_permissions.py) share.

Each matrix walks its routes with every role: the users of the root conftest.py (admin, quality, member-structure
manager, trainer; `stranger` administers another organisation) and nobody (anonymous). The rows name objects of a
`world` fixture with `{placeholders}` in their paths and data.
"""

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

ROLES = ["admin", "quality", "manager", "trainer", "stranger", "anonymous"]
USERS = {
    "admin": "admin_user",
    "quality": "quality_user",
    "manager": "manager_user",
    "trainer": "trainer_user",
    "stranger": "stranger",
}


def web_client(request: pytest.FixtureRequest, web: Any, role: str) -> Client:
    """A web client logged in as the user of `role` (through the `web` fixture); anonymous: not logged in."""
    return web(request.getfixturevalue(USERS[role])) if role in USERS else Client()


def api_client(request: pytest.FixtureRequest, api: Any, role: str, org: Any, other_org: Any) -> Client:
    """An API client with a token of the user of `role` on `org`; the stranger's is on `other_org`; anonymous: none."""
    if role not in USERS:
        return Client()
    return api(request.getfixturevalue(USERS[role]), other_org if role == "stranger" else org)


def fill(data: dict[str, Any] | None, world: dict[str, Any]) -> dict[str, Any] | None:
    """`data` with the `{placeholders}` of its strings filled from `world` (None stays None)."""
    if data is None:
        return None
    return {k: (v.format(**world) if isinstance(v, str) else v) for k, v in data.items()}


def web_send(client: Client, method: str, url: str, data: dict[str, Any] | None, world: dict[str, Any]) -> HttpResponse:
    """`method` on `url`, with `data` (filled from `world`) as the form when there is one."""
    payload = fill(data, world)
    return getattr(client, method)(url) if payload is None else getattr(client, method)(url, payload)
