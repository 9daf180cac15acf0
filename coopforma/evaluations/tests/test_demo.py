# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo shows answered questionnaires, pending invitations and a published satisfaction rate."""

import pytest
from django.test import Client

from coopforma.catalogue.models import Training
from coopforma.dashboard.demo import demo_load
from coopforma.evaluations.models import Invitation, Response
from coopforma.evaluations.selectors import published_results

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_satisfaction_rate_on_the_public_training_pages(tmp_path, settings):
    result = demo_load(var_dir=tmp_path, site_url="http://demo")
    org = result.organisation
    assert Response.objects.filter(organisation=org).count() > 10
    assert Invitation.objects.filter(organisation=org, answered_at__isnull=True).exists()
    published = {r.measure: r for r in published_results(org)}
    assert published["satisfaction"].n >= 5
    training = Training.objects.filter(organisation=org, is_public=True, status="validated").first()
    page = Client().get(f"/f/{org.slug}/{training.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Taux de satisfaction des stagiaires" in html
    assert f"n = {published['satisfaction'].n}" in html
