# SPDX-License-Identifier: AGPL-3.0-or-later
"""The indicator and questionnaire forms (on core's form-view base): bad input writes nothing and shows the form
again; a valid post calls the service, says so and goes back to the list; a lesser role gets 403."""

import pytest

from coopforma.evaluations.models import PublishedIndicator, Questionnaire

pytestmark = pytest.mark.django_db


def _messages(response):  # type: ignore[no-untyped-def]
    return [str(m) for m in response.wsgi_request._messages]


def test_an_indicator_is_added_edited_and_removed(web, quality_user, org):
    client = web(quality_user)
    base = f"/o/{org.slug}/evaluations/indicators/"
    data = {"measure": "satisfaction", "period_months": 12, "min_sample": 5, "is_active": "on"}

    refused = client.post(base, {**data, "measure": "pas-une-mesure"})
    assert refused.status_code == 200
    assert not PublishedIndicator.objects.filter(organisation=org).exists()

    added = client.post(base, data)
    assert added.status_code == 302 and added["Location"] == base
    assert "Indicateur ajouté." in _messages(added)
    indicator = PublishedIndicator.objects.get(organisation=org)

    edited = client.post(f"{base}{indicator.pk}/", {**data, "min_sample": 9})
    assert edited.status_code == 302 and edited["Location"] == base
    indicator.refresh_from_db()
    assert indicator.min_sample == 9

    removed = client.post(f"{base}{indicator.pk}/", {"action": "delete"})
    assert removed.status_code == 302
    assert not PublishedIndicator.objects.filter(pk=indicator.pk).exists()


def test_an_empty_questionnaire_form_writes_nothing(web, quality_user, org):
    client = web(quality_user)
    url = f"/o/{org.slug}/evaluations/questionnaires/"
    assert client.get(url).status_code == 200  # the page seeds the default questionnaires
    before = Questionnaire.objects.filter(organisation=org).count()
    response = client.post(url, {})
    assert response.status_code == 200
    assert Questionnaire.objects.filter(organisation=org).count() == before


def test_a_manager_may_not_post_an_indicator(web, manager_user, org):
    response = web(manager_user).post(f"/o/{org.slug}/evaluations/indicators/", {"measure": "satisfaction"})
    assert response.status_code == 403
    assert not PublishedIndicator.objects.filter(organisation=org).exists()
