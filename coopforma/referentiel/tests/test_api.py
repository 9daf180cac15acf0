# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public read API of published versions: no token, drafts never served."""

import pytest
from django.test import Client

from coopforma.referentiel import services
from coopforma.referentiel.tests.factories import load_draft, network_with_people

pytestmark = pytest.mark.django_db
BASE = "/api/v1/referentiel/networks/formations-cooperatives/versions"


@pytest.fixture
def people():
    people = network_with_people()
    load_draft(people["network"], publish=True)
    return people


def test_published_versions_and_items_without_a_token(people):
    client = Client()
    versions = client.get(BASE).json()
    assert versions["count"] == 1 and versions["items"][0]["number"] == "0.1"
    assert versions["items"][0]["licence"] == "CC BY-SA 4.0" and versions["items"][0]["items"] == 116
    assert client.get(BASE + "/latest").json()["number"] == "0.1"
    items = client.get(BASE + "/0.1/items", {"kind": "job"}).json()
    assert items["count"] == 8 and items["items"][0]["code"] == "M1"
    assert items["items"][0]["blocks"] == ["S1", "S4", "S5", "S6", "S7"]
    found = client.get(BASE + "/0.1/items", {"q": "reciprocite"}).json()
    assert [i["code"] for i in found["items"]] == ["M6-C1"]
    item = client.get(BASE + "/0.1/items/M1-C2").json()
    assert item["job"] == "M1" and item["kind"] == "competency" and len(item["key"]) == 36
    assert client.get(BASE + "/0.1/items/M99").status_code == 404
    assert client.get(BASE + "/9.9").status_code == 404
    assert client.get("/api/v1/referentiel/networks/nope/versions").status_code == 404


def test_a_draft_is_not_served(people):
    proposal = services.proposal_create(
        user=people["member"], network_id=people["network"].pk, kind="retire_item", target_code="M1", reason="x"
    )
    services.proposal_decide(
        user=people["committee"], network_id=people["network"].pk, proposal_id=proposal.pk, accept=True
    )
    client = Client()
    assert [v["number"] for v in client.get(BASE).json()["items"]] == ["0.1"]
    assert client.get(BASE + "/0.2").status_code == 404
    assert client.get(BASE + "/0.2/items").status_code == 404
    assert client.get(BASE + "/latest").json()["number"] == "0.1"


def test_a_private_network_is_not_served():
    people = network_with_people("prive", is_public=False)
    load_draft(people["network"], publish=True)
    assert Client().get("/api/v1/referentiel/networks/prive/versions").status_code == 404
