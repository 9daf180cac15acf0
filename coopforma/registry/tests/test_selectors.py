# SPDX-License-Identifier: AGPL-3.0-or-later
"""Lookups by SIRET, SIREN, NDA and name (run on PostgreSQL too: DATABASE_URL=postgres://…)."""

import pytest

from coopforma.registry import selectors
from coopforma.registry.tests.factories import CAE, import_sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _register():
    import_sample()


def test_by_siret_siren_and_nda_spaces_allowed():
    assert selectors.find_by_siret("999 000 011 00018").nda == CAE["nda"]
    assert selectors.find_by_nda("11 75 90001 75").siret == CAE["siret"]
    assert [o.nda for o in selectors.find_by_siren("999000011")] == [CAE["nda"]]
    assert selectors.find(nda="", siret=CAE["siret"]).nda == CAE["nda"]
    assert selectors.find(nda="11759000999", siret=CAE["siret"]).nda == "11759000999"
    assert selectors.find_by_siret("12345") is None and selectors.find_by_nda("00000000000") is None
    assert selectors.find_by_siren("1") == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("forma scic", ["SCIC FORMATIONS DU TERRITOIRE (FICTIF)"]),
        ("SCIC  Formations", ["SCIC FORMATIONS DU TERRITOIRE (FICTIF)"]),
        ("etranger", ["ORGANISME ÉTRANGER REPRÉSENTÉ (FICTIF)"]),
        ("réseau ess", ["RÉSEAU ACCOMPAGNEMENT ESS (FICTIF)"]),
        ("Réseau, accompagnement!", ["RÉSEAU ACCOMPAGNEMENT ESS (FICTIF)"]),
        ("coop", ["CAE EXEMPLE COOP (FICTIF) SCOP"]),  # the name only, not « ROUTE DES COOPÉRATIONS »
        ("ormations", []),  # a word's middle is not a prefix
        ("zzz coop", []),
        ("  ", []),
    ],
)
def test_name_search_word_prefixes_accents_and_case_ignored(query, found):
    assert [o.name for o in selectors.search(query)] == found


def test_name_search_is_limited_and_in_name_order():
    found = selectors.search("fictif", limit=3)
    assert len(found) == 3
    assert [o.search_name for o in found] == sorted(o.search_name for o in found)


def test_the_latest_import_dates_the_register():
    latest = selectors.latest_import()
    assert latest is not None and latest.created == 8
