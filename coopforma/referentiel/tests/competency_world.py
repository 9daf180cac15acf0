# SPDX-License-Identifier: AGPL-3.0-or-later
"""A trainee whose skills were assessed on a training linked to the référentiel (shared by the record tests and
the public verification tests)."""

from typing import Any

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.evaluations import services as evaluations
from coopforma.evaluations.models import Question
from coopforma.evaluations.tests.factories import finished_session, open_survey
from coopforma.people.tests.factories import TraineeFactory
from coopforma.referentiel.models import Item, ItemKind, ObjectiveCompetency
from coopforma.referentiel.tests.factories import load_draft, network_with_people
from coopforma.training_sessions.models import Participant
from coopforma.training_sessions.tests.factories import ParticipantFactory

TRAINEE_EMAIL = "paul.martin@example.org"


def assessed_world(org: Any, trainer: Any, *, values: tuple[int, int] = (5, 3), target: str = "maitrise") -> dict:
    """Paul Martin followed a finished session of a training whose objective 0 is linked to competency C1 (target
    `target`) and objective 1 to C2 (no target); the trainer assessed objective 0 at values[0], objective 1 at
    values[1] (1–5). Returns the records by name."""
    people = network_with_people()
    version = load_draft(people["network"], publish=True)
    first, second = Item.objects.filter(version=version, kind=ItemKind.COMPETENCY).order_by("position")[:2]
    training = TrainingFactory(organisation=org, member_structure=trainer.member_structure, title="Coopérer")
    ObjectiveCompetency.objects.create(training=training, objective=0, competency=first, level=target)
    ObjectiveCompetency.objects.create(training=training, objective=1, competency=second)
    session = finished_session(training=training, trainees=0, title="Coopérer — printemps")
    session.trainers.add(trainer)
    trainee = TraineeFactory(organisation=org, first_name="Paul", last_name="Martin", email=TRAINEE_EMAIL)
    participant = ParticipantFactory(
        enrolment__session=session, enrolment__organisation=org, trainee=trainee, status="completed"
    )
    survey, tokens = open_survey(session, "skills")
    invitation = survey.invitations.get(participant=participant)
    answer(survey, tokens[invitation.pk], values)
    return {
        "network": people["network"],
        "version": version,
        "first": first,
        "second": second,
        "training": training,
        "session": session,
        "trainee": trainee,
        "participant": participant,
    }


def answer(survey: Any, token: str, values: tuple[int, int]) -> None:
    data = {}
    for question in Question.objects.filter(questionnaire=survey.questionnaire, is_archived=False):
        if question.type == "objectives":
            data[f"q{question.pk}_0"] = str(values[0])
            data[f"q{question.pk}_1"] = str(values[1])
        elif question.type == "single":
            data[f"q{question.pk}"] = "0"
    evaluations.response_submit(survey_id=survey.pk, token=token, data=data)


def participant_of(trainee: Any) -> Participant:
    return Participant.objects.get(trainee=trainee)
