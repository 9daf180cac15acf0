# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo network (networks/demo.py, offers/demo.py): what it holds, and its pages show no code."""

import pytest
from django.test import Client

from coopforma.accounts.demo import ACCOUNTS
from coopforma.accounts.models import User
from coopforma.dashboard.demo import demo_load
from coopforma.networks.demo import NETWORK_SLUG
from coopforma.networks.models import Network, PartnerState
from coopforma.offers.models import Offer, OfferRelevance, OfferStatus, SourceKind
from tests.module_data import load_once
from tests.test_no_codes import walk

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    var_dir = tmp_path_factory.mktemp("var")
    with load_once(django_db_blocker, lambda: demo_load(var_dir=var_dir, site_url="http://testserver")) as result:
        yield result


def test_the_demo_network(loaded_demo):
    network = Network.objects.get(slug=NETWORK_SLUG)
    admin = User.objects.get(email=next(a.email for a in ACCOUNTS if a.key == "admin"))
    assert network.people.get(user=admin).role == "moderator"
    # The demo cooperative, and « Scop Les Passeurs » (tenders/demo.py: a groupement needs two members).
    assert sorted(network.organisations.values_list("organisation__slug", flat=True)) == sorted(
        [loaded_demo.organisation.slug, "scop-les-passeurs"]
    )
    assert set(network.partners.values_list("kind", "state")) == {
        ("ptce", PartnerState.PUBLISHED),
        ("tiers_lieu", PartnerState.PUBLISHED),
    }
    partner_offers = Offer.objects.filter(source__kind=SourceKind.PARTNER)
    assert sorted(partner_offers.values_list("status", flat=True)) == [OfferStatus.ACTIVE, OfferStatus.PENDING]
    catalogue = Offer.objects.filter(source__kind=SourceKind.MEMBER_CATALOGUE, status=OfferStatus.ACTIVE)
    assert catalogue.count() >= 10
    assert OfferRelevance.objects.filter(network=network, verdict="shown").count() >= 5
    assert network.relevance_rules.keywords[:2] == ["coopérative", "coopération"]


def test_the_demo_networks_pages_show_no_code(loaded_demo):
    admin = User.objects.get(email=next(a.email for a in ACCOUNTS if a.key == "admin"))
    client = Client()
    client.force_login(admin)
    found = walk(client, f"/reseaux/{NETWORK_SLUG}/gerer/", inside=f"/reseaux/{NETWORK_SLUG}/")
    assert len(found) >= 8
    assert {url: codes for url, codes in found.items() if codes} == {}
    public = walk(Client(), f"/reseaux/{NETWORK_SLUG}/", inside=f"/reseaux/{NETWORK_SLUG}/")
    assert len(public) >= 3
    assert {url: codes for url, codes in public.items() if codes} == {}
