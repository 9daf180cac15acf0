# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges on the network's map (exchanges/publication.py): consent, retirement, modes, places, the map's
facet, another network's map, the on-commit task and the command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from coopforma.exchanges import publication
from coopforma.exchanges.models import (
    ExchangeFormat,
    ExchangeKind,
    Listing,
    ListingKind,
    ListingState,
    Participant,
)
from coopforma.exchanges.tests.factories import ListingFactory, exchange_between, joined_member
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory
from coopforma.offers import filters as map_filters
from coopforma.offers import selectors as map_selectors
from coopforma.offers.models import ExperienceMode, Offer, OfferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return NetworkFactory(slug="reseau-echanges", name="Réseau des échanges")


def _offer_of(member):
    return member.listings.filter(kind=ListingKind.OFFER).order_by("pk").first()


def _published(network):
    return Offer.objects.filter(source__name=f"exchanges-{network.slug}")


def test_only_the_open_offers_of_consenting_members_are_published(network):
    yes = joined_member(network, on_map=True, display_name="Ada")
    no = joined_member(network, on_map=False, display_name="Bob")
    paused = ListingFactory(member=yes, kind=ListingKind.OFFER, state=ListingState.PAUSED)
    result = publication.publish_network(network)
    assert result.created == 1
    offer = _published(network).get()
    assert offer.external_id == f"offre-{_offer_of(yes).pk}"
    assert offer.status == OfferStatus.ACTIVE
    assert offer.provider_name == "Ada"
    assert offer.experience_mode == ExperienceMode.PEER_LEARNING
    assert offer.source.kind == "exchanges" and offer.source.network == network
    assert not _published(network).filter(external_id__in=[f"offre-{_offer_of(no).pk}", f"offre-{paused.pk}"])
    assert not _published(network).filter(title__startswith="Apprendre")  # requests never go on the map


def test_the_place_is_the_communes_never_the_members_own_position(network):
    member = joined_member(network, on_map=True, latitude=45.7612345, longitude=4.8398765)
    publication.publish_network(network)
    session = _published(network).get().sessions.get()
    assert (session.city, session.insee_code, session.department, session.region) == ("Lyon", "69123", "69", "84")
    assert session.geo_precision == "approximate"
    assert (session.latitude, session.longitude) != (member.latitude, member.longitude)
    assert abs(session.latitude - 45.76) < 0.05 and abs(session.longitude - 4.83) < 0.05


def test_what_is_no_longer_consented_or_open_is_retired_then_comes_back(network):
    member = joined_member(network, on_map=True)
    publication.publish_network(network)
    assert publication.publish_network(network).unchanged == 1  # idempotent: nothing written
    member.on_map = False
    member.save()
    assert publication.publish_network(network).retired == 1
    offer = _published(network).get()
    assert offer.status == OfferStatus.RETIRED and offer.retired_at is not None
    member.on_map = True
    member.save()
    Listing.objects.filter(pk=_offer_of(member).pk).update(state=ListingState.CLOSED)
    assert publication.publish_network(network).retired == 0
    Listing.objects.filter(pk=_offer_of(member).pk).update(state=ListingState.OPEN)
    publication.publish_network(network)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACTIVE and offer.retired_at is None


def test_the_provider_is_the_partner_structure_and_the_mode_the_most_specific_format(network):
    partner = PartnerFactory(network=network, name="La Fabrique des Pentes")
    member = joined_member(network, on_map=True, partner=partner)
    Listing.objects.filter(pk=_offer_of(member).pk).update(
        formats=[ExchangeFormat.VISIT, ExchangeFormat.COMMUNITY_OF_PRACTICE]
    )
    publication.publish_network(network)
    offer = _published(network).get()
    assert offer.provider_name == "La Fabrique des Pentes"
    assert offer.partner == partner
    assert offer.experience_mode == ExperienceMode.COMMUNITY_OF_PRACTICE


