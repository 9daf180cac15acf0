# SPDX-License-Identifier: AGPL-3.0-or-later
"""GET /api/v1/quality/indicators: the statuses, their explanation and links, scoped like the dashboard."""

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory

pytestmark = pytest.mark.django_db


def test_indicators_with_explanations_and_links(api, quality_user, org, session):
    body = api(quality_user, org).get("/api/v1/quality/indicators").json()
    rows = body["items"]
    assert body["count"] == 32 and [r["number"] for r in rows] == list(range(1, 33))
    eight = rows[7]
    assert eight["status"] == "missing" and eight["explanation"].startswith("0 sur 3")
    assert all(
        link["url"].startswith(f"/o/{org.slug}/sessions/{session.pk}/participants/") for link in eight["missing"]
    )
    assert rows[6]["status"] == "not_applicable" and rows[6]["applies"] is False


def test_member_manager_gets_their_structure_share(api, manager_user, quality_user, org, other_member, training):
    TrainingFactory(organisation=org, member_structure=other_member, is_public=True, audience="")
    whole = api(quality_user, org).get("/api/v1/quality/indicators/1").json()
    mine = api(manager_user, org).get("/api/v1/quality/indicators/1").json()
    assert whole["status"] == "partial" and mine["status"] == "met"


def test_bad_period_and_unknown_indicator(api, quality_user, org):
    client = api(quality_user, org)
    assert client.get("/api/v1/quality/indicators?start=2026-13-01").status_code == 422
    assert client.get("/api/v1/quality/indicators/33").status_code == 404
    assert client.get("/api/v1/quality/indicators?start=2026-05-01&end=2026-01-01").status_code == 422


def test_trainers_may_not_read_the_indicators(api, trainer_user, trainer, org):
    assert api(trainer_user, org).get("/api/v1/quality/indicators").status_code == 403
