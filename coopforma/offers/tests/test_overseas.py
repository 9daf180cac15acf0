# SPDX-License-Identifier: AGPL-3.0-or-later
"""The overseas départements on the map (issue 16, stop 27): the communes of Guadeloupe (971), Martinique (972),
Guyane (973), La Réunion (974) and Mayotte (976) are in the shipped dataset, found by INSEE code, postal code and
name; the facets name them; a partner's offer or a member's session there is placed at its commune."""

import datetime as dt

import pytest
from django.utils import timezone

from coopforma.accounts.tests.factories import UserFactory
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkOrganisation
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory
from coopforma.offers import filters, geo, selectors, services
from coopforma.offers.models import Offer, OfferSession
from coopforma.offers.tests.map_factories import shown_offer
from coopforma.training_sessions.tests.factories import PlaceFactory, SessionFactory

SAINT_DENIS, CAYENNE, MAMOUDZOU = (-20.8823, 55.4504), (4.9333, -52.3333), (-12.7823, 45.2288)
GUSTAVIA = (17.8962, -62.8498)  # Saint-Barthélemy's main town
COLLECTIVITIES = [
    # INSEE, name, postal code, département, département's name, position (GeoNames: the commune's main town)
    ("97501", "Miquelon-Langlade", "97500", "975", "Saint-Pierre-et-Miquelon", (47.0975, -56.3814)),
    ("97502", "Saint-Pierre", "97500", "975", "Saint-Pierre-et-Miquelon", (46.7791, -56.1773)),
    ("97701", "Saint-Barthélemy", "97133", "977", "Saint-Barthélemy", GUSTAVIA),
    ("97801", "Saint-Martin", "97150", "978", "Saint-Martin", (18.0667, -63.0833)),
]


@pytest.mark.parametrize(
    ("codes", "insee", "departement", "region", "position"),
    [
        (("97411", "", ""), "97411", "974", "04", SAINT_DENIS),
        (("", "97400", "SAINT-DENIS", "974"), "97411", "974", "04", SAINT_DENIS),
        (("", "97490", "Saint-Denis"), "97411", "974", "04", SAINT_DENIS),  # another of its postal codes
        (("97302", "97300", "Cayenne"), "97302", "973", "03", CAYENNE),
        (("", "97300", ""), "97302", "973", "03", CAYENNE),  # a postal code of one commune
        (("97611", "", "Mamoudzou"), "97611", "976", "06", MAMOUDZOU),
        (("", "97600", "MAMOUDZOU"), "97611", "976", "06", MAMOUDZOU),
        (("", "97200", "Fort-de-France"), "97209", "972", "02", (14.6089, -61.0733)),
        (("97120", "", ""), "97120", "971", "01", (16.2413, -61.5361)),  # Pointe-à-Pitre
    ],
)
def test_the_overseas_communes_are_located(
    codes: tuple, insee: str, departement: str, region: str, position: tuple[float, float]
) -> None:
    located = geo.locate_place(*codes)
    assert located is not None
    commune = located.commune
    assert (commune.insee, commune.departement, commune.region, (commune.lat, commune.lon)) == (
        insee,
        departement,
        region,
        position,
    )
    assert commune.precise


def test_every_overseas_departement_and_region_is_named_and_has_its_communes() -> None:
    names = dict(geo.departements())
    assert [names[code] for code in ("971", "972", "973", "974", "976")] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]
    assert [geo.region_name(code) for code in ("01", "02", "03", "04", "06")] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ]
    assert geo.departement_region("974") == "04"
    assert [c.name for c in geo.communes_by_postal_code("97100")] == ["Basse-Terre"]
    assert geo.find_commune("Saint-Denis 97400").insee == "97411"
    assert geo.find_commune("97611").name == "Mamoudzou"
    assert geo.find_commune("Cayenne").insee == "97302"
    # a commune GeoNames does not list keeps its département's mean position, never given as a place
    maripasoula = geo.commune_by_insee("97353")
    assert maripasoula is not None and maripasoula.departement == "973" and not maripasoula.precise
    assert geo.locate_place("97353", "97370", "Maripasoula") is None


