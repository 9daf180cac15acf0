# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import TrainerFactory
from coopforma.training_sessions.tests.factories import PARIS, ParticipantFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def _upcoming_session(org, member, trainer, title, days=10):  # type: ignore[no-untyped-def]
    start = timezone.localdate() + dt.timedelta(days=days)
    training = TrainingFactory(organisation=org, member_structure=member, title=title)
    session = SessionFactory(training=training, start_date=start, end_date=start, min_capacity=4, title=title)
    session.trainers.add(trainer)
    SlotFactory(
        session=session,
        starts_at=dt.datetime.combine(start, dt.time(9), tzinfo=PARIS),
        ends_at=dt.datetime.combine(start, dt.time(12, 30), tzinfo=PARIS),
    ).trainers.add(trainer)
    return session


def url(org):  # type: ignore[no-untyped-def]
    return reverse("dashboard:home", kwargs={"org": org.slug})


def test_quality_manager_sees_what_to_do(web, quality_user, org, member, trainer):
    session = _upcoming_session(org, member, trainer, "Animer une coopération territoriale")
    ParticipantFactory(enrolment__session=session)
    TrainerFactory(
        organisation=org, member_structure=member, first_name="Nora", last_name="Candidate", onboarding_state="applied"
    )
    TrainingFactory(organisation=org, member_structure=member, title="Gouvernance partagée", status="submitted")
    page = web(quality_user).get(url(org))
    assert page.status_code == 200
    text = page.text
    assert "Animer une coopération territoriale" in text
    assert "avec 1 stagiaire(s) pour un minimum de 4" in text  # under-filled upcoming session
    assert "Candidature de Nora Candidate" in text
    assert "Programme « Gouvernance partagée » soumis à validation" in text


def test_trainer_sees_their_next_slots_and_not_others(
    web, trainer_user, trainer, other_trainer, org, member, other_member
):
    mine = _upcoming_session(org, member, trainer, "Formation de formateurs en coopérative")
    _upcoming_session(org, other_member, other_trainer, "Session d'une autre structure", days=12)
    page = web(trainer_user).get(url(org))
    assert page.status_code == 200
    assert "Mes prochains créneaux" in page.text
    assert mine.title in page.text
    assert "Session d'une autre structure" not in page.text
    assert "Candidature" not in page.text


def test_manager_sees_their_structure_only(web, manager_user, org, member, other_member, trainer, other_trainer):
    _upcoming_session(org, member, trainer, "Session de la CAE")
    _upcoming_session(org, other_member, other_trainer, "Session de la Scop", days=11)
    TrainerFactory(organisation=org, member_structure=other_member, first_name="Zoé", onboarding_state="applied")
    text = web(manager_user).get(url(org)).text
    assert "Session de la CAE" in text
    assert "Session de la Scop" not in text
    assert "Zoé" not in text


def test_admin_is_told_what_the_organisation_lacks(web, admin_user, org):
    org.nda = ""
    org.disability_referent_name = ""
    org.save()
    text = web(admin_user).get(url(org)).text
    assert "Compléter la fiche de l&#x27;organisme" in text or "Compléter la fiche de l'organisme" in text
    assert "numéro de déclaration d" in text and "référent·e handicap" in text


def test_dashboard_query_count_does_not_grow(web, admin_user, org, member, trainer, django_assert_max_num_queries):
    client = web(admin_user)
    for i in range(3):
        _upcoming_session(org, member, trainer, f"S{i}", days=5 + i)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url(org)).status_code == 200
    for i in range(30):
        s = _upcoming_session(org, member, trainer, f"T{i}", days=40 + i)
        ParticipantFactory(enrolment__session=s)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(org)).status_code == 200
