# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 15 point 6: the catalogue's LHEO 2.3 export reads back through the map's LHEO import (issue 16) as the same
offers: one per published training, with its title, provider, certification, sessions and places."""

import datetime as dt

import pytest
from django.core.management import call_command

from coopforma.catalogue.tests.test_exports import catalogue  # noqa: F401 - the exports' realistic catalogue
from coopforma.offers.importing import import_lheo
from coopforma.offers.models import Offer, OfferStatus

pytestmark = pytest.mark.django_db


def test_the_catalogue_export_imports_back_as_the_same_offers(org, catalogue, tmp_path):  # noqa: F811
    feed = tmp_path / "offre.xml"
    call_command("catalogue", "export-lheo", "--org", org.slug, "--out", str(feed))

    result = import_lheo(str(feed), source_name="aller-retour", label="Aller-retour")
    assert result.rejections == [] and result.created == 2
    offers = {o.title: o for o in Offer.objects.filter(source=result.source).prefetch_related("sessions")}
    assert set(offers) == {"Gérer une coopérative", "Animer une réunion"}  # published ones only, ours only

    certifying = offers["Gérer une coopérative"]
    assert certifying.status == OfferStatus.ACTIVE and certifying.certifying
    assert any("40344" in code for code in certifying.certification_codes)
    assert certifying.provider_name == org.name and certifying.provider_siret == org.siret
    starts = sorted(s.start for s in certifying.sessions.all() if s.start)
    assert starts == [dt.date(2027, 1, 11), dt.date(2027, 2, 8)]  # the past session is not exported
    cities = {s.city for s in certifying.sessions.all()}
    assert catalogue["at_place"].place.city in cities

    # The same export a second time changes nothing; an unpublished training is retired from the map.
    again = import_lheo(str(feed), source_name="aller-retour")
    assert (again.created, again.updated, again.unchanged, again.retired) == (0, 0, 2, 0)
    catalogue["plain"].is_public = False
    catalogue["plain"].save()
    call_command("catalogue", "export-lheo", "--org", org.slug, "--out", str(feed))
    third = import_lheo(str(feed), source_name="aller-retour")
    assert third.retired == 1
    assert Offer.objects.get(source=result.source, title="Animer une réunion").status == OfferStatus.RETIRED