def test_distances_and_boxes_around_an_overseas_commune() -> None:
    saint_denis, saint_pierre = geo.commune_by_insee("97411"), geo.commune_by_insee("97416")
    assert saint_denis is not None and saint_pierre is not None
    km = geo.distance_km(saint_denis.lat, saint_denis.lon, saint_pierre.lat, saint_pierre.lon)
    assert 45 < km < 55  # Saint-Denis to Saint-Pierre de La Réunion, as the crow flies
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(saint_denis.lat, saint_denis.lon, 60)
    assert min_lat < saint_pierre.lat < max_lat and min_lon < saint_pierre.lon < max_lon  # south of the equator


@pytest.mark.django_db
def test_the_maps_facets_filters_and_distance_work_overseas() -> None:
    network = NetworkFactory()
    shown_offer(network, title="A Saint-Denis", where="97411")
    shown_offer(network, title="B Cayenne", where="97302")
    shown_offer(network, title="C Mamoudzou", where="97611")
    shown_offer(network, title="D Rennes", where="35238")

    def found(**params: str) -> set[str]:
        return {o.title for o in selectors.map_offers(network=network, filters=filters.parse(params))}

    assert found(departement="974") == {"A Saint-Denis"}
    assert found(region="03") == {"B Cayenne"}
    assert found(near="97416", km="60") == {"A Saint-Denis"}  # from Saint-Pierre de La Réunion
    assert found(near="Mamoudzou", km="10") == {"C Mamoudzou"}
    facets = selectors.map_facets(network=network, filters=filters.parse({}))
    assert [(v.value, v.label, v.count) for v in facets["departement"]] == [
        ("35", "35 Ille-et-Vilaine", 1),
        ("973", "973 Guyane", 1),
        ("974", "974 La Réunion", 1),
        ("976", "976 Mayotte", 1),
    ]
    assert {v.value: v.label for v in facets["region"]} == {
        "03": "Guyane",
        "04": "La Réunion",
        "06": "Mayotte",
        "53": "Bretagne",
    }
    aggregates = selectors.map_aggregates(network=network, filters=filters.parse({"region": "04"}))
    assert aggregates["departements"] == [{"code": "974", "name": "La Réunion", "offers": 1}]
    assert [(p["lat"], p["lon"]) for p in aggregates["points"]] == [(-20.88, 55.45)]


@pytest.mark.django_db
def test_a_partner_offer_in_an_overseas_departement_is_placed_at_its_commune() -> None:
    network = NetworkFactory()
    partner = PartnerFactory(network=network)
    manager = UserFactory()
    partner.managers.add(manager)
    actor = actor_for(manager, network)
    offer = services.partner_offer_create(
        actor=actor,
        partner_id=partner.pk,
        title="Coopérer en Guyane",
        session={"city": "Cayenne", "postal_code": "97300", "places_left": 8},
    )
    session = offer.sessions.get()
    assert (session.insee_code, session.department, session.region, session.geo_precision) == (
        "97302",
        "973",
        "03",
        "approximate",
    )
    assert (session.latitude, session.longitude) == CAYENNE
    added = services.partner_offer_session_add(actor=actor, offer_id=offer.pk, city="SAINT DENIS", postal_code="97490")
    assert (added.insee_code, added.department, added.region, added.latitude, added.longitude) == (
        "97411",
        "974",
        "04",
        *SAINT_DENIS,
    )
    # Maripasoula: only its département's mean position in the dataset, so no position
    unplaced = services.partner_offer_session_add(
        actor=actor, offer_id=offer.pk, city="Maripasoula", postal_code="97370"
    )
    assert (unplaced.department, unplaced.region, unplaced.latitude, unplaced.insee_code) == ("973", "03", None, "")
    # Saint-Barthélemy's postal code is in the 971 range but the collectivity is 977, which has no region
    # (OfferSession.region: two digits); its one commune's postal code places Gustavia, its main town, there.
    gustavia = services.partner_offer_session_add(actor=actor, offer_id=offer.pk, city="Gustavia", postal_code="97133")
    assert (gustavia.department, gustavia.region, gustavia.insee_code, gustavia.latitude, gustavia.longitude) == (
        "977",
        "",
        "97701",
        *GUSTAVIA,
    )


