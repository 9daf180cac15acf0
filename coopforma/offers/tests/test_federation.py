# SPDX-License-Identifier: AGPL-3.0-or-later
"""Federation (issue 16, point 6) over real HTTP on loopback: installation A publishes its network's feed
(pytest-django's live_server), installation B — a second network of the same database — subscribes to its URL.

A second pull gets 304 and writes nothing; an offer changed at A is updated at B, one removed at A is retired at
B; an offer B already knew (same SIRET and LHEO numero, or a title alike with the same session dates) is kept once
with two provenances. The fetch refuses private addresses and redirects; the back office's pages are the
moderators' only."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.offers import federation
from coopforma.offers.models import Offer, OfferProvenance, OfferRelevance, OfferSession, OfferSource, SourceKind
from coopforma.offers.tests.network_factories import feed_offer

SIRET = "73282932000074"


def keep(network, offer: Offer) -> Offer:  # type: ignore[no-untyped-def]
    OfferRelevance.objects.create(network=network, offer=offer, verdict="shown", scored_at=timezone.now())
    return offer


def with_session(offer: Offer, start: dt.date, **fields: object) -> Offer:
    OfferSession.objects.create(
        offer=offer, start=start, end=start + dt.timedelta(days=2), city="Lyon", postal_code="69001", **fields
    )
    return offer


@pytest.fixture
def installations(settings):  # type: ignore[no-untyped-def]
    """A: a network showing three offers of an open LHEO source; B: a network with a moderator and two offers of
    its own that A also has (one by SIRET and numero, one by title and dates)."""
    settings.FEDERATION_ALLOW_LOCAL = True
    a = NetworkFactory(slug="reseau-a", name="Réseau A")
    source_a = OfferSource.objects.create(
        name="carif-a", label="Carif A", kind=SourceKind.LHEO, licence="Licence Ouverte 2.0", network=a
    )
    gouvernance = keep(
        a, feed_offer(source_a, title="Gouvernance coopérative", provider_siret=SIRET, provider_name="Coop")
    )
    gouvernance.external_id = "OF-1"
    gouvernance.save()
    with_session(gouvernance, dt.date(2027, 3, 1))
    keep(
        a,
        with_session(
            feed_offer(source_a, title="Comptabilité des Scop", url="https://a.example/2"), dt.date(2027, 4, 1)
        ),
    )
    keep(a, with_session(feed_offer(source_a, title="Animer un tiers-lieu"), dt.date(2027, 5, 10)))
    b = NetworkFactory(slug="reseau-b", name="Réseau B")
    own_b = OfferSource.objects.create(name="carif-b", label="Carif B", kind=SourceKind.LHEO, licence="ODbL", network=b)
    same = keep(b, feed_offer(own_b, title="Gouvernance des coopératives", provider_siret=SIRET))
    same.external_id = "OF-1"
    same.save()
    alike = keep(b, with_session(feed_offer(own_b, title="Le tiers-lieu : animer"), dt.date(2027, 5, 10)))
    moderator = person(b, NetworkRole.MODERATOR).user
    return a, b, moderator, same, alike


def subscribe(live_server, b, moderator):  # type: ignore[no-untyped-def]
    return federation.subscription_create(
        actor=actor_for(moderator, b),
        url=f"{live_server.url}/reseaux/reseau-a/offres.json",
        label="Réseau A",
        kind=SourceKind.FEDERATION,
        licence="Licence Ouverte 2.0",
    )


@pytest.mark.django_db(transaction=True)
def test_two_installations_federate_over_http(live_server, installations) -> None:  # type: ignore[no-untyped-def]
    _a, b, moderator, same, alike = installations
    source = subscribe(live_server, b, moderator)  # pulled at once, after the commit
    created = Offer.objects.filter(source=source)
    assert list(created.values_list("title", flat=True)) == ["Comptabilité des Scop"]
    assert created.get().origin["chain"][0]["installation"] == live_server.url
    # The two offers B already knew are kept once, each with A's feed as a second provenance.
    links = {p.offer_id: p for p in OfferProvenance.objects.filter(source=source)}
    assert set(links) == {same.pk, alike.pk}
    source.refresh_from_db()
    assert source.etag and source.last_modified and source.last_import_at

    # Nothing changed at A: 304, nothing written.
    stamps = list(Offer.objects.order_by("pk").values_list("updated_at", flat=True))
    assert federation.subscription_pull(source.pk).status == "not_modified"
    assert list(Offer.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps

    # Changed at A: updated at B.
    offer_a = Offer.objects.get(title="Comptabilité des Scop", source__name="carif-a")
    offer_a.title = "Comptabilité des Scop et des Scic"
    offer_a.save()
    result = federation.subscription_pull(source.pk)
    assert (result.status, result.updated, result.created) == ("done", 1, 0)
    assert created.get().title == "Comptabilité des Scop et des Scic"

    # Removed at A: retired at B (kept, never deleted).
    Offer.objects.filter(pk=offer_a.pk).update(status="retired", updated_at=timezone.now())
    result = federation.subscription_pull(source.pk)
    assert result.retired == 1 and created.get().status == "retired"

    # B's own feed shows both provenances of the offer it kept once.
    feed = json.loads(b"".join(Client().get("/reseaux/reseau-b/offres.json").streaming_content))
    kept = next(o for o in feed["offers"] if o["id"] == str(same.pk))
    assert [step["source"] for step in kept["provenance"]] == ["Carif B", "Carif A", "Réseau A"]


@pytest.mark.django_db(transaction=True)
def test_an_lheo_url_can_be_subscribed_too(live_server, installations) -> None:  # type: ignore[no-untyped-def]
    _a, b, moderator, _same, _alike = installations
    source = federation.subscription_create(
        actor=actor_for(moderator, b),
        url=f"{live_server.url}/reseaux/reseau-a/offres.lheo.xml",
        label="Réseau A en LHEO",
        kind=SourceKind.LHEO,
    )
    assert Offer.objects.filter(source=source).count() + OfferProvenance.objects.filter(source=source).count() == 3
    assert federation.subscription_pull(source.pk).status == "not_modified"


def test_titles_alike_by_token_set_ratio() -> None:
    norm = federation.normalise_title
    assert federation.token_set_ratio(norm("Animer un tiers-lieu"), norm("Le tiers-lieu : animer")) >= 0.9
    assert federation.token_set_ratio(norm("Gouvernance coopérative"), norm("GOUVERNANCE COOPERATIVE")) == 1
    assert federation.token_set_ratio(norm("Comptabilité des Scop"), norm("Paie et social")) < 0.9


@pytest.mark.parametrize(
    "url",
    [
        "ftp://feeds.example.org/offres.json",
        "http://localhost:8000/offres.json",
        "https://10.0.0.3/offres.json",
        "https://169.254.169.254/latest",
        "https://intranet/offres.json",
        "https://user:secret@feeds.example.org/offres.json",
    ],
)
def test_private_or_odd_addresses_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        federation.feed_url_check(url)


@pytest.mark.django_db
def test_a_redirect_is_not_followed(settings, live_server) -> None:  # type: ignore[no-untyped-def]
    settings.FEDERATION_ALLOW_LOCAL = True
    NetworkFactory(slug="reseau-r")
    # /reseaux/reseau-r/gerer/sources/ redirects an anonymous visitor to the login page
    url = f"{live_server.url}/reseaux/reseau-r/gerer/sources/"
    with pytest.raises(federation.FetchFailed, match="autre adresse"), federation.fetch(url):
        pass


@pytest.mark.django_db
def test_a_feed_that_is_not_ours_writes_nothing_and_bad_records_are_rejected_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io

    with pytest.raises(federation.FetchFailed, match="pas un flux d'offres Coopforma"):
        federation.read_json_feed(io.BytesIO(b'{"offers": []}'))
    with pytest.raises(federation.FetchFailed, match="JSON lisible"):
        federation.read_json_feed(io.BytesIO(b"{oops"))
    records, rejections = federation.read_json_feed(
        io.BytesIO(
            json.dumps(
                {"format": "coopforma-offres", "offers": [{"id": "1", "title": "Bien"}, {"id": "2"}, 3]}
            ).encode()
        )
    )
    assert [r.external_id for r in records] == ["1"]
    assert rejections == ["offre n° 2 : intitulé « title » manquant", "offre n° 3 : ce n'est pas un objet JSON"]


@pytest.mark.django_db
def test_only_the_networks_moderators_manage_its_subscriptions(settings, client: Client) -> None:  # type: ignore[no-untyped-def]
    settings.FEDERATION_ALLOW_LOCAL = True
    ours = NetworkFactory(slug="nous")
    moderator = person(ours, NetworkRole.MODERATOR).user
    source = OfferSource.objects.create(
        name="nous-flux", label="Flux", kind=SourceKind.FEDERATION, url="https://feeds.example.org/o.json", network=ours
    )
    other = NetworkFactory(slug="eux")
    other_moderator = person(other, NetworkRole.MODERATOR).user
    member = person(ours, NetworkRole.MEMBER).user
    # Another network's moderator, with their own slug and our source: 404, nothing changed.
    client.force_login(other_moderator)
    for action in ("relever", "retirer"):
        assert client.post(f"/reseaux/eux/gerer/sources/{source.pk}/{action}/").status_code == 404
    # A simple member of ours: 403 on the page and the buttons; the service refuses too.
    client.force_login(member)
    assert client.get("/reseaux/nous/gerer/sources/").status_code == 403
    assert client.post(f"/reseaux/nous/gerer/sources/{source.pk}/retirer/").status_code == 403
    with pytest.raises(PermissionDenied):
        federation.subscription_remove(actor=actor_for(member, ours), source_id=source.pk)
    source.refresh_from_db()
    assert source.url
    # A stranger: 404.
    client.force_login(UserFactory())
    assert client.get("/reseaux/nous/gerer/sources/").status_code == 404
    # Our moderator: the page, a refused address with a French error, then the unsubscription.
    client.force_login(moderator)
    page = client.get("/reseaux/nous/gerer/sources/")
    assert page.status_code == 200 and "Flux" in page.content.decode()
    refused = client.post(
        "/reseaux/nous/gerer/sources/", {"label": "Privé", "url": "https://10.1.2.3/o.json", "kind": "federation"}
    )
    assert refused.status_code == 200 and "pas une adresse privée" in refused.content.decode()
    assert not OfferSource.objects.filter(label="Privé").exists()
    client.post(f"/reseaux/nous/gerer/sources/{source.pk}/retirer/")
    source.refresh_from_db()
    assert source.url == ""


@pytest.mark.django_db
def test_the_moderators_queue_shows_every_provenance_of_an_offer(client: Client) -> None:
    network = NetworkFactory(slug="file")
    own = OfferSource.objects.create(name="file-carif", label="Carif local", kind=SourceKind.LHEO, network=network)
    fed = OfferSource.objects.create(
        name="file-fed", label="Réseau voisin", kind=SourceKind.FEDERATION, network=network
    )
    offer = feed_offer(
        own,
        title="Gouvernance partagée",
        origin={"chain": [{"source": "Carif lointain", "installation": "https://a.example"}]},
    )
    now = timezone.now()
    OfferProvenance.objects.create(offer=offer, source=fed, external_id="9", first_seen_at=now, last_seen_at=now)
    OfferRelevance.objects.create(network=network, offer=offer, verdict="queue", scored_at=now)
    client.force_login(person(network, NetworkRole.MODERATOR).user)
    page = client.get("/reseaux/file/gerer/pertinence/").content.decode()
    assert "Carif local, Réseau voisin" in page and "Carif lointain — https://a.example" in page
