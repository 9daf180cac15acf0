# SPDX-License-Identifier: AGPL-3.0-or-later
"""Open data (issue 16, points 6 and 7): a network's shown offers as LHEO 2.3 (valid against the schema, provenance
in extras), JSON and CSV, with their licence; conditional requests answered 304; offers of a source whose licence
is unknown or closed left out, and the data page saying so."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from coopforma.formats.tests.records import LHEO_XSD, schema
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import open_data
from coopforma.offers.models import Offer, OfferRelevance, OfferSession, OfferSource, SourceKind
from coopforma.offers.tests.network_factories import feed_offer

pytestmark = pytest.mark.django_db


def shown(network, offer: Offer, verdict: str = "shown", decision: str = "") -> Offer:
    OfferRelevance.objects.create(
        network=network, offer=offer, verdict=verdict, decision=decision, scored_at=timezone.now()
    )
    return offer


def session(offer: Offer, day: int = 3, **fields: object) -> OfferSession:
    values: dict = {
        "start": dt.date(2027, 3, day),
        "end": dt.date(2027, 3, day + 2),
        "city": "Lyon",
        "postal_code": "69001",
        "street": "3 rue des Canuts",
    }
    values.update(fields)
    return OfferSession.objects.create(offer=offer, **values)


@pytest.fixture
def network():
    net = NetworkFactory(slug="coop", name="Réseau coop")
    open_source = OfferSource.objects.create(
        name="carif", label="Carif Auvergne-Rhône-Alpes", kind=SourceKind.LHEO, licence="Licence Ouverte 2.0"
    )
    closed = OfferSource.objects.create(name="prive", label="Catalogue privé", kind=SourceKind.LHEO, licence="")
    own = OfferSource.objects.create(name="partenaires-coop", label="Partenaires", kind=SourceKind.PARTNER, network=net)
    a = shown(
        net,
        feed_offer(
            open_source,
            title="Gouvernance coopérative",
            provider_name="Coop Formation",
            provider_siret="73282932000074",
            provider_nda="11755555575",
            price_cents=45000,
            duration_minutes=1260,
            formacodes=["42056"],
            url="https://carif.example/offre/1",
        ),
    )
    a.external_id = "OF-42"
    a.save()
    session(a, 3)
    session(a, 10, places_left=4)
    b = shown(net, feed_offer(own, title="Expédition apprenante", provider_name="La Fabrique"))
    session(b, 5, postal_code="", city="")  # LHEO cannot carry it (no postcode): JSON and CSV only
    shown(net, feed_offer(closed, title="Offre sous licence inconnue"))
    shown(net, feed_offer(open_source, title="Offre écartée"), verdict="hidden")
    other = NetworkFactory(slug="autre")
    shown(other, feed_offer(open_source, title="Offre d'un autre réseau"))
    shown(net, Offer.objects.get(title="Offre d'un autre réseau"), verdict="hidden")
    return net


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_licences_known_as_open() -> None:
    assert open_data.open_licence("Licence Ouverte / Open Licence 2.0")
    assert open_data.open_licence("ODbL 1.0") and open_data.open_licence("CC-BY-SA 4.0")
    assert not open_data.open_licence("") and not open_data.open_licence("Tous droits réservés")
    assert not open_data.open_licence("CC BY-NC 4.0")


def test_the_json_lists_the_shown_offers_of_open_sources_with_their_provenance(network, client: Client) -> None:
    response = client.get("/reseaux/coop/offres.json")
    assert response.status_code == 200 and response["ETag"] and response["Last-Modified"]
    feed = json.loads(body(response))
    assert feed["format"] == "coopforma-offres" and feed["licence"].startswith("Licence Ouverte")
    titles = sorted(o["title"] for o in feed["offers"])
    assert titles == ["Expédition apprenante", "Gouvernance coopérative"]
    offer = next(o for o in feed["offers"] if o["title"] == "Gouvernance coopérative")
    assert offer["provider"] == {"name": "Coop Formation", "siret": "73282932000074", "nda": "11755555575"}
    assert offer["numero"] == "OF-42" and offer["original_url"] == "https://carif.example/offre/1"
    assert offer["source"] == {"name": "Carif Auvergne-Rhône-Alpes", "licence": "Licence Ouverte 2.0"}
    assert offer["provenance"] == [
        {
            "installation": "http://testserver",
            "source": "Carif Auvergne-Rhône-Alpes",
            "licence": "Licence Ouverte 2.0",
            "url": "https://carif.example/offre/1",
        }
    ]
    assert [s["start"] for s in offer["sessions"]] == ["2027-03-03", "2027-03-10"] and offer["updated_at"]


def test_conditional_requests_get_304_until_something_changes(network, client: Client) -> None:
    for path in ("/reseaux/coop/offres.json", "/reseaux/coop/offres.csv", "/reseaux/coop/offres.lheo.xml"):
        first = client.get(path)
        assert first.status_code == 200
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    etags = {p: client.get(p)["ETag"] for p in ("/reseaux/coop/offres.json", "/reseaux/coop/offres.csv")}
    assert len(set(etags.values())) == 2  # one ETag per file
    offer = Offer.objects.get(title="Gouvernance coopérative")
    offer.title = "Gouvernance coopérative (2027)"
    offer.save()
    changed = client.get("/reseaux/coop/offres.json", HTTP_IF_NONE_MATCH=etags["/reseaux/coop/offres.json"])
    assert changed.status_code == 200


def test_the_csv_has_its_licence_first_and_one_row_per_session(network, client: Client) -> None:
    text = body(client.get("/reseaux/coop/offres.csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0].startswith("Licence : Licence Ouverte")
    assert rows[1][:3] == ["identifiant", "numéro LHEO", "intitulé"] and "licence de la source" in rows[1]
    data = rows[2:]
    assert sorted(r[2] for r in data) == ["Expédition apprenante", "Gouvernance coopérative", "Gouvernance coopérative"]
    row = next(r for r in data if r[20] == "03/03/2027")
    assert row[12] == "450,00" and row[13] == "21" and row[24] == "Lyon"


def test_the_lheo_is_valid_and_carries_provenance_and_licence_in_extras(network, client: Client) -> None:
    response = client.get("/reseaux/coop/offres.lheo.xml")
    document = etree.fromstring(body(response))
    schema(LHEO_XSD).assertValid(document)
    ns = {"l": "http://lheo.gouv.fr/2.3"}
    formations = document.findall("l:offres/l:formation", ns)
    assert [f.get("numero") for f in formations] == ["OF-42"]  # the partner's offer has no postcode
    extras = {e.get("info"): e.text for e in formations[0].findall("l:extras/l:extra", ns)}
    assert extras["source"] == "Carif Auvergne-Rhône-Alpes" and extras["licence-source"] == "Licence Ouverte 2.0"
    assert extras["provenance-1"].startswith("http://testserver · Carif")
    licence = document.find("l:extras/l:extra[@info='licence']", ns)
    assert licence is not None and licence.text.startswith("Licence Ouverte")


def test_a_network_without_offers_has_no_lheo_file_but_empty_json_and_csv(client: Client) -> None:
    NetworkFactory(slug="vide")
    assert client.get("/reseaux/vide/offres.lheo.xml").status_code == 404
    assert json.loads(body(client.get("/reseaux/vide/offres.json")))["offers"] == []
    assert client.get("/reseaux/vide/offres.csv").status_code == 200
    NetworkFactory(slug="cache", is_public=False)
    assert client.get("/reseaux/cache/offres.json").status_code == 404


def test_the_data_page_lists_the_files_and_the_sources_licences(network, client: Client) -> None:
    page = client.get("/reseaux/coop/donnees/").content.decode()
    for name in ("offres.lheo.xml", "offres.json", "offres.csv", "Licence Ouverte 2.0", "Catalogue privé"):
        assert name in page
    assert "non : licence ouverte non reconnue" in page
    assert "1 offre montrée par le réseau n'est pas republiée" in page


def test_the_files_take_the_same_number_of_queries_for_3_or_30_offers(network, client: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            body(client.get("/reseaux/coop/offres.json"))
            body(client.get("/reseaux/coop/offres.csv"))
        return len(captured)

    before = queries()
    source = OfferSource.objects.get(name="carif")
    for i in range(27):
        session(shown(network, feed_offer(source, title=f"Offre {i}")))
    assert queries() == before
