# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records, and `open_survey`, which builds a finished session with an opened
questionnaire through the services (as the scheduled task would)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from coopforma.evaluations import services
from coopforma.evaluations.models import Invitation, PublishedIndicator, Question, Questionnaire, Survey
from coopforma.training_sessions.models import Session
from coopforma.training_sessions.tests.factories import ParticipantFactory, SessionFactory


def questionnaire(organisation: Any, kind: str) -> Questionnaire:
    services.questionnaires_ensure_defaults(organisation)
    return Questionnaire.objects.get(organisation=organisation, kind=kind)


def finished_session(*, training: Any = None, trainees: int = 3, days_ago: int = 2, **kwargs: Any) -> Session:
    end = timezone.localdate() - dt.timedelta(days=days_ago)
    extra = {"training": training} if training is not None else {}
    session = SessionFactory(status="done", start_date=end - dt.timedelta(days=1), end_date=end, **extra, **kwargs)
    session.programme = {**session.programme, "objectives": ["Objectif A", "Objectif B"]}
    session.save()
    for _ in range(trainees):
        ParticipantFactory(enrolment__session=session, enrolment__organisation=session.organisation, status="completed")
    return session


def open_survey(session: Session, kind: str = "hot") -> tuple[Survey, dict[int, str]]:
    """Open the session's survey of `kind`; returns it and {invitation id: token} (tokens re-derived as the
    reminders do)."""
    q = questionnaire(session.organisation, kind)
    survey = Survey.objects.create(
        organisation=session.organisation, session=session, questionnaire=q, send_on=timezone.localdate()
    )
    services.survey_open(survey_id=survey.pk)
    survey.refresh_from_db()
    return survey, {i.pk: services.token_for(i) for i in survey.invitations.all()}


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's pages and API address by id, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, admin, mark, member, trainer, client,
    training, session, enrolment and participant, all with id `i`): a skills questionnaire and its question, its
    survey of the session with an open invitation of the participant, a published indicator."""
    org, mark = records["org"], records["mark"]
    services.questionnaires_ensure_defaults(org)
    q = Questionnaire.objects.create(
        pk=i, organisation=org, kind="skills", respondent="trainer", title=f"Acquis {mark}", is_active=False
    )
    Question.objects.create(pk=i, organisation=org, questionnaire=q, type="objectives", label=f"Objectifs {mark}")
    survey = Survey.objects.create(
        pk=i, organisation=org, session=records["session"], questionnaire=q, send_on=timezone.localdate()
    )
    services.survey_open(survey_id=survey.pk, notify=False)
    Invitation.objects.filter(survey=survey, participant=records["participant"]).update(id=i)
    PublishedIndicator.objects.create(pk=i, organisation=org, measure="satisfaction", training=records["training"])
