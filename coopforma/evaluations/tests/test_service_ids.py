# SPDX-License-Identifier: AGPL-3.0-or-later
"""The evaluation services take ids and find them in the actor's organisation only: another organisation's id
is not found (Http404, as the selectors answer) and nothing is written."""

import pytest
from django.http import Http404

from conftest import make_actor
from coopforma.core.models import ActivityLog
from coopforma.evaluations import services
from coopforma.evaluations.models import Invitation, PublishedIndicator, Question, Survey, SurveyStatus
from coopforma.evaluations.tests.factories import open_survey, questionnaire

pytestmark = pytest.mark.django_db


def test_another_organisations_ids_are_not_found(admin_actor, org, session, stranger, other_org):
    hot = questionnaire(org, "hot")
    question = hot.questions.first()
    survey, _tokens = open_survey(session)
    invitation = survey.invitations.first()
    skills, _ = open_survey(session, "skills")
    assessment = skills.invitations.first()
    indicator = services.indicator_save(actor=admin_actor, measure="satisfaction", period_months=12, min_sample=3)
    them = make_actor(stranger, other_org)
    logged = ActivityLog.objects.count()
    calls = [
        lambda: services.questionnaire_update(actor=them, questionnaire_id=hot.pk, title="pris"),
        lambda: services.question_add(actor=them, questionnaire_id=hot.pk, type="text", label="pris"),
        lambda: services.question_update(actor=them, question_id=question.pk, type="text", label="pris"),
        lambda: services.question_remove(actor=them, question_id=question.pk),
        lambda: services.question_move(actor=them, question_id=question.pk, direction="down"),
        lambda: services.surveys_plan(session_id=session.pk, actor=them),
        lambda: services.survey_send_now(actor=them, survey_id=survey.pk),
        lambda: services.survey_remind_now(actor=them, survey_id=survey.pk),
        lambda: services.survey_close(actor=them, survey_id=survey.pk),
        lambda: services.invitation_new_link(actor=them, invitation_id=invitation.pk),
        lambda: services.skills_assess(actor=them, invitation_id=assessment.pk, data={}),
        lambda: services.indicator_save(actor=them, indicator_id=indicator.pk, min_sample=50),
        lambda: services.indicator_delete(actor=them, indicator_id=indicator.pk),
        lambda: services.survey_close(actor=admin_actor, survey_id=2**70),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert ActivityLog.objects.count() == logged
    hot.refresh_from_db()
    indicator.refresh_from_db()
    assert hot.title != "pris" and Question.objects.filter(pk=question.pk, label=question.label).exists()
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.OPEN
    assert not Invitation.objects.filter(pk=assessment.pk, answered_at__isnull=False).exists()
    assert PublishedIndicator.objects.filter(pk=indicator.pk, min_sample=3).exists()
