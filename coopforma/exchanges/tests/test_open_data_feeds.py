# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network's open-data feeds (offers/open_data.py: /reseaux/<network>/offres.json, .lheo.xml, .csv)
republish the exchanges' offers (source kind `exchanges`, exchanges/publication.py) as the network's own data,
under its licence, whatever that licence: only what the map shows, i.e. what the members consented to (a member
without `on_map`, an exchange one participant did not agree to show: absent; consent withdrawn: gone at the next
publication); never another network's."""

import json

import pytest
from django.test import Client

from coopforma.exchanges import publication
from coopforma.exchanges.models import ListingKind
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import open_data
from coopforma.offers.models import SourceKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():  # type: ignore[no-untyped-def]
    # A licence the outside sources' rule would not recognise: the network's own data is republished anyway.
    return NetworkFactory(slug="reseau-ouvert", name="Réseau ouvert", data_licence="Licence du réseau ouvert")


def _feed(slug: str, kind: str) -> str:
    response = Client().get(f"/reseaux/{slug}/offres.{kind}")
    assert response.status_code == 200, kind
    return b"".join(response.streaming_content).decode()


def _offer_title(member):  # type: ignore[no-untyped-def]
    return member.listings.filter(kind=ListingKind.OFFER).get().title


def test_the_exchanges_source_is_the_networks_own_data():  # type: ignore[no-untyped-def]
    assert SourceKind.EXCHANGES in open_data.OWN_KINDS


def test_the_feeds_republish_what_the_members_consented_to(network):  # type: ignore[no-untyped-def]
    yes = joined_member(network, on_map=True, display_name="Fabrique Oui")
    no = joined_member(network, on_map=False, display_name="Atelier Non")
    public = exchange_between(yes, joined_member(network, on_map=True), title="Visite ouverte", is_public=True)
    private = exchange_between(yes, no, title="Visite réservée", is_public=True)
    public.participants.update(on_map=True)
    private.participants.exclude(member=no).update(on_map=True)  # one participant did not agree
    publication.publish_network(network)

    feed = json.loads(_feed(network.slug, "json"))
    titles = {offer["title"] for offer in feed["offers"]}
    assert _offer_title(yes) in titles and public.title in titles
    assert _offer_title(no) not in titles and private.title not in titles
    mine = next(o for o in feed["offers"] if o["title"] == _offer_title(yes))
    assert mine["provenance"][-1]["licence"] == "Licence du réseau ouvert"
    assert "@" not in json.dumps(feed["offers"])  # no e-mail address
    csv_text = _feed(network.slug, "csv")
    assert _offer_title(yes) in csv_text and _offer_title(no) not in csv_text
    lheo = _feed(network.slug, "lheo.xml")
    assert _offer_title(yes) in lheo and public.title in lheo and private.title not in lheo
    line = next(line for line in open_data.sources_of(network) if line.source.kind == SourceKind.EXCHANGES)
    assert line.republished and line.licence == "Licence du réseau ouvert"


def test_a_withdrawn_consent_leaves_the_feeds(network):  # type: ignore[no-untyped-def]
    member = joined_member(network, on_map=True)
    publication.publish_network(network)
    title = _offer_title(member)
    assert title in _feed(network.slug, "json")
    member.on_map = False
    member.save()
    publication.publish_network(network)
    assert title not in _feed(network.slug, "json") and title not in _feed(network.slug, "csv")


def test_another_networks_feeds_never_carry_our_exchanges(network):  # type: ignore[no-untyped-def]
    member = joined_member(network, on_map=True)
    publication.publish_network(network)
    other = NetworkFactory(slug="reseau-voisin")
    publication.publish_network(other)
    assert _offer_title(member) not in _feed(other.slug, "json")
    assert _offer_title(member) not in _feed(other.slug, "csv")
    # Nothing LHEO can carry: no LHEO file at all.
    assert Client().get(f"/reseaux/{other.slug}/offres.lheo.xml").status_code == 404


def test_no_feed_for_a_network_whose_pages_are_closed(network):  # type: ignore[no-untyped-def]
    joined_member(network, on_map=True)
    publication.publish_network(network)
    network.is_public = False
    network.save()
    assert Client().get(f"/reseaux/{network.slug}/offres.json").status_code == 404