@pytest.mark.django_db
def test_a_member_session_in_mayotte_is_placed_and_a_name_alone_only_when_one_commune_bears_it(org, member) -> None:  # type: ignore[no-untyped-def]
    NetworkOrganisation.objects.create(network=NetworkFactory(), organisation=org)
    training = TrainingFactory(organisation=org, member_structure=member, is_public=True, status="validated")
    start = timezone.localdate() + dt.timedelta(days=10)
    for n, (city, postal) in enumerate((("Mamoudzou", "97600"), ("Cayenne", ""), ("Saint-Denis", ""))):
        place = PlaceFactory(organisation=org, city=city, postal_code=postal)
        SessionFactory(training=training, is_public=True, start_date=start + dt.timedelta(days=n), place=place)
    assert services.sync_member_catalogue(org.pk)["created"] == 1
    sessions = OfferSession.objects.filter(offer=Offer.objects.get()).order_by("start")
    placed = [(s.city, s.insee_code, s.department, s.region, s.latitude, s.longitude) for s in sessions]
    assert placed == [
        ("Mamoudzou", "97611", "976", "06", *MAMOUDZOU),
        ("Cayenne", "97302", "973", "03", *CAYENNE),  # one commune is called Cayenne
        ("Saint-Denis", "", "", "", None, None),  # ten are called Saint-Denis: not guessed
    ]


def test_a_collectivite_has_no_region_of_three_digits():
    from coopforma.exchanges.publication import place_of

    assert geo.departement_region("974") == "04"
    assert geo.departement_region("977") == ""
    place = place_of(city="Gustavia", department="977")
    assert place is not None and place.region == ""


@pytest.mark.parametrize(("insee", "name", "postal", "departement", "departement_name", "position"), COLLECTIVITIES)
def test_the_communes_of_saint_pierre_et_miquelon_saint_barthelemy_and_saint_martin(
    insee: str, name: str, postal: str, departement: str, departement_name: str, position: tuple[float, float]
) -> None:
    """975, 977 and 978 are overseas collectivities: their communes are found by name, INSEE code and postal code,
    their département is named like the DOM's, and they have no region (a region has two digits: the dataset's
    « regions » 975, 977, 978 fit no region column), as `departement_region` says."""
    commune = geo.commune_by_insee(insee)
    assert commune is not None
    assert (commune.name, commune.postal_codes, commune.departement, commune.region, (commune.lat, commune.lon)) == (
        name,
        (postal,),
        departement,
        "",
        position,
    )
    assert commune.precise
    assert commune in geo.communes_by_name(name.upper().replace("-", " "))
    assert commune in geo.communes_by_postal_code(postal)
    assert geo.find_commune(f"{name} ({postal})") == commune
    assert geo.find_commune(insee) == commune
    assert geo.departement_name(departement) == departement_name
    assert geo.departement_region(departement) == ""
    assert dict(geo.departements())[departement] == departement_name
    located = geo.locate_place("", postal, name)
    assert located is not None and located.commune == commune
    assert services._department(postal) == departement  # 97133 and 97150 are not Guadeloupe's


def test_saint_pierre_and_miquelon_share_a_postal_code_so_the_code_alone_places_neither() -> None:
    assert [c.insee for c in geo.communes_by_postal_code("97500")] == ["97501", "97502"]
    assert geo.locate_place("", "97500", "") is None
    assert geo.locate_place("97502", "97500", "").commune.name == "Saint-Pierre"


@pytest.mark.django_db
def test_the_map_lists_the_collectivities_by_departement_not_by_region() -> None:
    network = NetworkFactory()
    shown_offer(network, title="A Saint-Pierre", where="97502")
    shown_offer(network, title="B Saint-Martin", where="97801")
    shown_offer(network, title="C Guadeloupe", where="97120")

    def found(**params: str) -> set[str]:
        return {o.title for o in selectors.map_offers(network=network, filters=filters.parse(params))}

    assert found(departement="975") == {"A Saint-Pierre"}
    assert found(near="97150", km="10") == {"B Saint-Martin"}
    facets = selectors.map_facets(network=network, filters=filters.parse({}))
    assert [(v.value, v.label) for v in facets["departement"]] == [
        ("971", "971 Guadeloupe"),
        ("975", "975 Saint-Pierre-et-Miquelon"),
        ("978", "978 Saint-Martin"),
    ]
    assert [(v.value, v.count) for v in facets["region"]] == [("01", 1)]
