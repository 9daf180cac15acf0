# SPDX-License-Identifier: AGPL-3.0-or-later
"""Answering by the personal link on a phone (/q/<survey>/<token>/): accepted once, refused clearly."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopforma.evaluations import services
from coopforma.evaluations.models import Answer, Invitation, Response
from coopforma.evaluations.tests.factories import finished_session, open_survey

pytestmark = pytest.mark.django_db


def _url(survey, token):  # type: ignore[no-untyped-def]
    return f"/q/{survey.pk}/{token}/"


def full_answers(survey, satisfaction=5):  # type: ignore[no-untyped-def]
    data: dict = {}
    for q in survey.snapshot["questions"]:
        name = f"q{q['id']}"
        if q["type"] == "scale":
            data[name] = str(satisfaction)
        elif q["type"] == "objectives":
            for i in range(len(survey.snapshot["objectives"])):
                data[f"{name}_{i}"] = "4"
        elif q["type"] == "yes_no":
            data[name] = "1"
        elif q["type"] in ("single", "multiple"):
            data[name] = "0"
        elif q["type"] == "text":
            data[name] = "Très bien"
    return data


def test_a_trainee_answers_once_on_the_phone_and_the_response_is_anonymous(session):
    survey, tokens = open_survey(session, "hot")
    invitation_id, token = next(iter(tokens.items()))
    client = Client()
    page = client.get(_url(survey, token))
    assert page.status_code == 200
    assert "Globalement, êtes-vous satisfait·e" in page.content.decode()
    assert "Objectif A" in page.content.decode()  # the session's objectives, one scale each

    done = client.post(_url(survey, token), full_answers(survey))
    assert "Merci, vos réponses sont enregistrées." in done.content.decode()
    invitation = Invitation.objects.get(pk=invitation_id)
    assert invitation.answered_at is not None
    response = Response.objects.get(survey=survey)
    assert response.invitation_id is None  # anonymous: nothing links the answers to the person
    assert isinstance(response.submitted_on, dt.date) and not isinstance(response.submitted_on, dt.datetime)
    assert not hasattr(response, "created_at") or response.created_at is None
    assert Answer.objects.filter(response=response, objective_index=1, value=4).exists()

    again = client.post(_url(survey, token), full_answers(survey, satisfaction=1))
    assert "Vous avez déjà répondu" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_named_questionnaire_keeps_the_link_to_the_invitation(session):
    survey, tokens = open_survey(session, "needs")
    invitation_id, token = next(iter(tokens.items()))
    Client().post(_url(survey, token), full_answers(survey))
    assert Response.objects.get(survey=survey).invitation_id == invitation_id


def test_missing_answers_are_refused_and_what_was_typed_is_kept(session):
    survey, tokens = open_survey(session, "hot")
    token = next(iter(tokens.values()))
    data = full_answers(survey)
    satisfaction = next(q for q in survey.snapshot["questions"] if q["measure"] == "satisfaction")
    del data[f"q{satisfaction['id']}"]
    data[next(f"q{q['id']}" for q in survey.snapshot["questions"] if q["type"] == "text")] = "Mon commentaire gardé"
    page = Client().post(_url(survey, token), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Répondez à cette question." in html
    assert "Mon commentaire gardé" in html
    assert not Response.objects.exists()
    assert Invitation.objects.filter(answered_at__isnull=False).count() == 0


def test_a_token_used_on_another_surveys_url_is_refused(session, training, trainer):
    _survey_a, tokens_a = open_survey(session, "hot")
    other = finished_session(training=training)
    survey_b, _tokens = open_survey(other, "hot")
    page = Client().post(_url(survey_b, next(iter(tokens_a.values()))), full_answers(survey_b))
    assert page.status_code == 404
    assert "ne correspond pas à ce questionnaire" in page.content.decode()
    assert not Response.objects.exists()


def test_unknown_link_closed_survey_and_inactive_participant_are_refused(session):
    survey, tokens = open_survey(session, "hot")
    ids = list(tokens)
    assert Client().get(_url(survey, "nope")).status_code == 404

    inactive = Invitation.objects.get(pk=ids[0])
    inactive.participant.status = "cancelled"
    inactive.participant.save()
    page = Client().post(_url(survey, tokens[ids[0]]), full_answers(survey))
    assert page.status_code == 410
    assert "plus active" in page.content.decode()

    type(survey).objects.filter(pk=survey.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = Client().post(_url(survey, tokens[ids[1]]), full_answers(survey))
    assert page.status_code == 410
    assert "Ce questionnaire est clos" in page.content.decode()
    assert not Response.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(max_size=5), st.integers(min_value=-10, max_value=20).map(str)))
def test_any_posted_scale_value_is_either_stored_in_range_or_refused(session_for_hypothesis, value):
    survey, _token = session_for_hypothesis
    data = full_answers(survey)
    satisfaction = next(q for q in survey.snapshot["questions"] if q["measure"] == "satisfaction")
    data[f"q{satisfaction['id']}"] = value
    try:
        rows = services.answers_clean(survey, data)  # pure: nothing is written, so the fixture may be shared
    except ValidationError as exc:
        assert f"q{satisfaction['id']}" in exc.message_dict
        return
    stored = next(r for r in rows if r["question_id"] == satisfaction["id"])
    assert 1 <= stored["value"] <= 5


@pytest.fixture
def session_for_hypothesis(session):  # type: ignore[no-untyped-def]
    survey, tokens = open_survey(session, "hot")
    return survey, next(iter(tokens.values()))