def test_a_public_exchange_goes_on_the_map_only_when_every_participant_consented(network):
    host = joined_member(network, on_map=True, display_name="Pôle Coop")
    guest = joined_member(network, on_map=False, city="Valence", insee_code="26362", department="26")
    exchange = exchange_between(host, guest, is_public=True, kind=ExchangeKind.EXPEDITION, title="Trois PTCE")
    Participant.objects.filter(exchange=exchange, member=host).update(on_map=True)
    publication.publish_network(network)
    assert not _published(network).filter(external_id=f"echange-{exchange.pk}").exists()
    Participant.objects.filter(exchange=exchange).update(on_map=True)
    publication.publish_network(network)
    offer = _published(network).get(external_id=f"echange-{exchange.pk}")
    assert offer.experience_mode == ExperienceMode.LEARNING_EXPEDITION
    assert offer.provider_name == "Pôle Coop"
    session = offer.sessions.get()
    assert session.city == "Lyon" and session.start == exchange.starts_on
    exchange.is_public = False
    exchange.save()
    publication.publish_network(network)
    assert _published(network).get(external_id=f"echange-{exchange.pk}").status == OfferStatus.RETIRED


def test_the_modes_of_the_exchanges():
    assert publication.listing_mode([]) == ExperienceMode.PEER_LEARNING
    assert publication.listing_mode(["mentoring", "learning_expedition"]) == ExperienceMode.LEARNING_EXPEDITION
    assert publication.exchange_mode(publication.Exchange(kind=ExchangeKind.TRANSFER)) == ExperienceMode.COMPAGNONNAGE
    assert (
        publication.exchange_mode(publication.Exchange(format=ExchangeFormat.COMMUNITY_OF_PRACTICE))
        == ExperienceMode.COMMUNITY_OF_PRACTICE
    )


def test_the_networks_map_counts_them_in_the_experience_facet_and_another_map_does_not_show_them(network):
    other = NetworkFactory(slug="autre-reseau")
    member = joined_member(network, on_map=True)
    title = _offer_of(member).title
    publication.publish_network(network)
    publication.relevance.score_offers(other)  # another network judging every offer it may see
    facets = map_selectors.map_facets(network=network, filters=map_filters.MapFilters())
    assert {f.value: f.count for f in facets["mode"]} == {"peer_learning": 1}
    assert not map_selectors.map_facets(network=other, filters=map_filters.MapFilters())["mode"]
    page = Client().get(f"/reseaux/{network.slug}/carte/", {"mode": "peer_learning"})
    assert page.status_code == 200 and title in page.content.decode()
    elsewhere = Client().get(f"/reseaux/{other.slug}/carte/", {"mode": "peer_learning"})
    assert elsewhere.status_code == 200 and title not in elsewhere.content.decode()


def test_a_change_publishes_once_per_network_after_the_commit(network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        member = joined_member(network, on_map=True)
        ListingFactory(member=member, kind=ListingKind.OFFER)
    assert len([c for c in callbacks if isinstance(c, publication._Publish)]) == 1
    assert _published(network).filter(status=OfferStatus.ACTIVE).count() == 2


def test_the_command_prints_its_summary(network):
    joined_member(network, on_map=True)
    out = StringIO()
    call_command("exchanges", "publish", "--network", network.slug, stdout=out)
    assert "1 offre(s) créée(s)" in out.getvalue()


def test_an_exchange_without_step_keeps_its_dates(network):
    host = joined_member(network, on_map=True)
    guest = joined_member(network, on_map=True)
    start = timezone.localdate() + dt.timedelta(days=30)
    exchange = exchange_between(host, guest, is_public=True, starts_on=start)
    exchange.steps.all().delete()
    Participant.objects.filter(exchange=exchange).update(on_map=True)
    publication.publish_network(network)
    session = _published(network).get(external_id=f"echange-{exchange.pk}").sessions.get()
    assert session.start == start and session.department == "69"
