# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records, and `open_survey`, which builds a finished session with an opened
questionnaire through the services (as the scheduled task would)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from coopforma.evaluations import services
from coopforma.evaluations.models import Questionnaire, Survey
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
    services.survey_open(survey=survey)
    survey.refresh_from_db()
    return survey, {i.pk: services.token_for(i) for i in survey.invitations.all()}


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's API addresses by {id}, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, member, trainer, client, training,
    session, enrolment and participant, all with id `i`)."""
    org = records["org"]
    q = questionnaire(org, "hot")
    Survey.objects.create(
        pk=i, organisation=org, session=records["session"], questionnaire=q, send_on=timezone.localdate()
    )
