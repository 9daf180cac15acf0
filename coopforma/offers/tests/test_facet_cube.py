# SPDX-License-Identifier: AGPL-3.0-or-later
"""The offer-level facets (modality, certifying, CPF, Qualiopi, experience-based mode) are counted from one
whatever the choices, each value's count is the number of offers the map lists once that value is chosen in its
facet, the other choices kept."""

import dataclasses
import itertools

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import filters, selectors
from coopforma.offers.tests.map_factories import shown_offer
from coopforma.registry.models import RegisteredOrganisation, RegistryImport

pytestmark = pytest.mark.django_db

CERTIFIED, UNCERTIFIED = "73282932000074", "55210055400013"
FACET_VALUES = {
    "modality": ["", "on_site", "remote", "hybrid"],
    "certifying": [None, True, False],
    "cpf": [None, True, False],
    "mode": ["", "peer_learning"],
    "qualiopi": ["", "yes", "no", "unknown"],
}
FACET_KEY = {True: "oui", False: "non"}


@pytest.fixture
def network():  # type: ignore[no-untyped-def]
    network = NetworkFactory()
    imported = RegistryImport.objects.create(source="test", started_at=timezone.now())
    for siret, certified in ((CERTIFIED, True), (UNCERTIFIED, False)):
        RegisteredOrganisation.objects.create(
            nda=f"5335{siret[:7]}",
            name="OF",
            search_name=" of",
            siren=siret[:9],
            siret=siret,
            qualiopi_training=certified,
            content_hash=siret,
            imported=imported,
        )
    combos = itertools.product(["on_site", "remote", "hybrid"], [True, False], [CERTIFIED, UNCERTIFIED, ""])
    for n, (modality, flag, siret) in enumerate(combos):
        shown_offer(
            network,
            title=f"Coopération {n}",
            where=["35238", "69123"][n % 2],
            modality=modality,
            certifying=flag,
            cpf_eligible=n % 3 == 0,
            experience_mode="peer_learning" if n % 4 == 0 else "",
            provider_siret=siret,
        )
    return network


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({name: st.sampled_from(values) for name, values in FACET_VALUES.items()}), st.booleans())
def test_each_value_counts_the_offers_its_choice_would_list(network, choices, with_place):  # type: ignore[no-untyped-def]
    chosen = filters.MapFilters(**choices, region="53" if with_place else "")
    facets = selectors.map_facets(network=network, filters=chosen)
    for name in FACET_VALUES:
        counted = {value.value: value.count for value in facets[name]}
        for value in FACET_VALUES[name][1:]:
            listed = selectors.map_offers(network=network, filters=dataclasses.replace(chosen, **{name: value})).count()
            key = FACET_KEY.get(value, value) if isinstance(value, bool) else value
            assert counted.get(key, 0) == listed, (name, value, counted)
