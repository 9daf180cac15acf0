# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges' open data (GoGoCarto JSON and CSV, the API) and the public page: consent, no contact details,
the licence, French labels, public networks only, constant query counts."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from coopforma.exchanges.models import ExchangeFormat, ExchangeKind, ListingKind, Participant
from coopforma.exchanges.tests.factories import ListingFactory, exchange_between, joined_member
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory
from coopforma.referentiel.models import Item, ItemKind, Referentiel, Version, VersionState

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return NetworkFactory(slug="reseau-ouvert", name="Réseau ouvert", data_licence="Licence Ouverte 2.0")


def competency(network, code="M1-C1", label="Animer une gouvernance partagée"):
    referentiel, _created = Referentiel.objects.get_or_create(network=network)
    version, _created = Version.objects.get_or_create(
        referentiel=referentiel,
        number="1.0",
        defaults={"major": 1, "state": VersionState.PUBLISHED, "published_at": timezone.now()},
    )
    job, _created = Item.objects.get_or_create(version=version, kind=ItemKind.JOB, code="M1", defaults={"label": "M"})
    return Item.objects.create(version=version, kind=ItemKind.COMPETENCY, code=code, label=label, parent=job)


@pytest.fixture
def scene(network):
    partner = PartnerFactory(
        network=network, name="La Fabrique des Pentes", slug="fabrique", website="https://f.example"
    )
    yes = joined_member(
        network, on_map=True, display_name="Ada Lovelace", partner=partner, email="ada@secret.example", phone="0611"
    )
    no = joined_member(network, on_map=False, display_name="Bob Caché", email="bob@secret.example")
    offer = yes.listings.get(kind=ListingKind.OFFER)
    offer.competencies.add(competency(network))
    other = NetworkFactory(slug="autre")
    stranger = joined_member(other, on_map=True, display_name="Chloé Ailleurs")
    return {"yes": yes, "no": no, "offer": offer, "partner": partner, "stranger": stranger, "other": other}


def _json(network):
    response = Client().get(f"/reseaux/{network.slug}/echanges/gogocarto.json")
    assert response.status_code == 200
    return response.content.decode(), response.json()


