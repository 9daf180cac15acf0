# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every page and API route: another organisation gets 404 (with our slug, or with theirs on the pages naming our
records: tests/permissions.py), a lesser role 403, a trainer only their sessions."""

import re

import pytest

from coopforma.evaluations.models import PublishedIndicator, Questionnaire
from coopforma.evaluations.tests.factories import finished_session, open_survey
from tests.permissions import foreign_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(session, org):  # type: ignore[no-untyped-def]
    survey, _tokens = open_survey(session, "skills")
    questionnaire = Questionnaire.objects.get(organisation=org, kind="hot")
    indicator = PublishedIndicator.objects.create(organisation=org, measure="satisfaction")
    base = f"/o/{org.slug}/evaluations/"
    return {
        "view": [
            base,
            base + "results.csv",
            base + f"sessions/{session.pk}/",
            base + f"surveys/{survey.pk}/",
            base + "acquis/",
            base + f"acquis/{survey.invitations.first().pk}/",
        ],
        "manage": [
            base + "questionnaires/",
            base + f"questionnaires/{questionnaire.pk}/",
            base + f"questions/{questionnaire.questions.first().pk}/",
            base + "indicators/",
            base + f"indicators/{indicator.pk}/",
        ],
        "session_urls": [base + f"sessions/{session.pk}/", base + f"surveys/{survey.pk}/"],
    }


def test_another_organisation_gets_404(world, web, stranger):
    client = web(stranger)
    for url in world["view"] + world["manage"]:
        assert client.get(url).status_code == 404, url


def test_another_organisations_admin_in_their_own_gets_404_on_our_records(request, world):  # type: ignore[no-untyped-def]
    """Their own slug, our ids: 404 (GET, and POST where the page takes one); the pages naming no record are
    theirs (200)."""
    client = foreign_client(request)
    for url in world["view"] + world["manage"]:
        ours = re.search(r"/\d+/$", url) is not None
        assert client.get(url).status_code == (404 if ours else 200), url
        if ours:
            assert client.post(url, {"action": "plan"}).status_code in (404, 405), url


def test_managers_and_trainers_get_403_on_the_builder_and_indicators(world, web, manager_user, trainer_user):
    for user in (manager_user, trainer_user):
        client = web(user)
        for url in world["manage"]:
            assert client.get(url).status_code == 403, url


def test_the_quality_manager_sees_everything(world, web, quality_user):
    client = web(quality_user)
    for url in world["view"] + world["manage"]:
        assert client.get(url).status_code == 200, url


def test_a_trainer_of_another_structure_gets_404_on_this_session(world, web, other_trainer):
    client = web(other_trainer.user)
    for url in world["session_urls"]:
        assert client.get(url).status_code == 404, url
    assert client.post(world["session_urls"][0], {"action": "plan"}).status_code == 404


def test_api_permissions(session, training, api, org, other_org, stranger, trainer_user, quality_user, other_trainer):
    open_survey(session, "hot")
    assert api(stranger, other_org).get(f"/api/v1/sessions/{session.pk}/surveys").status_code == 404
    assert api(trainer_user, org).get("/api/v1/evaluations/questionnaires").status_code == 403
    assert api(other_trainer.user, org).get(f"/api/v1/sessions/{session.pk}/surveys").status_code == 404
    surveys = api(trainer_user, org).get(f"/api/v1/sessions/{session.pk}/surveys").json()["items"]
    assert [(s["kind"], s["invitations"], s["answered"]) for s in surveys] == [("hot", 3, 0)]
    assert api(quality_user, org).get("/api/v1/evaluations/questionnaires").json()["count"] == 7
    other = finished_session(training=training)
    other.trainers.add(other_trainer)
    results = api(trainer_user, org).get("/api/v1/evaluations/results?by=trainer").json()
    assert results["sessions"] == 1
    assert {m["key"] for m in results["metrics"]} >= {"satisfaction", "completion", "dropout"}
    assert api(stranger, other_org).get("/api/v1/evaluations/results").json()["sessions"] == 0
