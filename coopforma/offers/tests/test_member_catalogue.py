# SPDX-License-Identifier: AGPL-3.0-or-later
"""Source (a): a member organisation's published trainings and upcoming public sessions become offers."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.networks.models import NetworkOrganisation
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers.models import Offer, OfferStatus
from coopforma.offers.services import sync_member_catalogue
from coopforma.training_sessions.tests.factories import PlaceFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(org, member):
    return TrainingFactory(
        organisation=org, member_structure=member, is_public=True, status="validated", title="Animer une Scic"
    )


def test_nothing_happens_for_an_organisation_outside_any_network(org, published):
    assert sync_member_catalogue(org.pk) == {"created": 0, "updated": 0, "unchanged": 0, "retired": 0}
    assert not Offer.objects.exists()


def test_published_trainings_and_upcoming_public_sessions_become_offers(org, member, published):
    NetworkOrganisation.objects.create(network=NetworkFactory(), organisation=org)
    TrainingFactory(organisation=org, member_structure=member, is_public=False, status="validated")
    TrainingFactory(organisation=org, member_structure=member, is_public=True, status="draft")
    today = timezone.localdate()
    place = PlaceFactory(organisation=org, city="Lyon", postal_code="69001")
    SessionFactory(training=published, is_public=True, start_date=today + dt.timedelta(days=10), place=place)
    SessionFactory(training=published, is_public=False, start_date=today + dt.timedelta(days=12))
    SessionFactory(training=published, is_public=True, start_date=today - dt.timedelta(days=3))
    SessionFactory(training=published, is_public=True, start_date=today + dt.timedelta(days=20), status="cancelled")

    assert sync_member_catalogue(org.pk)["created"] == 1
    offer = Offer.objects.get()
    assert offer.external_id == f"{org.slug}/{published.pk}"
    assert offer.source.kind == "member_catalogue"
    assert (offer.title, offer.provider_name, offer.status) == ("Animer une Scic", org.name, OfferStatus.ACTIVE)
    assert offer.url.endswith(f"/f/{org.slug}/{published.pk}/")
    assert offer.formacodes == ["15043"] and offer.nsf_codes == ["333"]
    session = offer.sessions.get()
    assert (session.city, session.postal_code, session.department) == ("Lyon", "69001", "69")

    # Idempotent: a second run writes nothing.
    assert sync_member_catalogue(org.pk) == {"created": 0, "updated": 0, "unchanged": 1, "retired": 0}
    published.title = "Animer une Scic, niveau 2"
    published.save()
    assert sync_member_catalogue(org.pk)["updated"] == 1
    # Unpublished: retired, never deleted.
    published.is_public = False
    published.save()
    assert sync_member_catalogue(org.pk)["retired"] == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.RETIRED and offer.retired_at is not None
    published.is_public = True
    published.save()
    assert sync_member_catalogue(org.pk)["updated"] == 1
    assert Offer.objects.get().status == OfferStatus.ACTIVE


def test_leaving_every_network_retires_the_offers(org, published):
    membership = NetworkOrganisation.objects.create(network=NetworkFactory(), organisation=org)
    sync_member_catalogue(org.pk)
    membership.delete()
    assert sync_member_catalogue(org.pk)["retired"] == 1


def test_saves_synchronise_after_the_commit(org, member, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        NetworkOrganisation.objects.create(network=NetworkFactory(), organisation=org)
    assert Offer.objects.filter(status=OfferStatus.ACTIVE).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        published.is_public = False
        published.save()
    assert Offer.objects.get().status == OfferStatus.RETIRED
    with django_capture_on_commit_callbacks(execute=True):
        SessionFactory(training=TrainingFactory(organisation=org, member_structure=member, is_public=True,
                                                status="validated"))  # fmt: skip
    assert Offer.objects.filter(status=OfferStatus.ACTIVE).count() == 1


def test_the_periodic_command(org, published, capsys):
    NetworkOrganisation.objects.create(network=NetworkFactory(), organisation=org)
    call_command("member_catalogues")
    assert "Offres créées : 1" in capsys.readouterr().out
    call_command("member_catalogues", "--org", org.slug)
    assert "inchangées : 1" in capsys.readouterr().out
