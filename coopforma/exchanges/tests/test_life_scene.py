# SPDX-License-Identifier: AGPL-3.0-or-later
"""The scene the tests of an exchange's life share (no test here): a public network with a published référentiel
(two competencies), its facilitator, three members who joined (a provider and a learner in one exchange, a third
in another exchange), one step of the exchange yesterday and one tomorrow; another network with its own
facilitator and member."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from coopforma.exchanges.models import Step
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.referentiel.models import Item, ItemKind, Referentiel, Version, VersionState


def build() -> SimpleNamespace:
    s = SimpleNamespace()
    s.network = NetworkFactory(slug="reseau-vif", is_public=True)
    version = Version.objects.create(
        referentiel=Referentiel.objects.create(network=s.network),
        number="1.0",
        major=1,
        state=VersionState.PUBLISHED,
        published_at=timezone.now(),
    )
    job = Item.objects.create(version=version, kind=ItemKind.JOB, code="M1", label="Animer un tiers-lieu")
    s.c1 = Item.objects.create(
        version=version, kind=ItemKind.COMPETENCY, code="M1-C1", label="Faciliter une réunion", parent=job
    )
    s.c2 = Item.objects.create(
        version=version, kind=ItemKind.COMPETENCY, code="M1-C2", label="Tenir un budget partagé", parent=job
    )
    s.facilitator = person(s.network, NetworkRole.FACILITATOR).user
    s.provider = joined_member(s.network, display_name="Fabrique Alpha")
    s.learner = joined_member(s.network, display_name="Tiers-lieu Beta")
    s.third = joined_member(s.network, display_name="PTCE Gamma")
    s.exchange = exchange_between(s.provider, s.learner, title="Gouvernance partagée", facilitator=s.facilitator)
    s.future_step = s.exchange.steps.get()
    now = timezone.now()
    s.past_step = Step.objects.create(
        exchange=s.exchange,
        title="Première visite",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2) + dt.timedelta(hours=3),
        place="Lyon",
    )
    s.p_provider, s.p_learner = list(s.exchange.participants.order_by("id"))
    s.other_exchange = exchange_between(s.third, s.provider, title="Autre échange")
    s.other_network = NetworkFactory(slug="reseau-autre", is_public=True)
    s.other_facilitator = person(s.other_network, NetworkRole.FACILITATOR).user
    s.other_member = joined_member(s.other_network, display_name="Ailleurs Delta")
    s.actor = lambda user, network=None: actor_for(user, network or s.network)
    return s
