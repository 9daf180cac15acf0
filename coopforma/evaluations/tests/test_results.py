# SPDX-License-Identifier: AGPL-3.0-or-later
"""Results (page, CSV, API), their scoping, the published indicators, and anonymity."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from coopforma.evaluations import selectors, services
from coopforma.evaluations.models import Invitation
from coopforma.evaluations.tests.factories import finished_session, open_survey
from coopforma.evaluations.tests.test_answering import full_answers

pytestmark = pytest.mark.django_db


def _answer_all(session, kind="hot", values=(5, 4, 2), texts=("Zèbre", "Abricot", "Merle")):  # type: ignore[no-untyped-def]
    survey, tokens = open_survey(session, kind)
    text_q = next(q for q in survey.snapshot["questions"] if q["type"] == "text" and not q["required"])
    for (_id, token), value, text in zip(tokens.items(), values, texts, strict=False):
        data = full_answers(survey, satisfaction=value)
        data[f"q{text_q['id']}"] = text
        services.response_submit(survey_id=survey.pk, token=token, data=data)
    return survey


def test_results_page_shows_rates_chart_and_texts_without_names(session, web, quality_user):
    _answer_all(session)
    html = web(quality_user).get(f"/o/{session.organisation.slug}/evaluations/").content.decode()
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "67 %" in html  # 2 of 3 gave 4 or 5
    # the free texts: alphabetical, never with the trainees' names
    assert html.index("Abricot") < html.index("Merle") < html.index("Zèbre")
    for participant in session.participants.select_related("trainee"):
        assert participant.trainee.last_name not in html


def test_the_survey_page_says_who_answered_never_what(session, web, quality_user):
    survey = _answer_all(session, values=(5, 1), texts=("Super formation", "Nul à revoir"))
    html = web(quality_user).get(f"/o/{session.organisation.slug}/evaluations/surveys/{survey.pk}/").content.decode()
    answered = Invitation.objects.filter(survey=survey, answered_at__isnull=False).select_related(
        "participant__trainee"
    )
    assert answered.count() == 2
    assert all(i.participant.trainee.last_name in html for i in answered)  # who answered: shown
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    for row in rows:  # but no row carries both a name and an answer
        if any(i.participant.trainee.last_name in row for i in answered):
            assert "Super formation" not in row and "Nul à revoir" not in row
    # alphabetical, not in answer order (texts with spaces: never inside a random CSRF token)
    assert html.index("Nul à revoir") < html.index("Super formation")


def test_csv_export_has_aggregates_only(session, web, admin_user):
    _answer_all(session)
    response = web(admin_user).get(f"/o/{session.organisation.slug}/evaluations/results.csv?by=training")
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert len(lines) == 3  # header, the training, the total
    assert "Abricot" not in body
    for participant in session.participants.select_related("trainee"):
        assert participant.trainee.last_name not in body


def test_a_trainer_sees_only_the_sessions_they_teach(session, training, web, trainer_user, other_trainer):
    _answer_all(session)
    other = finished_session(training=training)
    other.trainers.add(other_trainer)
    _answer_all(other, values=(1, 1, 1))
    html = web(trainer_user).get(f"/o/{session.organisation.slug}/evaluations/").content.decode()
    assert "1 session retenue" in html
    assert "67 %" in html


def test_published_results_respect_the_minimum_sample_and_show_on_the_public_page(session, training, quality_actor):
    indicator = services.indicator_save(
        actor=quality_actor,
        measure="satisfaction",
        training=None,
        period_months=12,
        min_sample=5,
        is_active=True,
        per_training=True,
    )
    _answer_all(session)  # 3 responses: below 5
    assert selectors.published_results(session.organisation, training) == []
    page = Client().get(f"/f/{session.organisation.slug}/{training.pk}/").content.decode()
    assert "Nos résultats" not in page

    other = finished_session(training=training)
    _answer_all(other, values=(5, 5, 5))
    [result] = selectors.published_results(session.organisation, training)
    assert (result.value, result.n, result.unit) == (83, 6, "%")  # 5 of 6
    assert result.period_end == timezone.localdate()
    page = Client().get(f"/f/{session.organisation.slug}/{training.pk}/").content.decode()
    assert "83 %" in page and "n = 6" in page

    indicator.is_active = False
    indicator.save()
    assert selectors.published_results(session.organisation, training) == []


def test_indicator_below_three_answers_is_refused(quality_actor):
    with pytest.raises(Exception) as exc:
        services.indicator_save(
            actor=quality_actor,
            measure="satisfaction",
            training=None,
            period_months=12,
            min_sample=1,
            is_active=True,
            per_training=True,
        )
    assert "min_sample" in exc.value.message_dict


def test_contract_counts_for_the_quality_app(session):
    survey = _answer_all(session, values=(5, 4))
    org = session.organisation
    assert selectors.answered_counts(org, kind="hot") == {session.pk: (3, 2)}
    assert selectors.answered_counts(org, kind="hot", session_ids=[0]) == {}
    answered = set(
        Invitation.objects.filter(survey=survey, answered_at__isnull=False).values_list("participant_id", flat=True)
    )
    assert selectors.participants_with_answer(org, kind="hot") == answered
    assert selectors.enrolments_with_answer(org, kind="client") == set()


def test_results_page_query_count_does_not_grow(session, training, web, quality_user, django_assert_max_num_queries):
    _answer_all(session)
    client = web(quality_user)
    url = f"/o/{session.organisation.slug}/evaluations/"
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for _ in range(4):
        _answer_all(finished_session(training=training))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_skills_assessment_by_the_trainer(session, web, trainer_user):
    survey, _tokens = open_survey(session, "skills")
    invitation = survey.invitations.first()
    client = web(trainer_user)
    url = f"/o/{session.organisation.slug}/evaluations/acquis/{invitation.pk}/"
    assert invitation.participant.trainee.last_name in client.get(url).content.decode()
    refused = client.post(url, {})
    assert "Répondez à cette question." in refused.content.decode()
    data = full_answers(survey)
    assert client.post(url, data).status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert invitation.response.answers.filter(objective_index=1, value=4).exists()
