# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Nouveau lien »: a trainee's questionnaire link is e-mailed to the trainee, never shown to staff, so that
nobody (a trainer of the session, the OF's staff) can answer in their place."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopforma.core.tests.leaks import stored_texts
from coopforma.evaluations.models import Invitation
from coopforma.evaluations.tests.factories import open_survey

pytestmark = pytest.mark.django_db


def _new_link(client, org, invitation, capture):  # type: ignore[no-untyped-def]
    url = reverse(
        "evaluations:invitation_link",
        kwargs={"org": org.slug, "survey_id": invitation.survey_id, "invitation_id": invitation.pk},
    )
    with capture(execute=True):
        return client.post(url, follow=True)


def _answer_page(survey, token):  # type: ignore[no-untyped-def]
    return Client().get(f"/q/{survey.pk}/{token}/")


def test_a_trainers_new_link_for_a_trainee_goes_to_the_trainee_only(
    web, org, trainer_user, session, django_capture_on_commit_callbacks
):
    survey, tokens = open_survey(session, "hot")  # anonymous
    invitation = survey.invitations.select_related("participant__trainee").first()
    old = tokens[invitation.pk]
    mail.outbox.clear()
    client = web(trainer_user)
    page = _new_link(client, org, invitation, django_capture_on_commit_callbacks)
    html = page.content.decode()
    assert page.status_code == 200 and "Nouveau lien envoyé par e-mail" in html
    assert f"/q/{survey.pk}/" not in html and "evaluations_link" not in client.session
    [message] = mail.outbox
    assert message.to == [invitation.participant.trainee.email]
    new = re.search(rf"/q/{survey.pk}/(\w+)/", message.body).group(1)
    assert new != old and new not in stored_texts() and new not in html
    assert _answer_page(survey, old).status_code == 404  # the previous link stops working
    assert _answer_page(survey, new).status_code == 200


def test_a_trainee_without_address_gets_no_link_on_screen(
    web, org, trainer_user, session, django_capture_on_commit_callbacks
):
    survey, tokens = open_survey(session, "hot")
    invitation = survey.invitations.select_related("participant__trainee").first()
    trainee = invitation.participant.trainee
    trainee.email = ""
    trainee.save()
    mail.outbox.clear()
    html = _new_link(web(trainer_user), org, invitation, django_capture_on_commit_callbacks).content.decode()
    assert "n&#x27;a pas d&#x27;adresse e-mail" in html and f"/q/{survey.pk}/" not in html
    assert mail.outbox == []
    assert _answer_page(survey, tokens[invitation.pk]).status_code == 200  # refused: nothing changed


def test_a_trainer_cannot_redirect_a_trainees_link_by_changing_the_address(
    web, org, trainer_user, quality_user, session, django_capture_on_commit_callbacks
):
    survey, tokens = open_survey(session, "hot")
    invitation = survey.invitations.select_related("participant__trainee").first()
    trainee = invitation.participant.trainee
    trainee.email = trainer_user.email  # e.g. through the trainee's form, which a trainer may edit
    trainee.save()
    mail.outbox.clear()
    html = _new_link(web(trainer_user), org, invitation, django_capture_on_commit_callbacks).content.decode()
    assert "seul·e le ou la responsable qualité" in html and mail.outbox == []
    assert _answer_page(survey, tokens[invitation.pk]).status_code == 200
    # The quality manager, who checks the address, may send it there.
    html = _new_link(web(quality_user), org, invitation, django_capture_on_commit_callbacks).content.decode()
    assert "Nouveau lien envoyé par e-mail" in html and [m.to for m in mail.outbox] == [[trainer_user.email]]
    assert Invitation.objects.get(pk=invitation.pk).email == trainer_user.email


def test_a_person_without_address_who_is_not_a_trainee_gets_a_link_to_hand_over(
    web, org, admin_user, session, django_capture_on_commit_callbacks
):
    for enrolment in session.enrolments.select_related("client"):
        enrolment.client.email = ""
        enrolment.client.save()
        enrolment.contact = None
        enrolment.save()
    survey, _tokens = open_survey(session, "client")
    invitation = survey.invitations.first()
    assert invitation.email == "" and invitation.participant_id is None
    html = _new_link(web(admin_user), org, invitation, django_capture_on_commit_callbacks).content.decode()
    token = re.search(rf"/q/{survey.pk}/(\w+)/", html).group(1)
    assert "il ne sera plus affiché" in html
    assert _answer_page(survey, token).status_code == 200
