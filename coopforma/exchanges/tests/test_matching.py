# SPDX-License-Identifier: AGPL-3.0-or-later
"""Matching (exchanges/matching.py): the score of a pair and its reasons, its properties (hypothesis), and
`refresh_suggestions` (idempotent; DISMISSED and ARRANGED never touched), its task and its command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopforma.exchanges import matching
from coopforma.exchanges.matching import Side, haversine_km, score_pair
from coopforma.exchanges.models import ExchangeFormat, Listing, ListingKind, ListingState, Suggestion, SuggestionState
from coopforma.exchanges.tests.factories import ListingFactory, MemberFactory, joined_member
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.referentiel.models import ItemKind
from coopforma.referentiel.tests.factories import load_draft

LYON = (45.758, 4.835)
VILLEURBANNE = (45.771, 4.880)  # ~4 km
GRENOBLE = (45.188, 5.724)  # ~94 km


def side(**kwargs):  # type: ignore[no-untyped-def]
    if "title" in kwargs:
        kwargs["words"] = matching.title_words(kwargs.pop("title"))
    return Side(**kwargs)


# --- the score of a pair -------------------------------------------------------------------------------------------


def test_a_shared_competency_is_the_strongest_reason():
    offer = side(competencies={1: "Animer", 2: "Faciliter"}, formats=frozenset({"visit", "workshop"}))
    request = side(competencies={1: "Animer"}, formats=frozenset({"visit"}))
    fit = score_pair(offer, request, travel_km=50)
    assert fit is not None
    assert fit.score == matching.COMPETENCY + matching.FORMATS
    assert [r["code"] for r in fit.reasons] == ["competencies", "formats"]
    assert fit.reasons[0]["label"] == "Compétences en commun : Animer"
    assert fit.reasons[1]["label"] == "Formats en commun : Visite"


def test_a_shared_parent_counts_less_than_a_competency():
    parent = score_pair(
        side(competencies={1: "A"}, parents={10: "Animateur·rice de tiers-lieu"}),
        side(competencies={2: "B"}, parents={10: "Animateur·rice de tiers-lieu"}),
        travel_km=50,
    )
    exact = score_pair(side(competencies={1: "A"}), side(competencies={1: "A"}), travel_km=50)
    assert parent is not None and exact is not None and parent.score < exact.score
    assert parent.reasons[0]["label"] == "Même métier ou bloc du référentiel : Animateur·rice de tiers-lieu"


def test_words_in_common_count_without_competencies_accents_and_stems_ignored():
    fit = score_pair(
        side(title="Gouvernance partagée d'une coopérative"),
        side(title="La gouvernance des coopératives"),
        travel_km=50,
    )
    assert fit is not None and fit.score == matching.WORDS + matching.WORDS_MORE
    assert fit.reasons[0]["code"] == "words"
    # Competencies on both sides: the titles' words do not count.
    assert (
        score_pair(
            side(title="Gouvernance", competencies={1: "A"}),
            side(title="Gouvernance", competencies={2: "B"}),
            travel_km=50,
        )
        is None
    )


def test_nothing_in_common_on_what_is_no_fit():
    assert score_pair(side(title="Compostage"), side(title="Comptabilité"), travel_km=50) is None
    assert score_pair(side(formats=frozenset({"visit"})), side(formats=frozenset({"visit"})), travel_km=50) is None


def test_level_at_or_above_the_request():
    base = {"competencies": {1: "A"}}
    above = score_pair(side(level="maitrise", **base), side(level="pratique", **base), travel_km=50)
    below = score_pair(side(level="notions", **base), side(level="pratique", **base), travel_km=50)
    assert above is not None and below is not None and above.score == below.score + matching.LEVEL
    assert above.reasons[-1]["label"] == "Niveau proposé : Maîtrise (demandé : Pratique)"


def test_distance_within_the_travel_distance_unless_remote():
    base = {"competencies": {1: "A"}}
    near = score_pair(side(latitude=LYON[0], longitude=LYON[1], **base),
                      side(latitude=VILLEURBANNE[0], longitude=VILLEURBANNE[1], **base), travel_km=50)  # fmt: skip
    assert near is not None and near.distance_km == 4 and near.reasons[-1]["code"] == "distance"
    far = {"latitude": GRENOBLE[0], "longitude": GRENOBLE[1]}
    lyon = {"latitude": LYON[0], "longitude": LYON[1]}
    assert score_pair(side(**far, **base), side(**lyon, **base), travel_km=50) is None
    assert score_pair(side(**far, **base), side(**lyon, **base), travel_km=120) is not None
    remote = score_pair(side(**far, remote=True, **base), side(**lyon, **base), travel_km=50)
    assert remote is not None and remote.distance_km == 94 and "Possible à distance" in remote.reasons[-1]["label"]


def test_availability_windows_must_overlap():
    base = {"competencies": {1: "A"}}
    may, june = dt.date(2027, 5, 1), dt.date(2027, 6, 1)
    assert score_pair(side(available_until=may, **base), side(available_from=june, **base), travel_km=50) is None
    fit = score_pair(side(available_from=may, **base), side(available_until=june, **base), travel_km=50)
    assert fit is not None and fit.reasons[-1]["code"] == "dates"


def test_haversine():
    assert haversine_km(*LYON, *LYON) == 0
    assert 93 < haversine_km(*LYON, *GRENOBLE) < 95


# --- properties --------------------------------------------------------------------------------------------------

COMPETENCIES = st.dictionaries(st.integers(1, 6), st.just("C"), max_size=4)
PARENTS = st.dictionaries(st.integers(10, 13), st.just("P"), max_size=2)
TITLES = st.lists(st.sampled_from(["gouvernance", "coopérative", "compostage", "tiers-lieu", "médiation"]), max_size=3)
FORMATS = st.frozensets(st.sampled_from(ExchangeFormat.values), max_size=3)
LAT = st.one_of(st.none(), st.floats(43.0, 50.0))
LON = st.floats(-1.0, 7.0)
DAY = st.one_of(st.none(), st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31)))


@st.composite
def sides(draw, level=True):  # type: ignore[no-untyped-def]
    start, end = sorted([draw(DAY) or dt.date.min, draw(DAY) or dt.date.max])
    return Side(
        competencies=draw(COMPETENCIES),
        parents=draw(PARENTS),
        words=matching.title_words(" ".join(draw(TITLES))),
        formats=draw(FORMATS),
        level=draw(st.sampled_from(["", "notions", "pratique", "maitrise", "transmission"])) if level else "",
        latitude=draw(LAT),
        longitude=draw(LON),
        remote=draw(st.booleans()),
        available_from=None if start == dt.date.min else start,
        available_until=None if end == dt.date.max else end,
    )


@given(sides(), sides(), st.integers(0, 500))
@settings(max_examples=300, deadline=None)
def test_the_score_is_bounded_and_the_reasons_say_why(offer, request, travel):
    fit = score_pair(offer, request, travel_km=travel)
    if fit is not None:
        assert 0 < fit.score <= matching.MAX_SCORE
        assert fit.reasons and all(set(r) == {"code", "label"} and r["label"] for r in fit.reasons)
        assert fit.reasons[0]["code"] in ("competencies", "parent", "words")


@given(sides(level=False), sides(level=False), st.integers(0, 500))
@settings(max_examples=300, deadline=None)
def test_without_levels_the_score_is_symmetric(a, b, travel):
    """Swapping the offer and the request changes nothing but the level (which compares one to the other)."""
    one, two = score_pair(a, b, travel_km=travel), score_pair(b, a, travel_km=travel)
    assert (one is None) == (two is None)
    if one is not None and two is not None:
        assert one.score == two.score and one.distance_km == two.distance_km


@given(sides(), sides(), st.integers(0, 500))
@settings(max_examples=200, deadline=None)
def test_a_competency_in_common_never_lowers_the_score(offer, request, travel):
    before = score_pair(offer, request, travel_km=travel)
    shared = Side(**{**offer.__dict__, "competencies": {**offer.competencies, 99: "X"}})
    wanted = Side(**{**request.__dict__, "competencies": {**request.competencies, 99: "X"}})
    after = score_pair(shared, wanted, travel_km=travel)
    if before is not None:
        assert after is not None and after.score >= min(before.score, matching.COMPETENCY)


@given(st.floats(-80, 80), st.floats(-179, 179), st.floats(-80, 80), st.floats(-179, 179))
def test_haversine_is_symmetric(lat1, lon1, lat2, lon2):
    assert haversine_km(lat1, lon1, lat2, lon2) == pytest.approx(haversine_km(lat2, lon2, lat1, lon1), abs=1e-6)


# --- refresh -----------------------------------------------------------------------------------------------------


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    return NetworkFactory(slug="reseau-coop", name="Réseau coop")


def member_with(network, offer_title: str, request_title: str, **member):  # type: ignore[no-untyped-def]
    person = joined_member(network, **member)
    person.listings.filter(kind=ListingKind.OFFER).update(title=offer_title)
    person.listings.filter(kind=ListingKind.REQUEST).update(title=request_title)
    return person


def test_refresh_suggests_fitting_offers_of_other_members(network):
    alice = member_with(network, "Gouvernance partagée en coopérative", "Compostage collectif")
    bob = member_with(network, "Compostage de quartier", "Gouvernance d'une coopérative")
    member_with(network, "Cuisine", "Menuiserie")
    summary = matching.refresh_suggestions(network)
    assert summary.created == 2
    pairs = {(s.offer.member_id, s.request.member_id) for s in Suggestion.objects.all()}
    assert pairs == {(alice.pk, bob.pk), (bob.pk, alice.pk)}
    # Idempotent: nothing new the second time.
    again = matching.refresh_suggestions(network)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_refresh_never_matches_a_member_with_themself_nor_another_network(network):
    member_with(network, "Gouvernance partagée", "Gouvernance partagée")
    other = NetworkFactory()
    member_with(other, "Gouvernance partagée", "Compost")
    assert matching.refresh_suggestions(network).created == 0


def test_refresh_updates_and_removes_proposed_ones_but_never_decided_ones(network):
    alice = member_with(network, "Gouvernance partagée en coopérative", "Compostage collectif")
    bob = member_with(network, "Compostage de quartier", "Gouvernance d'une coopérative")
    matching.refresh_suggestions(network)
    to_bob = Suggestion.objects.get(offer__member=alice)
    to_alice = Suggestion.objects.get(offer__member=bob)
    to_bob.state = SuggestionState.DISMISSED
    to_bob.save()
    scores = (to_alice.score, to_bob.score)
    # The offers now teach at a higher level than requested: the proposed one is rescored, the dismissed one not.
    Listing.objects.filter(network=network, kind=ListingKind.OFFER).update(level="maitrise")
    Listing.objects.filter(network=network, kind=ListingKind.REQUEST).update(level="notions")
    summary = matching.refresh_suggestions(network)
    assert (summary.created, summary.updated, summary.removed) == (0, 1, 0)
    to_alice.refresh_from_db()
    to_bob.refresh_from_db()
    assert to_alice.score == scores[0] + matching.LEVEL and to_bob.score == scores[1]
    assert to_bob.state == SuggestionState.DISMISSED
    # Bob's offer closes: the proposed suggestion goes; the dismissed one stays dismissed (never re-proposed).
    Listing.objects.filter(member=bob, kind=ListingKind.OFFER).update(state=ListingState.CLOSED)
    assert matching.refresh_suggestions(network).removed == 1
    assert not Suggestion.objects.filter(pk=to_alice.pk).exists()
    for _ in range(2):
        matching.refresh_suggestions(network)
        assert Suggestion.objects.get(pk=to_bob.pk).state == SuggestionState.DISMISSED
        assert Suggestion.objects.filter(offer__member=alice).count() == 1


def test_refresh_removes_what_no_longer_fits(network):
    alice = member_with(network, "Gouvernance partagée", "Compostage")
    member_with(network, "Compostage", "Gouvernance partagée")
    matching.refresh_suggestions(network)
    Listing.objects.filter(member=alice, kind=ListingKind.OFFER).update(title="Menuiserie")
    assert matching.refresh_suggestions(network).removed == 1
    assert Suggestion.objects.count() == 1


def test_refresh_respects_the_travel_distance_and_remote(network):
    member_with(network, "Gouvernance partagée", "Cuisine", latitude=GRENOBLE[0], longitude=GRENOBLE[1])
    lyon = member_with(network, "Menuiserie", "Gouvernance partagée", travel_km=30)
    assert matching.refresh_suggestions(network).created == 0
    Listing.objects.filter(member=lyon, kind=ListingKind.REQUEST).update(is_remote=True)
    matching.refresh_suggestions(network)
    suggestion = Suggestion.objects.get()
    assert suggestion.distance_km == 94 and "Possible à distance" in [r["label"] for r in suggestion.reasons]


def test_refresh_with_competencies_and_parents(network):
    version = load_draft(network, publish=True)
    competencies = list(version.items.filter(kind=ItemKind.COMPETENCY, parent__isnull=False).order_by("position"))
    first = competencies[0]
    sibling = next(c for c in competencies[1:] if c.parent_id == first.parent_id)
    alice = member_with(network, "Offre A", "Demande A")
    bob = member_with(network, "Offre B", "Demande B")
    alice.listings.get(kind=ListingKind.OFFER).competencies.add(first)
    bob.listings.get(kind=ListingKind.REQUEST).competencies.add(sibling)
    matching.refresh_suggestions(network)
    suggestion = Suggestion.objects.get()
    assert suggestion.reasons[0]["code"] == "parent" and first.parent.label in suggestion.reasons[0]["label"]
    bob.listings.get(kind=ListingKind.REQUEST).competencies.add(first)
    assert matching.refresh_suggestions(network).updated == 1
    suggestion.refresh_from_db()
    assert suggestion.reasons[0]["code"] == "competencies" and first.label in suggestion.reasons[0]["label"]


def test_members_who_have_not_joined_are_not_matched(network):
    member_with(network, "Gouvernance partagée", "Cuisine")
    pending = MemberFactory(network=network, joined_at=None)
    ListingFactory(member=pending, kind=ListingKind.REQUEST, title="Gouvernance partagée")
    assert matching.refresh_suggestions(network).created == 0


def test_the_task_runs_on_commit(network, django_capture_on_commit_callbacks):
    member_with(network, "Gouvernance partagée", "Cuisine")
    member_with(network, "Menuiserie", "Gouvernance partagée")
    with django_capture_on_commit_callbacks(execute=True):
        matching.schedule_refresh(network.pk)
        assert Suggestion.objects.count() == 0  # not before the commit
    assert Suggestion.objects.count() == 1


def test_the_command(network):
    member_with(network, "Gouvernance partagée", "Cuisine")
    member_with(network, "Menuiserie", "Gouvernance partagée")
    out = StringIO()
    call_command("exchanges", "match", "--network", "reseau-coop", stdout=out)
    assert "Suggestions du réseau Réseau coop : 1 nouvelle(s), 0 mise(s) à jour, 0 retirée(s)." in out.getvalue()
    with pytest.raises(CommandError, match="Aucun réseau « inconnu »"):
        call_command("exchanges", "match", "--network", "inconnu")


def test_dates_relative_to_today(network):
    today = timezone.localdate()
    alice = member_with(network, "Gouvernance partagée", "Cuisine")
    bob = member_with(network, "Menuiserie", "Gouvernance partagée")
    Listing.objects.filter(member=alice, kind=ListingKind.OFFER).update(available_until=today + dt.timedelta(days=10))
    Listing.objects.filter(member=bob, kind=ListingKind.REQUEST).update(available_from=today + dt.timedelta(days=30))
    assert matching.refresh_suggestions(network).created == 0


# At most 6 words: a title holds 200 characters (PostgreSQL refuses longer ones; SQLite would not say).
WORDS_OF_TITLES = st.lists(
    st.sampled_from(["gouvernance", "coopérative", "compostage", "menuiserie"]), min_size=1, max_size=6
)


@given(st.lists(st.tuples(WORDS_OF_TITLES, WORDS_OF_TITLES), min_size=2, max_size=4), st.data())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_dismissed_pair_is_never_proposed_again(db, members, data):
    """Whatever the listings become, a pair the facilitators dismissed stays dismissed with its score, and the
    refresh stays idempotent."""
    with transaction.atomic():
        network = NetworkFactory()
        people = [member_with(network, " ".join(offer), " ".join(request)) for offer, request in members]
        matching.refresh_suggestions(network)
        suggestions = list(Suggestion.objects.filter(network=network))
        dismissed = {x.pk: x.score for x in suggestions if data.draw(st.booleans())}
        Suggestion.objects.filter(pk__in=dismissed).update(state=SuggestionState.DISMISSED)
        for member in people:
            Listing.objects.filter(member=member, kind=ListingKind.OFFER).update(
                title=" ".join(data.draw(WORDS_OF_TITLES)), is_remote=data.draw(st.booleans())
            )
        matching.refresh_suggestions(network)
        again = matching.refresh_suggestions(network)
        assert (again.created, again.updated, again.removed) == (0, 0, 0)
        for pk, score in dismissed.items():
            row = Suggestion.objects.get(pk=pk)
            assert row.state == SuggestionState.DISMISSED and row.score == score
        transaction.set_rollback(True)
