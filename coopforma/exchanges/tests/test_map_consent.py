# SPDX-License-Identifier: AGPL-3.0-or-later
"""An exchange on the public map, through the pages: the facilitators make it public (its edit form), each
participant agrees on the exchange's page; it is published only when both are true, and withdrawn when one
participant changes their mind. Nobody else can give the consent."""

import pytest
from django.test import Client
from django.urls import reverse

from coopforma.exchanges import publication
from coopforma.exchanges.models import Participant
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.offers.models import Offer, OfferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    network = NetworkFactory(slug="echanges-carte")
    host = joined_member(network, display_name="Pôle Coop")
    guest = joined_member(network, display_name="Fabrique")
    exchange = exchange_between(host, guest, title="Visite du pôle")
    facilitator = person(network, NetworkRole.FACILITATOR).user
    return network, host, guest, exchange, facilitator


def _post(user, name, exchange, data):
    client = Client()
    client.force_login(user)
    url = reverse(f"exchanges:{name}", kwargs={"network": exchange.network.slug, "exchange_id": exchange.pk})
    return client.post(url, data)


def _on_map(exchange):
    offer = Offer.objects.filter(external_id=f"echange-{exchange.pk}").first()
    return offer is not None and offer.status == OfferStatus.ACTIVE


def test_public_only_when_the_facilitators_published_it_and_every_participant_agreed(scene):
    # (the tests run in one transaction: the map is brought up to date here as the on-commit task does)
    network, host, guest, exchange, facilitator = scene
    response = _post(
        facilitator, "exchange_edit", exchange, {"title": exchange.title, "format": exchange.format, "is_public": "on"}
    )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.is_public
    assert _post(host.user, "exchange_map_consent", exchange, {"on_map": "1"}).status_code == 302
    publication.publish_network(network)
    assert not _on_map(exchange)  # the guest has not agreed
    _post(guest.user, "exchange_map_consent", exchange, {"on_map": "1"})
    publication.publish_network(network)
    assert _on_map(exchange)
    _post(guest.user, "exchange_map_consent", exchange, {"on_map": "0"})
    publication.publish_network(network)
    assert not _on_map(exchange)


def test_only_a_participant_gives_their_own_consent(scene):
    network, _host, _guest, exchange, facilitator = scene
    outsider = joined_member(network)
    assert _post(outsider.user, "exchange_map_consent", exchange, {"on_map": "1"}).status_code == 404
    assert _post(facilitator, "exchange_map_consent", exchange, {"on_map": "1"}).status_code == 404
    other_network = NetworkFactory()
    stranger = joined_member(other_network)
    client = Client()
    client.force_login(stranger.user)
    url = reverse("exchanges:exchange_map_consent", kwargs={"network": other_network.slug, "exchange_id": exchange.pk})
    assert client.post(url, {"on_map": "1"}).status_code == 404
    assert not Participant.objects.filter(exchange=exchange, on_map=True).exists()


def test_a_bad_answer_changes_nothing(scene):
    _network, host, _guest, exchange, _facilitator = scene
    response = _post(host.user, "exchange_map_consent", exchange, {"on_map": "peut-être"})
    assert response.status_code == 302
    assert not Participant.objects.filter(exchange=exchange, on_map=True).exists()
