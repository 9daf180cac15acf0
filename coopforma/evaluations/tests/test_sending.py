# SPDX-License-Identifier: AGPL-3.0-or-later
"""Planning, sending, reminders and closing by `coopforma evaluations send --due`."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coopforma.core.mail import MASKED
from coopforma.core.models import OutboundEmail
from coopforma.core.tests.leaks import stored_texts
from coopforma.evaluations import services
from coopforma.evaluations.models import Invitation, Question, Questionnaire, Survey

pytestmark = pytest.mark.django_db


def test_send_due_plans_opens_mails_reminds_and_closes(session, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("evaluations", "send", "--due", stdout=out)
    assert "ouvert(s)" in out.getvalue()
    hot = Survey.objects.get(session=session, questionnaire__kind="hot")
    assert hot.status == "open"
    assert hot.snapshot["objectives"] == ["Objectif A", "Objectif B"]
    assert hot.invitations.count() == 3
    mails = OutboundEmail.objects.filter(purpose="evaluations.invitation")
    assert mails.count() >= 3
    invitation = hot.invitations.first()
    link = f"/q/{hot.pk}/{services.token_for(invitation)}/"
    assert any(link in m.body for m in mail.outbox if m.to == [invitation.email])  # the person receives it
    assert link not in stored_texts() and MASKED in mails.filter(to=invitation.email).first().readable_body
    # Nothing is stored that opens the questionnaire without the SECRET_KEY: only a hash and a nonce.
    assert invitation.token_hash == services.hash_token(services.token_for(invitation))
    # The cold questionnaire (90 days after) is only planned.
    assert Survey.objects.get(session=session, questionnaire__kind="cold").status == "scheduled"

    call_command("evaluations", "send", "--due", stdout=io.StringIO())  # idempotent: no new e-mail
    assert OutboundEmail.objects.filter(purpose="evaluations.invitation").count() == mails.count()

    later = timezone.now() + dt.timedelta(days=hot.questionnaire.reminder_days, minutes=1)
    report = services.send_due(now=later)
    assert report.reminded >= 3
    assert Invitation.objects.filter(survey=hot, reminders_sent=1).count() == 3
    assert services.send_due(now=later).reminded == 0  # not twice the same day

    closed = services.send_due(now=timezone.now() + dt.timedelta(days=hot.questionnaire.open_days, minutes=1))
    assert closed.closed >= 1
    hot.refresh_from_db()
    assert hot.status == "closed"


def test_the_command_refuses_without_due():
    with pytest.raises(Exception, match="send --due"):
        call_command("evaluations", "send", stdout=io.StringIO())


def test_a_sent_question_is_frozen_and_archived_instead_of_deleted(session, admin_actor):
    q = (
        Questionnaire.objects.get(organisation=session.organisation, kind="hot")
        if Questionnaire.objects.filter(kind="hot").exists()
        else None
    )
    services.questionnaires_ensure_defaults(session.organisation)
    q = Questionnaire.objects.get(organisation=session.organisation, kind="hot")
    fresh = services.question_add(actor=admin_actor, questionnaire_id=q.pk, type="text", label="Nouvelle question")
    services.question_update(actor=admin_actor, question_id=fresh.pk, type="text", label="Reformulée")
    survey = Survey.objects.create(
        organisation=q.organisation, session=session, questionnaire=q, send_on=session.end_date
    )
    services.survey_open(survey_id=survey.pk, notify=False)
    sent = Question.objects.get(pk=fresh.pk)
    with pytest.raises(Exception, match="déjà été envoyée"):
        services.question_update(actor=admin_actor, question_id=sent.pk, type="text", label="Changée")
    assert services.question_remove(actor=admin_actor, question_id=sent.pk) == "archived"
    assert Question.objects.filter(pk=fresh.pk, is_archived=True).exists()
    other = services.question_add(actor=admin_actor, questionnaire_id=q.pk, type="yes_no", label="Jamais envoyée")
    assert services.question_remove(actor=admin_actor, question_id=other.pk) == "deleted"


def test_bad_question_input_is_refused_field_by_field(admin_actor, org):
    services.questionnaires_ensure_defaults(org)
    q = Questionnaire.objects.filter(organisation=org).first()
    with pytest.raises(Exception) as exc:
        services.question_add(actor=admin_actor, questionnaire_id=q.pk, type="single", label="", choices=["seul"])
    assert set(exc.value.message_dict) == {"label", "choices"}
