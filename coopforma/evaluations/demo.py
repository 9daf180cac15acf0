# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, built from the records the earlier parts created
(`dashboard.demo` calls the parts in order).

For every finished session: the « à chaud » questionnaire, the trainer's skills assessment and the client's
questionnaire, opened at the end of the session (no e-mail), answered by most people with deterministic
answers (a fixed seed); the most recent session keeps pending invitations and stays open (opened three days
before loading at the latest, so a demo user can answer through a fresh link from its survey page). Sessions
still to come get their surveys planned. The trainees' satisfaction is published on the public training pages.
Through the evaluations services, except the history they cannot write (past surveys and their answers, see the
comments).
"""

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from coopforma.accounts.demo import DemoContext
from coopforma.evaluations import services
from coopforma.evaluations.models import Questionnaire, QuestionType, Survey
from coopforma.training_sessions.models import Session, SessionStatus

COMMENTS = [
    "Très concret, les exercices sur nos propres cas ont beaucoup aidé.",
    "Un peu dense l'après-midi, une pause de plus serait bienvenue.",
    "Formatrice à l'écoute, j'ai pu poser toutes mes questions.",
    "J'aurais aimé plus de temps sur la mise en pratique.",
    "Supports clairs, je les réutilise déjà.",
]


def _answers(survey: Survey, rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for q in survey.snapshot["questions"]:
        name = f"q{q['id']}"
        if q["type"] == QuestionType.SCALE:
            data[name] = str(rng.choices([5, 4, 3, 2], weights=[50, 35, 10, 5])[0])
        elif q["type"] == QuestionType.OBJECTIVES:
            for i in range(len(survey.snapshot["objectives"])):
                data[f"{name}_{i}"] = str(rng.choices([5, 4, 3, 2], weights=[40, 40, 15, 5])[0])
        elif q["type"] == QuestionType.YES_NO:
            data[name] = "1" if rng.random() < 0.9 else "0"
        elif q["type"] in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            data[name] = str(rng.randrange(len(q["choices"])))
        elif q["type"] == QuestionType.TEXT and rng.random() < 0.4:
            data[name] = rng.choice(COMMENTS)
    return data


def load(ctx: DemoContext) -> None:
    org, today = ctx.org, ctx.today
    services.questionnaires_ensure_defaults(org)
    rng = random.Random(20260501)
    questionnaires = {q.kind: q for q in Questionnaire.objects.filter(organisation=org)}
    finished = list(
        Session.objects.filter(organisation=org, status=SessionStatus.DONE, end_date__lt=today).order_by(
            "end_date", "id"
        )
    )
    for index, session in enumerate(finished):
        latest = index == len(finished) - 1
        ended = timezone.make_aware(dt.datetime.combine(session.end_date, dt.time(17, 30)))
        if latest:  # opened three days ago at the latest, so that its links still work when the demo is tried
            ended = max(ended, timezone.now() - dt.timedelta(days=3))
        for kind in ("hot", "skills", "client"):
            # History by the ORM: `surveys_plan` does not create a survey whose answering window is over.
            survey = Survey.objects.create(
                organisation=org, session=session, questionnaire=questionnaires[kind], send_on=session.end_date
            )
            services.survey_open(survey_id=survey.pk, now=ended, notify=False)
            survey.refresh_from_db()
            invitations = list(survey.invitations.select_related("survey__questionnaire", "participant").order_by("pk"))
            for n, invitation in enumerate(invitations):
                if latest and n % 3 == 2:
                    continue  # still pending: the reminders will ask again
                if not latest and rng.random() < 0.15:
                    continue  # never answered
                answered = ended + dt.timedelta(hours=1 + rng.randrange(60))
                rows = services.answers_clean(survey, _answers(survey, rng))
                # History: `response_submit` refuses an answer once the survey is closed (as these past ones
                # are now); the answer is saved as it would have been, at `answered`.
                services._save_response(invitation, rows, answered)
            if not latest and survey.closes_at and survey.closes_at < timezone.now():
                services.survey_close(survey_id=survey.pk, now=survey.closes_at)
    for session in Session.objects.filter(organisation=org, status__in=services.PLANNED_SESSIONS, end_date__gte=today):
        services.surveys_plan(session_id=session.pk, today=today)
    quality = ctx.actor("quality")
    for measure in ("satisfaction", "completion"):
        services.indicator_save(actor=quality, measure=measure, per_training=False, min_sample=5, period_months=12)
