# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo shows answered questionnaires, pending invitations and a published satisfaction rate."""

import re

import pytest
from django.core import mail
from django.test import Client

from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import Training
from coopforma.dashboard.demo import DEMO_SLUG, demo_load
from coopforma.evaluations.models import Invitation, Response
from coopforma.evaluations.selectors import published_results
from tests.module_data import load_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo, loaded once for the module."""
    var_dir = tmp_path_factory.mktemp("var")
    with load_once(django_db_blocker, lambda: demo_load(var_dir=var_dir, site_url="http://demo")):
        yield


@pytest.fixture
def org(loaded_demo):  # type: ignore[no-untyped-def]  # the demo's organisation (shadows the project-wide one)
    return Organisation.objects.get(slug=DEMO_SLUG)


def test_the_demo_publishes_a_satisfaction_rate_on_the_public_training_pages(org):
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


def test_a_demo_user_can_answer_the_latest_sessions_questionnaire_and_see_the_rate_move(
    org, settings, django_capture_on_commit_callbacks
):
    from coopforma.accounts.actor import actor_for
    from coopforma.accounts.models import User
    from coopforma.evaluations.services import invitation_new_link

    pending = (
        Invitation.objects.filter(
            organisation=org, answered_at__isnull=True, participant__isnull=False, survey__questionnaire__kind="hot"
        )
        .select_related("survey")
        .order_by("-survey__session__end_date")
        .first()
    )
    assert pending is not None
    admin = actor_for(User.objects.get(email="claire.dubois@ensemble.example"), org, "admin")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_new_link(actor=admin, invitation_id=pending.pk).url == ""  # a trainee's link is e-mailed only
    [message] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/q/\S+/)", message.body).group(1)
    form = Client().get(path)
    assert form.status_code == 200, "the latest session's questionnaire must still be open in a fresh demo"
    before = {r.measure: r for r in published_results(org)}["satisfaction"].n
    data = {}
    for q in pending.survey.snapshot["questions"]:
        if q["type"] == "scale":
            data[f"q{q['id']}"] = "5"
        elif q["type"] == "yes_no":
            data[f"q{q['id']}"] = "1"
        elif q["type"] == "objectives":
            data.update({f"q{q['id']}_{i}": "5" for i in range(len(pending.survey.snapshot["objectives"]))})
        elif q["type"] in ("single", "multiple"):
            data[f"q{q['id']}"] = "0"
    assert Client().post(path, data).status_code in (200, 302)
    assert {r.measure: r for r in published_results(org)}["satisfaction"].n == before + 1
