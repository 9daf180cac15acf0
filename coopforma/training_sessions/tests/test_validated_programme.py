# SPDX-License-Identifier: AGPL-3.0-or-later
"""A session is created and confirmed only from a validated programme (L6353-1, Qualiopi indicator 1; issue 11)."""

import pytest

from coopforma.training_sessions.models import Session
from coopforma.training_sessions.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def url(org, rest=""):  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/sessions/{rest}"


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_no_session_from_a_programme_not_validated(state, web, manager_user, org, training, api, admin_user):
    training.status = state
    training.save()
    client = web(manager_user)
    form = client.get(url(org, "new/")).content.decode()
    assert f'<option value="{training.pk}"' not in form  # only validated trainings are offered
    data = {"training": training.pk, "title": "Session", "status": "confirmed", "min_capacity": 1, "max_capacity": 8}
    assert client.post(url(org, "new/"), data).status_code == 200
    response = api(admin_user, org).post(
        "/api/v1/sessions",
        {"training_id": training.pk, "title": "Par l'API", "status": "draft"},
        content_type="application/json",
    )
    assert response.status_code == 422
    message = str(response.json())
    assert "une session se crée et se confirme à partir d'un programme validé" in message and "L6353-1" in message
    assert not Session.objects.filter(training=training).exists()


def test_a_draft_session_is_not_confirmed_once_its_programme_went_back_to_draft(web, manager_user, org, training):
    session = SessionFactory(training=training, status="draft")
    training.status = "draft"
    training.save()
    response = web(manager_user).post(url(org, f"{session.pk}/status/"), {"status": "confirmed"}, follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert "est à l'état « Brouillon » : une session se crée et se confirme à partir d'un programme validé" in page
    session.refresh_from_db()
    assert session.status == "draft"
    training.status = "validated"
    training.save()
    web(manager_user).post(url(org, f"{session.pk}/status/"), {"status": "confirmed"})
    session.refresh_from_db()
    assert session.status == "confirmed"
