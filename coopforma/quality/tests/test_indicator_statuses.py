# SPDX-License-Identifier: AGPL-3.0-or-later
"""Statuses computed from the records: what counts, what is missing, and why."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents.models import Delivery, Document
from coopforma.evaluations.models import Invitation
from coopforma.evaluations.tests.factories import open_survey
from coopforma.people.tests.factories import TrainerFactory
from coopforma.quality import indicator_statuses, services
from coopforma.quality.indicators import BY_NUMBER, INDICATORS, Profile, applicability
from coopforma.quality.models import Complaint, Evidence, QualitySettings, WatchEntry
from coopforma.quality.tests.conftest import make_session
from coopforma.training_sessions.models import Participant

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def status(org, number, **kwargs):  # type: ignore[no-untyped-def]
    return next(s for s in indicator_statuses.compute(org, **kwargs) if s.number == number)


def test_the_32_indicators_are_numbered_once_with_their_criteria():
    assert [i.number for i in INDICATORS] == list(range(1, 33))
    criteria = {i.number: i.criterion for i in INDICATORS}
    assert criteria[1] == 1 and criteria[4] == 2 and criteria[9] == 3 and criteria[17] == 4
    assert criteria[21] == 5 and criteria[23] == 6 and criteria[30] == 7
    common = {i.number for i in INDICATORS if i.scope == "all"}
    assert common == {1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 17, 18, 19, 21, 22, 23, 24, 25, 26, 30, 31, 32}
    assert {i.number for i in INDICATORS if i.new_entrant} == {2, 3, 11, 13, 14, 19, 22, 24, 25, 26, 30, 31, 32}


def test_applicability_follows_the_activities():
    bare = Profile(frozenset({"training"}), False, False, False, False, False)
    assert sum(applicability(i, bare)[0] for i in INDICATORS) == 22
    cfa = Profile(frozenset({"training", "apprenticeship"}), True, True, True, True, False)
    assert all(applicability(i, cfa)[0] for i in INDICATORS)
    vae = Profile(frozenset({"vae"}), False, False, False, False, False)
    assert applicability(BY_NUMBER[3], vae)[0] and applicability(BY_NUMBER[16], vae)[0]
    assert not applicability(BY_NUMBER[7], vae)[0]


def test_a_bare_organisation_has_no_met_indicator_and_says_why(org):
    statuses = indicator_statuses.compute(org)
    assert len(statuses) == 32
    assert not any(s.status == indicator_statuses.MET for s in statuses)
    na = [s for s in statuses if s.status == indicator_statuses.NOT_APPLICABLE]
    assert {s.number for s in na} == {3, 7, 13, 14, 15, 16, 20, 27, 28, 29}
    assert "certifi" in status(org, 7).explanation


def test_indicator_1_lists_the_published_trainings_missing_fields(org, member, training):
    assert status(org, 1).status == indicator_statuses.MET
    incomplete = TrainingFactory(organisation=org, member_structure=member, is_public=True, prerequisites="")
    s = status(org, 1)
    assert s.status == indicator_statuses.PARTIAL
    assert [link.url for link in s.missing] == [f"/o/{org.slug}/catalogue/{incomplete.pk}/"]
    assert "absent de la page publique : Prérequis" in s.missing[0].label


def test_positioning_needs_analysis_and_skills_come_from_the_answers(org, session):
    participants = list(Participant.objects.filter(session=session).order_by("pk"))
    assert status(org, 8).status == indicator_statuses.MISSING
    survey, _tokens = open_survey(session, "needs")
    Invitation.objects.filter(survey=survey, participant=participants[0]).update(answered_at=timezone.now())
    s8 = status(org, 8)
    assert s8.status == indicator_statuses.PARTIAL and len(s8.counted) == 1 and len(s8.missing) == 2
    assert s8.explanation.startswith("1 sur 3")
    assert status(org, 4).status == indicator_statuses.MET  # the one enrolment has an analysed need
    session.trainers.clear()  # one skills invitation per trainee (here without a trainer to answer it)
    skills, _tokens = open_survey(session, "skills")
    Invitation.objects.filter(survey=skills).update(answered_at=timezone.now())
    assert status(org, 11).status == indicator_statuses.MET


def test_indicator_9_needs_the_convocation_and_the_rules_delivered_to_each_trainee(org, session):
    participant_type = ContentType.objects.get_for_model(Participant)
    participants = list(Participant.objects.filter(session=session).select_related("trainee"))
    for participant in participants:
        participant.trainee.email = f"t{participant.pk}@example.org"
        participant.trainee.save()
        convocation = Document.objects.create(
            organisation=org, kind="convocation", title="Convocation", subject_type=participant_type,
            subject_id=participant.pk, session_id_ref=session.pk, template_body="", status="diffused",
            diffused_at=timezone.now(),
        )  # fmt: skip
        Delivery.objects.create(organisation=org, document=convocation, name="x", email=participant.trainee.email,
                                via="diffusion")  # fmt: skip
    rules = Document.objects.create(
        organisation=org, kind="rules", title="Règlement", subject_type=ContentType.objects.get_for_model(session),
        subject_id=session.pk, session_id_ref=session.pk, template_body="", status="final",
    )  # fmt: skip
    s = status(org, 9)  # issued, delivered to nobody
    assert s.status == indicator_statuses.MISSING and all(
        "règlement intérieur non remis" in link.label for link in s.missing
    )
    for participant in participants[:2]:
        Delivery.objects.create(organisation=org, document=rules, name="x", email=participant.trainee.email,
                                via="attachment")  # fmt: skip
    s = status(org, 9)
    assert s.status == indicator_statuses.PARTIAL and s.counted_total == 2 and s.missing_total == 1


def test_indicator_12_needs_followed_dropouts_and_the_procedure(org, session, quality_actor):
    dropped = Participant.objects.filter(session=session).first()
    dropped.status = "dropped_out"
    dropped.save()
    s = status(org, 12)
    assert s.status == indicator_statuses.MISSING and dropped.trainee.full_name in s.missing[0].label
    services.complaint_report(
        actor=quality_actor, kind="dropout", received_on=TODAY, source="Formateur", description="Absent",
        session=session, participant=dropped,
    )  # fmt: skip
    assert status(org, 12).status == indicator_statuses.PARTIAL  # followed, but no procedure uploaded
    services.evidence_create(
        actor=quality_actor, title="Procédure", indicators=[12], covers=True, note="Appel dès la 1re absence",
        dated=TODAY, file=None, member_structure=None,
    )  # fmt: skip
    assert status(org, 12).status == indicator_statuses.MET


def test_indicator_27_subcontractors_need_a_complete_recent_check(org, member, quality_actor):
    QualitySettings.objects.create(organisation=org)  # detection: a subcontractor makes 27 apply
    sub = TrainerFactory(organisation=org, member_structure=member, status="subcontractor",
                         siret="73282932000074", nda="11755555555")  # fmt: skip
    s = status(org, 27)
    assert s.applies and s.status == indicator_statuses.MISSING and "aucun suivi" in s.missing[0].label
    services.check_create(
        actor=quality_actor, trainer=sub, checked_on=TODAY - dt.timedelta(days=400), contract_signed=True,
        nda_checked=True, qualiopi_checked=True, notes="", next_check_on=None,
    )  # fmt: skip
    assert status(org, 27).status == indicator_statuses.MISSING  # more than a year old
    services.check_create(
        actor=quality_actor, trainer=sub, checked_on=TODAY, contract_signed=True, nda_checked=True,
        qualiopi_checked=True, notes="", next_check_on=None,
    )  # fmt: skip
    assert status(org, 27).status == indicator_statuses.MET
    services.settings_update(actor=quality_actor, subcontracting=False, certifying=None, alternance=None,
                             work_based=None, new_entrant=False)  # fmt: skip
    s = status(org, 27)
    assert s.status == indicator_statuses.NOT_APPLICABLE and "sous-traitance" in s.explanation


def test_watch_registers_feed_23_to_25(org, quality_actor):
    services.watch_create(actor=quality_actor, indicator=23, seen_on=TODAY, source="Légifrance",
                          summary="Nouveau décret", practice_change="")  # fmt: skip
    assert status(org, 23).status == indicator_statuses.PARTIAL
    entry = WatchEntry.objects.get()
    services.watch_update(actor=quality_actor, entry_id=entry.pk, practice_change="CGV mises à jour")
    assert status(org, 23).status == indicator_statuses.MET
    assert status(org, 24).status == indicator_statuses.MISSING


def test_complaints_late_answers_are_missing(org, quality_actor):
    assert status(org, 31).status == indicator_statuses.MISSING
    complaint = services.complaint_report(
        actor=quality_actor, kind="complaint", received_on=TODAY - dt.timedelta(days=40), source="Client",
        description="Retard", session=None,
    )  # fmt: skip
    s = status(org, 31)
    assert s.status == indicator_statuses.MISSING and "en retard" in s.missing[0].label
    assert s.missing[0].url == f"/o/{org.slug}/quality/complaints/{complaint.pk}/"
    services.complaint_update(actor=quality_actor, complaint_id=complaint.pk,
                              acknowledged_on=TODAY - dt.timedelta(days=39), answered_on=TODAY,
                              answer="Excuses et geste commercial")  # fmt: skip
    assert status(org, 31).status == indicator_statuses.MET


def test_uploaded_evidence_sets_non_automatic_indicators(org, quality_actor):
    assert status(org, 22).status == indicator_statuses.MISSING
    services.evidence_create(actor=quality_actor, title="Plan de développement", indicators=[22], covers=False,
                             note="Brouillon", dated=TODAY, file=None, member_structure=None)  # fmt: skip
    assert status(org, 22).status == indicator_statuses.PARTIAL
    Evidence.objects.update(covers=True)
    assert status(org, 22).status == indicator_statuses.MET


def test_an_open_nonconformity_caps_the_status(org, quality_actor):
    services.evidence_create(actor=quality_actor, title="Plan", indicators=[22], covers=True, note="ok",
                             dated=TODAY, file=None, member_structure=None)  # fmt: skip
    audit = services.audit_create(actor=quality_actor, kind="surveillance", planned_on=TODAY, done_on=TODAY)
    services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=22, severity="major",
                                  description="Pas d'entretiens professionnels")  # fmt: skip
    s = status(org, 22)
    assert s.status == indicator_statuses.PARTIAL and "1 non-conformité ouverte" in s.explanation


def test_member_scope_only_counts_the_structure_records(org, member, other_member, training):
    other_training = TrainingFactory(organisation=org, member_structure=other_member, is_public=True, audience="")
    whole = status(org, 1)
    assert whole.status == indicator_statuses.PARTIAL
    mine = status(org, 1, member_ids=frozenset({member.pk}))
    assert mine.status == indicator_statuses.MET and other_training.title not in str(mine.counted)


def test_period_limits_the_sessions(org, training):
    make_session(training, days_ago=400, trainees=2)
    recent = make_session(training, days_ago=5, trainees=1)
    s = status(org, 8, period=indicator_statuses.Period(start=TODAY - dt.timedelta(days=30)))
    assert len(s.missing) == 1 and str(recent.pk) in s.missing[0].url


def test_the_whole_computation_takes_a_constant_number_of_queries(org, training, django_assert_num_queries):
    def measure() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            indicator_statuses.compute(org)
        return len(ctx.captured_queries)

    make_session(training, trainees=2)
    small = measure()
    for _ in range(4):
        make_session(training, trainees=5)
    TrainerFactory(organisation=org, member_structure=training.member_structure)
    Complaint.objects.create(organisation=org, kind="complaint", received_on=TODAY, source="x", description="y",
                             acknowledge_due=TODAY, answer_due=TODAY)  # fmt: skip
    with django_assert_num_queries(small):
        indicator_statuses.compute(org)
