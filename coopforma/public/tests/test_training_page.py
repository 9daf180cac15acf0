# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public training page shows only validated, public trainings, under their own organisation's slug."""

import pytest
from django.test import Client

from coopforma.catalogue.tests.factories import TrainingFactory

pytestmark = pytest.mark.django_db


def test_only_a_validated_public_training_is_shown_under_its_organisation(org, other_org, member):
    shown = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True)
    hidden = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=False)
    draft = TrainingFactory(organisation=org, member_structure=member, status="draft", is_public=True)
    client = Client()
    assert client.get(f"/f/{org.slug}/{shown.pk}/").status_code == 200
    assert shown.title in client.get(f"/f/{org.slug}/{shown.pk}/").content.decode()
    assert client.get(f"/f/{org.slug}/{hidden.pk}/").status_code == 404
    assert client.get(f"/f/{org.slug}/{draft.pk}/").status_code == 404
    assert client.get(f"/f/{other_org.slug}/{shown.pk}/").status_code == 404  # another organisation's address
