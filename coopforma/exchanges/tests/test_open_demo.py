# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges in the quick-start demo (exchanges/demo.py, called by dashboard/demo.py): members, listings in
référentiel competencies, an arranged exchange with its debrief and sheet, an expedition; on the map and in the
exports with consent only; a second load changes nothing."""

import pytest
from django.test import Client

from coopforma.accounts.demo import ACCOUNTS, DemoContext
from coopforma.accounts.models import User
from coopforma.dashboard.demo import demo_load
from coopforma.exchanges import demo
from coopforma.exchanges.models import (
    Artefact,
    Debrief,
    Exchange,
    ExchangeKind,
    ExchangeState,
    Listing,
    ListingKind,
    Member,
)
from coopforma.networks.demo import NETWORK_SLUG
from coopforma.networks.models import Network
from coopforma.offers.models import Offer, OfferStatus
from tests.module_data import load_once
from tests.test_no_codes import walk

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    var_dir = tmp_path_factory.mktemp("var")
    with load_once(django_db_blocker, lambda: demo_load(var_dir=var_dir, site_url="http://testserver")) as result:
        yield result


def test_the_demo_exchanges(loaded_demo):
    network = Network.objects.get(slug=NETWORK_SLUG)
    members = Member.objects.filter(network=network, joined_at__isnull=False)
    assert members.count() == 4
    assert members.filter(partner__kind="tiers_lieu").count() == 1
    for member in members:
        kinds = set(member.listings.values_list("kind", flat=True))
        assert kinds == {ListingKind.OFFER, ListingKind.REQUEST}
    assert Listing.objects.filter(network=network, competencies__isnull=False).distinct().count() >= 6
    visit = Exchange.objects.get(network=network, kind=ExchangeKind.EXCHANGE)
    assert visit.state == ExchangeState.DONE and visit.suggestions.exists()
    assert Debrief.objects.filter(participant__exchange=visit, competencies__isnull=False).exists()
    assert Artefact.objects.filter(exchange=visit, published_at__isnull=False).exists()
    expedition = Exchange.objects.get(network=network, kind=ExchangeKind.EXPEDITION)
    assert expedition.steps.values("host").distinct().count() == 2 and expedition.log.exists()


def test_the_demo_map_and_exports_show_the_consenting_members_only(loaded_demo):
    network = Network.objects.get(slug=NETWORK_SLUG)
    on_map = Offer.objects.filter(source__name=f"exchanges-{network.slug}", status=OfferStatus.ACTIVE)
    titles = set(on_map.values_list("title", flat=True))
    assert "Animer la communauté d'un tiers-lieu" in titles
    assert any(title.startswith("Expédition apprenante") for title in titles)
    assert "Évaluer l'utilité sociale d'une formation" not in titles  # Claire did not agree
    payload = Client().get(f"/reseaux/{NETWORK_SLUG}/echanges/gogocarto.json").json()
    assert "La Fabrique des Pentes" in {element["name"] for element in payload["data"]}
    assert not any("Claire" in element["name"] for element in payload["data"])
    page = Client().get(f"/reseaux/{NETWORK_SLUG}/echanges/public/")
    assert page.status_code == 200 and "Animer la communauté d&#x27;un tiers-lieu" in page.content.decode()
    map_page = Client().get(f"/reseaux/{NETWORK_SLUG}/carte/", {"mode": "learning_expedition"})
    assert "Expédition apprenante : coopérer sur un territoire" in map_page.content.decode()


def test_loading_the_part_again_changes_nothing(loaded_demo):
    before = (Member.objects.count(), Listing.objects.count(), Exchange.objects.count(), Offer.objects.count())
    context = DemoContext(today=loaded_demo.organisation.created_at.date(), passwords={})
    context.users = {account.key: User.objects.get(email=account.email) for account in ACCOUNTS}
    demo.load(context)
    assert (Member.objects.count(), Listing.objects.count(), Exchange.objects.count(), Offer.objects.count()) == before


def test_the_public_page_and_the_csv_show_no_code(loaded_demo):
    found = walk(Client(), f"/reseaux/{NETWORK_SLUG}/echanges/public/", inside=f"/reseaux/{NETWORK_SLUG}/echanges/")
    assert f"/reseaux/{NETWORK_SLUG}/echanges/gogocarto.csv" in found
    assert {url: codes for url, codes in found.items() if codes} == {}