def _csv(network):
    response = Client().get(f"/reseaux/{network.slug}/echanges/gogocarto.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    return text, list(csv.DictReader(io.StringIO(text)))


def test_the_json_has_the_consenting_members_only_without_contact_details(network, scene):
    text, payload = _json(network)
    assert payload["licence"] == "Licence Ouverte 2.0" and payload["ontology"] == "gogofull"
    names = [element["name"] for element in payload["data"]]
    assert names == ["La Fabrique des Pentes"]
    element = payload["data"][0]
    assert element["id"] == f"membre-{scene['yes'].pk}"
    assert element["geo"]["latitude"] and element["address"]["addressLocality"] == "Lyon"
    assert element["address"]["addressCountry"] == "FR" and element["address"]["postalCode"].startswith("69")
    assert "Visite" in element["categories"] and "Propose un savoir-faire" in element["categories"]
    assert "visit" not in element["categories"]
    assert element["website"] == "https://f.example"
    assert element["offers"][0]["competencies"] == ["M1-C1 Animer une gouvernance partagée"]
    assert element["offers"][0]["conditions"] == "Réciprocité"
    assert len(element["requests"]) == 1
    for hidden in ("Bob", "bob@secret", "ada@secret", "0611", "Chloé"):
        assert hidden not in text


def test_the_csv_has_the_same_columns_and_never_a_member_without_consent(network, scene):
    text, rows = _csv(network)
    assert list(rows[0]) == [
        "id",
        "name",
        "latitude",
        "longitude",
        "streetAddress",
        "addressLocality",
        "postalCode",
        "addressCountry",
        "categories",
        "description",
        "website",
        "offers",
        "requests",
        "licence",
    ]
    assert [row["name"] for row in rows] == ["La Fabrique des Pentes"]
    assert rows[0]["licence"] == "Licence Ouverte 2.0" and "Visite" in rows[0]["categories"]
    assert rows[0]["offers"] == scene["offer"].title
    for hidden in ("Bob", "bob@secret", "ada@secret", "0611", "Chloé"):
        assert hidden not in text


def test_a_public_exchange_is_exported_once_every_participant_agreed(network, scene):
    guest = joined_member(network, on_map=True, display_name="Dina")
    exchange = exchange_between(
        scene["yes"], guest, is_public=True, kind=ExchangeKind.EXPEDITION, format=ExchangeFormat.LEARNING_EXPEDITION
    )
    Participant.objects.filter(exchange=exchange, member=guest).update(on_map=True)
    assert f"echange-{exchange.pk}" not in _json(network)[0]
    Participant.objects.filter(exchange=exchange).update(on_map=True)
    _text, payload = _json(network)
    element = next(e for e in payload["data"] if e["id"] == f"echange-{exchange.pk}")
    assert element["categories"] == ["Expédition apprenante"]
    assert element["hosts"] == ["La Fabrique des Pentes"]
    assert any(row["id"] == f"echange-{exchange.pk}" for row in _csv(network)[1])


def test_a_private_or_unknown_network_has_no_export_page_nor_api(network, scene):
    network.is_public = False
    network.save()
    client = Client()
    for suffix in ("gogocarto.json", "gogocarto.csv", "public/"):
        assert client.get(f"/reseaux/{network.slug}/echanges/{suffix}").status_code == 404
        assert client.get(f"/reseaux/inconnu/echanges/{suffix}").status_code == 404
    assert client.get("/api/v1/exchanges/open-data/gogocarto", {"network": network.slug}).status_code == 404


def test_the_api_gives_the_same_elements_without_a_token(network, scene):
    response = Client().get("/api/v1/exchanges/open-data/gogocarto", {"network": network.slug})
    assert response.status_code == 200
    payload = response.json()
    assert payload["licence"] == "Licence Ouverte 2.0"
    assert [e["name"] for e in payload["data"]] == ["La Fabrique des Pentes"]
    assert "bob@secret" not in response.content.decode() and "ada@secret" not in response.content.decode()
    other = Client().get("/api/v1/exchanges/open-data/gogocarto", {"network": scene["other"].slug})
    assert [e["name"] for e in other.json()["data"]] == ["Chloé Ailleurs"]


def test_the_public_page_shows_what_the_consenting_members_offer_and_seek(network, scene):
    page = Client().get(f"/reseaux/{network.slug}/echanges/public/")
    assert page.status_code == 200
    html = page.content.decode()
    assert scene["offer"].title in html and f'id="offre-{scene["offer"].pk}"' in html
    assert scene["yes"].listings.get(kind=ListingKind.REQUEST).title in html
    assert "M1-C1 Animer une gouvernance partagée" in html
    assert f"/reseaux/{network.slug}/structures/fabrique/" in html
    assert f"/reseaux/{network.slug}/carte/?mode=peer_learning" in html
    assert f"/reseaux/{network.slug}/echanges/gogocarto.csv" in html
    for hidden in ("Bob", "bob@secret", "ada@secret", "Chloé"):
        assert hidden not in html
    for title in scene["no"].listings.values_list("title", flat=True):
        assert title not in html


def _many(network, n):
    item = competency(network, code=f"M2-C{n}")
    for _i in range(n):
        member = joined_member(network, on_map=True, partner=PartnerFactory(network=network))
        member.listings.get(kind=ListingKind.OFFER).competencies.add(item)
        ListingFactory(member=member, kind=ListingKind.OFFER, formats=[ExchangeFormat.MENTORING])
    host, guest = joined_member(network, on_map=True), joined_member(network, on_map=True)
    exchange = exchange_between(host, guest, is_public=True)
    Participant.objects.filter(exchange=exchange).update(on_map=True)


@pytest.mark.parametrize(
    "url",
    [
        "/reseaux/{slug}/echanges/public/",
        "/reseaux/{slug}/echanges/gogocarto.json",
        "/reseaux/{slug}/echanges/gogocarto.csv",
        "/api/v1/exchanges/open-data/gogocarto?network={slug}",
    ],
)
def test_constant_query_counts(network, url, django_assert_max_num_queries):
    _many(network, 6)
    with django_assert_max_num_queries(12):
        assert Client().get(url.format(slug=network.slug)).status_code == 200
