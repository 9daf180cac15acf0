# SPDX-License-Identifier: AGPL-3.0-or-later
"""/api/v1/tenders/…: the training notices (filters, one by idweb) and the organisation's interests."""

import pytest

from coopforma.networks.models import NetworkOrganisation
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.tenders.models import Interest
from coopforma.tenders.tests.factories import import_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(org):  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug="reseau-coop")
    NetworkOrganisation.objects.create(network=network, organisation=org)
    import_fixture()
    return network


def test_notices_with_filters(api, admin_user, org, network):  # type: ignore[no-untyped-def]
    client = api(admin_user, org)
    body = client.get("/api/v1/tenders/notices").json()
    assert body["count"] == 5
    reserved = client.get("/api/v1/tenders/notices", {"reserved": "true"}).json()["items"]
    assert [n["idweb"] for n in reserved] == ["00-90002"]
    assert reserved[0]["cpv_codes"] == ["80511000"] and reserved[0]["reserved_ess"] is True
    by_dep = client.get("/api/v1/tenders/notices", {"departement": "64"}).json()["items"]
    assert [n["idweb"] for n in by_dep] == ["00-90004"]
    assert client.get("/api/v1/tenders/notices", {"open_only": "true"}).json()["count"] == 0  # November 2026
    awards = client.get("/api/v1/tenders/notices", {"nature": "award"}).json()["items"]
    assert awards[0]["winners"][0].startswith("GROUPEMENT CAE EXEMPLE COOP")
    one = client.get("/api/v1/tenders/notices/00-90001").json()
    assert one["current_deadline"].startswith("2026-04-17") and one["departements"] == ["26"]
    assert client.get("/api/v1/tenders/notices/00-00000").status_code == 404


def test_interests_mine(api, admin_user, org, network, stranger, other_org):  # type: ignore[no-untyped-def]
    client = api(admin_user, org)
    created = client.post(
        "/api/v1/tenders/notices/00-90002/interests",
        {"network_id": network.pk, "note": "Lot unique"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["notice"] == "00-90002" and created.json()["network"] == "reseau-coop"
    again = client.post(
        "/api/v1/tenders/notices/00-90002/interests", {"network_id": network.pk}, content_type="application/json"
    )
    assert again.status_code == 422 and "déjà signalé" in again.json()["detail"]
    assert [i["note"] for i in client.get("/api/v1/tenders/interests").json()["items"]] == ["Lot unique"]
    # another organisation, not a member of the network: 404, nothing written; its list shows nothing of ours
    foreign = api(stranger, other_org)
    refused = foreign.post(
        "/api/v1/tenders/notices/00-90002/interests", {"network_id": network.pk}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert foreign.get("/api/v1/tenders/interests").json()["count"] == 0
    unknown = client.post(
        "/api/v1/tenders/notices/00-00000/interests", {"network_id": network.pk}, content_type="application/json"
    )
    assert unknown.status_code == 404
    assert Interest.objects.count() == 1
