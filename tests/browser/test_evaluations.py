# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #5's browser flow: a trainee answers the « à chaud » satisfaction questionnaire on a phone-sized browser
with their personal link, and the satisfaction rate published on the public training page changes
(80 %, n = 5  →  83 %, n = 6)."""

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.evaluations import services
from coopforma.evaluations.models import PublishedIndicator
from coopforma.evaluations.tests.factories import finished_session, open_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_through_service(survey, token, satisfaction):  # type: ignore[no-untyped-def]
    data = {}
    for q in survey.snapshot["questions"]:
        name = f"q{q['id']}"
        if q["type"] == "scale":
            data[name] = str(satisfaction)
        elif q["type"] == "objectives":
            data.update({f"{name}_{i}": "4" for i in range(len(survey.snapshot["objectives"]))})
        elif q["type"] == "yes_no":
            data[name] = "1"
    services.response_submit(survey_id=survey.pk, token=token, data=data)


def test_a_phone_answer_changes_the_published_satisfaction_rate(phone, page, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True)
    PublishedIndicator.objects.create(organisation=org, measure="satisfaction", min_sample=5, per_training=True)
    earlier, tokens = open_survey(finished_session(training=training, trainees=5, days_ago=20), "hot")
    for token, value in zip(tokens.values(), (5, 5, 4, 4, 2), strict=True):
        _answer_through_service(earlier, token, value)

    page.goto(f"/f/{org.slug}/{training.pk}/")
    results = page.locator("#published-results")
    assert "80 %" in results.inner_text() and "n = 5" in results.inner_text()

    survey, tokens = open_survey(finished_session(training=training, trainees=1), "hot")
    phone.goto(f"/q/{survey.pk}/{next(iter(tokens.values()))}/")
    phone.get_by_role("heading", name="Votre avis sur la formation (à chaud)").wait_for()
    phone.get_by_role("button", name="Envoyer mes réponses").click()  # nothing ticked: refused, nothing lost
    phone.get_by_text("Certaines réponses manquent").wait_for()

    for question in survey.snapshot["questions"]:
        group = phone.locator(f"#q{question['id']}")
        if question["type"] == "scale":
            group.get_by_label("5", exact=True).check()
        elif question["type"] == "objectives":
            for i in range(len(survey.snapshot["objectives"])):
                phone.locator(f"#q{question['id']}_{i}").get_by_label("5", exact=True).check()
        elif question["type"] == "yes_no":
            group.get_by_label("Oui").check()
        elif question["type"] == "text":
            group.locator("textarea").fill("Très utile, merci.")
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    phone.get_by_text("Merci, vos réponses sont enregistrées.").wait_for()

    page.goto(f"/f/{org.slug}/{training.pk}/")
    text = page.locator("#published-results").inner_text()
    assert "83 %" in text and "n = 6" in text
