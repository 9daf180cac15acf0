# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's part: the draft published as 0.1 in « Réseau des formations coopératives », idempotent."""

from types import SimpleNamespace

import pytest

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import NetworkPerson
from coopforma.referentiel import demo
from coopforma.referentiel.models import Item, Proposal, Version

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_draft_once():
    admin = UserFactory()
    ctx = SimpleNamespace(users={"admin": admin})
    demo.load(ctx)  # type: ignore[arg-type]
    demo.load(ctx)  # type: ignore[arg-type]
    version = Version.objects.get()
    assert (version.number, version.state, version.referentiel.network.slug) == (
        "0.1",
        "published",
        "formations-cooperatives",
    )
    assert Item.objects.count() == 116
    assert NetworkPerson.objects.get(user=admin).role == "committee"
    assert sorted(Proposal.objects.values_list("state", flat=True)) == ["open", "refused"]
