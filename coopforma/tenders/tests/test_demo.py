# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's calls for tenders (tenders/demo.py) and certifiers (registry/demo.py): notices imported through the
BOAMP reader, a groupement being formed and one won, the certifiers' directory; the pages open for the moderator
and a second load changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from coopforma.accounts.demo import ACCOUNTS, DemoContext
from coopforma.accounts.models import Organisation, User
from coopforma.dashboard.demo import DEMO_SLUG, demo_load
from coopforma.networks.models import Network
from coopforma.registry import demo as registry_demo
from coopforma.registry.models import Certifier, CertifierChoice
from coopforma.tenders import demo as tenders_demo
from coopforma.tenders.models import Consortium, ConsortiumShare, Interest, Notice
from tests.module_data import load_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    var_dir = tmp_path_factory.mktemp("var")
    with load_once(django_db_blocker, lambda: demo_load(var_dir=var_dir, site_url="http://testserver")) as result:
        yield result


def test_notices_a_groupement_being_formed_and_one_won(loaded_demo):  # type: ignore[no-untyped-def]
    network = Network.objects.get(slug=tenders_demo.NETWORK_SLUG)
    assert set(Notice.objects.values_list("idweb", flat=True)) >= {"99-10001", "99-10002", "99-10003", "99-10004"}
    lots = Notice.objects.get(idweb="99-10001").lots.order_by("pk")
    assert [(lot.title, lot.amount_cents) for lot in lots] == [
        ("Animer une coopération territoriale", 2_400_000),
        ("Faciliter l'intelligence collective", 1_600_000),
    ]
    assert Notice.objects.get(idweb="99-10004").reserved_ess
    states = dict(Consortium.objects.filter(network=network).values_list("notice__idweb", "state"))
    assert states == {"99-10001": "forming", "99-10002": "won"}
    assert Interest.objects.filter(network=network).count() == 4
    forming = Consortium.objects.get(notice__idweb="99-10001")
    assert forming.members.count() == 2 and ConsortiumShare.objects.filter(member__consortium=forming).count() == 3
    assert forming.milestones.filter(kind="deadline").exists()


def test_the_certifiers_directory_and_the_demo_cooperatives_certifier(loaded_demo):  # type: ignore[no-untyped-def]
    assert Certifier.objects.count() >= 3
    choice = CertifierChoice.objects.get(organisation__slug=DEMO_SLUG)
    assert choice.certifier.code == "afnor-certification" and choice.visible_to_network


def test_the_moderator_sees_the_groupements_pages(loaded_demo):  # type: ignore[no-untyped-def]
    admin = User.objects.get(email=next(a.email for a in ACCOUNTS if a.key == "admin"))
    client = Client()
    client.force_login(admin)
    slug = tenders_demo.NETWORK_SLUG
    assert "99-10001" in client.get(reverse("tenders:notices", kwargs={"network": slug})).content.decode()
    for consortium in Consortium.objects.all():
        for name in ("consortium", "consortium_kit", "consortium_contract"):
            address = reverse(f"tenders:{name}", kwargs={"network": slug, "consortium_id": consortium.pk})
            assert client.get(address).status_code == 200, address


def test_loading_the_parts_again_changes_nothing(loaded_demo):  # type: ignore[no-untyped-def]
    counts = (Notice.objects.count(), Consortium.objects.count(), Interest.objects.count(), Certifier.objects.count())
    ctx = DemoContext(today=loaded_demo.organisation.created_at.date(), passwords={})
    ctx.org = Organisation.objects.get(slug=DEMO_SLUG)
    ctx.users = {"admin": User.objects.get(email=next(a.email for a in ACCOUNTS if a.key == "admin"))}
    ctx.roles = {"admin": "admin"}
    registry_demo.load(ctx)
    tenders_demo.load(ctx)
    assert (
        Notice.objects.count(),
        Consortium.objects.count(),
        Interest.objects.count(),
        Certifier.objects.count(),
    ) == counts
