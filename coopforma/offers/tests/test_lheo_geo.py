# SPDX-License-Identifier: AGPL-3.0-or-later
"""Places from the communes dataset (issue 16, point 2): a session whose coordinates are missing, impossible or
rounded to the degree is placed at its commune (INSEE code, else postal code and name, else a postal code of one
commune), approximate and flagged; a département that is not the commune's is flagged, not fixed; an unknown
commune stays without a position. LHEO 2.2 and 2.3 fixtures; the map's « within N km » then finds the session."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import filters, geo, selectors
from coopforma.offers.flags import flag_label
from coopforma.offers.importing import import_lheo
from coopforma.offers.models import Offer, OfferRelevance, OfferSession, RelevanceVerdict

FIXTURES = Path(__file__).parent / "fixtures"
FEED23, FEED22 = str(FIXTURES / "lheo23-geo.xml"), str(FIXTURES / "lheo22-geo.xml")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?offers_offer(session)?"?\s', re.IGNORECASE)
RENNES = (48.112, -1.6743)  # the dataset's position of Rennes (35238)


def _place(numero: str) -> tuple:
    s = OfferSession.objects.get(external_id=numero)
    return (s.insee_code, s.postal_code, s.department, s.region, s.latitude, s.longitude, s.geo_precision)


def _flags(numero: str) -> set[str]:
    return set(Offer.objects.get(external_id=numero).flags)


@pytest.mark.parametrize(
    ("codes", "insee", "postal_was_insee"),
    [
        (("35238", "35000", "Rennes"), "35238", False),  # the INSEE code
        (("", "35000", "RENNES"), "35238", False),  # postal code and name
        (("", "35310", "Mordelles"), "35196", False),  # a postal code of five communes, the name says which
        (("", "59000", ""), "59350", False),  # a postal code of one commune (Lille)
        (("", "20200", "BASTIA"), "2B033", False),  # Haute-Corse
        (("35200", "", "Rennes"), "35238", True),  # Rennes's postal code in the INSEE field (35200 is Moutiers)
        (("", "35043", "RENNES CEDEX 9", "35"), "35238", False),  # CEDEX: the name within the département
        (("75115", "75015", "Paris"), "75056", False),  # an arrondissement stands for its city
        (("69383", "", "Lyon 3e"), "69123", False),
        (("2A004", "", ""), "2A004", False),
        (("", "97400", "Saint-Denis", "974"), "97411", False),  # overseas (issue 16, stop 27)
        (("97411", "", ""), "97411", False),
    ],
)
def test_a_place_is_found_by_its_codes(codes: tuple, insee: str, postal_was_insee: bool) -> None:
    located = geo.locate_place(*codes)
    assert located is not None
    assert (located.commune.insee, located.insee_was_postal_code) == (insee, postal_was_insee)
    assert located.commune.precise


@pytest.mark.parametrize(
    "codes",
    [
        ("", "35310", ""),  # a postal code of five communes and no name
        ("", "", "Saint-Denis"),  # a name alone: ten départements have one
        ("97353", "", ""),  # Maripasoula (Guyane): only its département's mean position in the dataset
        ("", "99999", "Nulle part"),
        ("35200", "", ""),  # Moutiers: only its département's mean position in the dataset
    ],
)
def test_a_place_that_the_dataset_does_not_locate_is_none(codes: tuple) -> None:
    assert geo.locate_place(*codes) is None


@pytest.mark.django_db
def test_lheo_23_sessions_without_a_usable_position_are_placed_at_their_commune() -> None:
    import_lheo(FEED23, source_name="carif-geo")
    assert _place("S-ROUND") == ("35238", "35000", "35", "53", *RENNES, "approximate")  # was 48, -2
    assert {"geo_approximate", "geo_from_commune"} <= _flags("G-ROUND")
    assert _place("S-MISSING") == ("59350", "59000", "59", "32", 50.633, 3.0586, "approximate")  # Lille
    assert {"geo_missing", "geo_from_commune"} <= _flags("G-MISSING")
    assert _place("S-INVALID")[4:] == (45.7485, 4.8467, "approximate")  # 0,0 → Lyon (69003, « LYON 3E »)
    assert {"geo_invalid", "geo_from_commune"} <= _flags("G-INVALID")
    assert _place("S-POSTAL") == ("35238", "35200", "35", "53", *RENNES, "approximate")
    assert {"insee_was_postal_code", "geo_from_commune"} <= _flags("G-POSTAL")
    assert _place("S-CEDEX")[:2] == ("35238", "35043") and _place("S-CEDEX")[4:6] == RENNES
    # Corsica: 2A by its INSEE code (rounded 42, 9), 2B by its postal code (missing)
    assert _place("S-2A") == ("2A004", "", "2A", "94", 41.9272, 8.7346, "approximate")
    assert _place("S-2B") == ("2B033", "20200", "2B", "94", 42.7028, 9.45, "approximate")
    # overseas: Saint-Denis de La Réunion (rounded -21, 55) is placed at its commune since the DOM are in the dataset
    assert _place("S-974") == ("97411", "97400", "974", "04", -20.8823, 55.4504, "approximate")
    assert "geo_from_commune" in _flags("G-OUTREMER")
    # kept as before: an unknown commune, precise coordinates
    assert _place("S-UNKNOWN") == ("", "35310", "35", "53", None, None, "")
    assert _flags("G-UNKNOWN") & {"geo_from_commune", "geo_commune_mismatch"} == set()
    assert _place("S-PRECISE") == ("35238", "35000", "35", "53", 48.1173, -1.6778, "precise")
    assert _flags("G-PRECISE") & {"geo_from_commune", "geo_approximate", "geo_missing"} == set()


@pytest.mark.django_db
def test_a_departement_that_is_not_the_communes_is_flagged_not_fixed() -> None:
    import_lheo(FEED23, source_name="carif-geo")
    # 33220 reads as Gironde, but Port-Sainte-Foy-et-Ponchapt is in the Dordogne (24335)
    insee, postal, department, region, lat, lon, precision = _place("S-MISMATCH")
    assert (insee, postal, department, region, precision) == ("24335", "33220", "33", "75", "approximate")
    assert (lat, lon) == (geo.commune_by_insee("24335").lat, geo.commune_by_insee("24335").lon)
    assert "geo_commune_mismatch" in _flags("G-MISMATCH")
    assert "geo_commune_mismatch" not in _flags("G-ROUND") | _flags("G-CORSE") | _flags("G-POSTAL")


@pytest.mark.django_db
def test_lheo_22_postal_code_as_insee_haute_corse_and_guadeloupe() -> None:
    import_lheo(FEED22, source_name="carif-22")
    assert _place("S22-MARSEILLE") == ("13055", "13001", "13", "93", 43.297, 5.3811, "approximate")  # was 43, 5
    assert {"insee_was_postal_code", "geo_approximate", "geo_from_commune"} <= _flags("G22-MARSEILLE")
    assert _place("S22-BASTIA") == ("2B033", "", "2B", "94", 42.7028, 9.45, "approximate")
    assert _place("S22-GUADELOUPE") == ("97120", "97110", "971", "01", 16.2413, -61.5361, "approximate")
    assert "geo_from_commune" in _flags("G22-GUADELOUPE")  # Pointe-à-Pitre


@pytest.mark.django_db
def test_the_same_feed_imported_again_writes_nothing() -> None:
    import_lheo(FEED23, source_name="carif-geo")
    before = list(OfferSession.objects.order_by("id").values_list())
    hashes = dict(Offer.objects.values_list("external_id", "content_hash"))
    with CaptureQueriesContext(connection) as queries:
        result = import_lheo(FEED23, source_name="carif-geo")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []
    assert list(OfferSession.objects.order_by("id").values_list()) == before
    assert dict(Offer.objects.values_list("external_id", "content_hash")) == hashes


@pytest.mark.django_db
def test_the_maps_distance_filter_finds_the_placed_sessions() -> None:
    import_lheo(FEED23, source_name="carif-geo")
    network = NetworkFactory()
    OfferRelevance.objects.bulk_create(
        OfferRelevance(network=network, offer=offer, score=80, verdict=RelevanceVerdict.SHOWN, scored_at=timezone.now())
        for offer in Offer.objects.all()
    )

    def found(**params: str) -> set[str]:
        return {o.external_id for o in selectors.map_offers(network=network, filters=filters.parse(params))}

    # (48, -2), as the source gave it, is 35 km from Rennes: only its commune's position puts it within 10 km
    assert found(near="Rennes", km="10") == {"G-ROUND", "G-POSTAL", "G-CEDEX", "G-PRECISE"}
    assert found(near="Bastia", km="10") == {"G-CORSE"}
    assert found(near="59350", km="5") == {"G-MISSING"}
    assert "G-UNKNOWN" not in found(near="Mordelles", km="30")


def test_the_new_flags_read_in_french() -> None:
    assert flag_label("geo_from_commune") == "Position déduite de la commune"
    assert flag_label("geo_commune_mismatch").startswith("Département, région ou code INSEE")
