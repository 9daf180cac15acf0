# SPDX-License-Identifier: AGPL-3.0-or-later
"""An integer of a page's address beyond 64 bits names no record: every page of the site that takes one answers
the branded 404, signed in or not, before any view or database sees it (SQLite raises OverflowError on it)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from coopforma.networks.models import NetworkPerson, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

HUGE = str(10**20)


def _walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


ROUTES = sorted(
    r for r in set(_walk(get_resolver().url_patterns)) if "<int:" in r and not r.startswith(("api/", "admin/"))
)


def url(route: str, org: str, network: str) -> str:
    filled = route.replace("<slug:org>", org).replace("<slug:network>", network)
    filled = re.sub(r"<int:[a-z_]+>", HUGE, filled)
    return "/" + re.sub(r"<(?:str|slug|path|uuid)?:?[a-z_]+>", "x", filled)


def test_the_walk_finds_the_network_pages():
    assert len(ROUTES) > 100 and any(r.startswith("reseaux/") for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_an_id_beyond_64_bits_is_a_404(route, org, admin_user, web):
    network = NetworkFactory()
    NetworkPerson.objects.create(network=network, user=admin_user, role=NetworkRole.MODERATOR)
    response = web(admin_user).get(url(route, org.slug, network.slug))
    assert response.status_code == 404, f"GET {url(route, org.slug, network.slug)} -> {response.status_code}"
