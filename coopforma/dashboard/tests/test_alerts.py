# SPDX-License-Identifier: AGPL-3.0-or-later
"""The alerts that chase what matters (issue 14, point 3), on each role's dashboard, with their links."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from coopforma.attendance.models import SlotAttendance
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents.models import Document
from coopforma.evaluations.models import Invitation
from coopforma.training_sessions.models import Enrolment, Participant
from coopforma.training_sessions.tests.factories import PARIS, ParticipantFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def url(org):  # type: ignore[no-untyped-def]
    return reverse("dashboard:home", kwargs={"org": org.slug})


def text_of(page) -> str:  # type: ignore[no-untyped-def]
    return page.content.decode().replace("&#x27;", "'").replace("\u202f", " ").replace("\xa0", " ")


def _session(org, member, trainer, title, start, days=1, status="confirmed"):  # type: ignore[no-untyped-def]
    """A session from `start` for `days` days, one morning slot a day, taught by `trainer`."""
    training = TrainingFactory(organisation=org, member_structure=member, title=title)
    end = start + dt.timedelta(days=days - 1)
    session = SessionFactory(training=training, title=title, start_date=start, end_date=end, status=status)
    session.trainers.add(trainer)
    for i in range(days):
        day = start + dt.timedelta(days=i)
        SlotFactory(
            session=session,
            starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=PARIS),
            ends_at=dt.datetime.combine(day, dt.time(12, 30), tzinfo=PARIS),
        ).trainers.add(trainer)
    return session


def _doc(subject, kind, **fields):  # type: ignore[no-untyped-def]
    return Document.objects.create(
        organisation=subject.organisation,
        kind=kind,
        title=kind,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=subject.pk,
        session_id_ref=subject.session_id,
        template_body="",
        **fields,
    )


def test_past_slots_left_unsigned_are_chased_with_a_link_to_the_first_one(web, admin_user, org, member, trainer):
    today = timezone.localdate()
    session = _session(org, member, trainer, "Coopérer en territoire", today - dt.timedelta(days=9), days=2)
    first, second = session.slots.order_by("starts_at")
    page = text_of(web(admin_user).get(url(org)))
    assert "Rien d'urgent" not in page
    day = first.starts_at.astimezone(PARIS).strftime("%d/%m/%Y")
    sentence = f"« Coopérer en territoire » : 2 créneaux passés sans émargement clos (le premier le {day} à 09 h 00)"
    assert sentence in page
    assert reverse("attendance:slot", kwargs={"org": org.slug, "slot_id": first.pk}) in page

    # Closing the first slot's émargement leaves one, and the link moves to it.
    SlotAttendance.objects.create(organisation=org, slot=first, state="closed")
    SlotAttendance.objects.create(organisation=org, slot=second, state="open")  # opened, never closed: still due
    page = text_of(web(admin_user).get(url(org)))
    assert "1 créneau passé sans émargement clos" in page
    assert reverse("attendance:slot", kwargs={"org": org.slug, "slot_id": second.pk}) in page
    SlotAttendance.objects.filter(slot=second).update(state="closed")
    assert "sans émargement clos" not in text_of(web(admin_user).get(url(org)))


def test_future_draft_and_cancelled_sessions_are_not_chased(web, admin_user, org, member, trainer):
    today = timezone.localdate()
    _session(org, member, trainer, "À venir", today + dt.timedelta(days=20))
    _session(org, member, trainer, "Annulée", today - dt.timedelta(days=5), status="cancelled")
    _session(org, member, trainer, "Brouillon", today - dt.timedelta(days=5), status="draft")
    assert "sans émargement clos" not in text_of(web(admin_user).get(url(org)))


def test_conventions_unsigned_a_week_before_the_start(web, admin_user, org, member, trainer):
    today = timezone.localdate()
    soon = _session(org, member, trainer, "Gouvernance partagée", today + dt.timedelta(days=6))
    later = _session(org, member, trainer, "Dans un mois", today + dt.timedelta(days=30))
    for session in (soon, soon, soon, later):
        ParticipantFactory(enrolment__session=session)
    signed, by_scan, unsigned = Enrolment.objects.filter(session=soon).order_by("pk")
    _doc(signed, "convention", status="signed")
    _doc(by_scan, "convention", status="final", scan="documents/scans/x.pdf")
    _doc(unsigned, "convention", status="awaiting_signatures")
    page = text_of(web(admin_user).get(url(org)))
    start = soon.start_date.strftime("%d/%m/%Y")
    assert f"« Gouvernance partagée » commence le {start} : 1 convention ou contrat non signé" in page
    assert reverse("documents:session", kwargs={"org": org.slug, "session_id": soon.pk}) in page
    assert "« Dans un mois »" not in page


def test_certificates_not_sent_after_the_end(web, admin_user, org, member, trainer):
    today = timezone.localdate()
    session = _session(org, member, trainer, "Finances solidaires", today - dt.timedelta(days=3), status="done")
    SlotAttendance.objects.create(organisation=org, slot=session.slots.get(), state="closed")
    for _ in range(3):
        ParticipantFactory(enrolment__session=session, status="completed")
    ParticipantFactory(enrolment__session=session, status="cancelled")
    sent, final_only, _none, _cancelled = Participant.objects.filter(session=session).order_by("pk")
    _doc(sent, "certificate", status="diffused", diffused_at=timezone.now())
    _doc(final_only, "certificate", status="final")
    page = text_of(web(admin_user).get(url(org)))
    end = session.end_date.strftime("%d/%m/%Y")
    assert f"« Finances solidaires » terminée le {end} : 2 certificats de réalisation non envoyés" in page
    assert reverse("documents:session", kwargs={"org": org.slug, "session_id": session.pk}) in page


def test_questionnaires_with_a_low_response_rate(web, quality_user, org, member, trainer, time_machine):
    from coopforma.evaluations.tests.factories import open_survey

    today = timezone.localdate()
    session = _session(org, member, trainer, "Animer un CA", today - dt.timedelta(days=2), status="done")
    for _ in range(4):
        ParticipantFactory(enrolment__session=session, status="completed")
    survey, _tokens = open_survey(session, "hot")
    Invitation.objects.filter(survey=survey).update(sent_at=timezone.now())
    Invitation.objects.filter(pk=survey.invitations.order_by("pk").first().pk).update(answered_at=timezone.now())
    assert "de réponses" not in text_of(web(quality_user).get(url(org)))  # too early to chase
    time_machine.move_to(timezone.now() + dt.timedelta(days=8))
    page = text_of(web(quality_user).get(url(org)))
    assert f"« {survey.questionnaire.title} » de « Animer un CA » : 25 % de réponses (1 sur 4), à relancer" in page
    assert reverse("evaluations:survey", kwargs={"org": org.slug, "survey_id": survey.pk}) in page
    Invitation.objects.filter(survey=survey).update(answered_at=timezone.now())
    assert "de réponses" not in text_of(web(quality_user).get(url(org)))


def test_the_qualiopi_renewal_window(web, quality_user, trainer_user, trainer, org):
    # Certificate from 17/03/2024 to 16/03/2027: the renewal window opened 8 months before the end.
    org.qualiopi_certificate_number = "Q-1"
    org.qualiopi_valid_from = dt.date(2024, 3, 17)
    org.qualiopi_valid_until = dt.date(2027, 3, 16)
    org.save()
    page = text_of(web(quality_user).get(url(org)))
    assert (
        "Audit de renouvellement Qualiopi à planifier : fenêtre ouverte depuis le 16/07/2026, jusqu'au 16/03/2027"
        in page
    )
    assert reverse("quality:audits", kwargs={"org": org.slug}) in page
    assert "Qualiopi à planifier" not in text_of(web(trainer_user).get(url(org)))
    from coopforma.quality.models import Audit

    Audit.objects.create(organisation=org, kind="renewal", planned_on=dt.date(2027, 1, 12))
    assert "Qualiopi à planifier" not in text_of(web(quality_user).get(url(org)))


def test_trainer_sees_their_own_sessions_alerts_and_no_money(
    web, admin_actor, trainer_user, trainer, other_trainer, org, member, other_member
):
    today = timezone.localdate()
    past = _session(org, member, trainer, "Ma session passée", today - dt.timedelta(days=4))
    _session(org, other_member, other_trainer, "Session d'Olga", today - dt.timedelta(days=4))
    mine = _session(org, member, trainer, "Ma session bientôt", today + dt.timedelta(days=3))
    ParticipantFactory(enrolment__session=mine)
    page = text_of(web(trainer_user).get(url(org)))
    assert "« Ma session passée » : 1 créneau passé sans émargement clos" in page
    slot_page = reverse("attendance:slot", kwargs={"org": org.slug, "slot_id": past.slots.get().pk})
    assert slot_page in page and web(trainer_user).get(slot_page).status_code == 200
    assert "Session d'Olga" not in page
    assert "convention" not in page  # the paperwork is the office's
    assert "€" not in page and "facture" not in page


def test_manager_sees_their_structure_alerts_only(web, manager_user, org, member, other_member, trainer, other_trainer):
    today = timezone.localdate()
    cae = _session(org, member, trainer, "Session de la CAE", today - dt.timedelta(days=4))
    _session(org, other_member, other_trainer, "Session de la Scop", today - dt.timedelta(days=4))
    page = text_of(web(manager_user).get(url(org)))
    assert "« Session de la CAE » : 1 créneau" in page
    assert "Session de la Scop" not in page
    # A member manager does not run a slot's émargement: the link is the session's grid, which they may open.
    grid = reverse("attendance:session", kwargs={"org": org.slug, "session_id": cae.pk})
    assert grid in page and web(manager_user).get(grid).status_code == 200


def test_another_organisation_sees_none_of_ours(web, stranger, admin_user, org, other_org, member, trainer):
    _session(org, member, trainer, "Session Zéphyr", timezone.localdate() - dt.timedelta(days=4))
    assert web(stranger).get(url(org)).status_code == 404
    page = text_of(web(stranger).get(url(other_org)))
    assert "Session Zéphyr" not in page and "sans émargement clos" not in page


def test_alerts_keep_a_constant_query_count(web, admin_user, org, member, trainer, django_assert_max_num_queries):
    from coopforma.evaluations.tests.factories import open_survey

    today = timezone.localdate()
    org.qualiopi_certificate_number = "Q-1"
    org.qualiopi_valid_from = dt.date(2024, 3, 17)
    org.save()
    client = web(admin_user)

    def scenario(i: int) -> None:
        past = _session(org, member, trainer, f"Passée {i}", today - dt.timedelta(days=5 + i), days=2, status="done")
        soon = _session(org, member, trainer, f"Bientôt {i}", today + dt.timedelta(days=2))
        ParticipantFactory(enrolment__session=past, status="completed")
        ParticipantFactory(enrolment__session=soon)
        survey, _tokens = open_survey(past, "hot")
        Invitation.objects.filter(survey=survey).update(sent_at=timezone.now())
        survey.__class__.objects.filter(pk=survey.pk).update(opened_at=timezone.now() - dt.timedelta(days=10))

    scenario(0)
    with django_assert_max_num_queries(60) as few:
        assert client.get(url(org)).status_code == 200
    for i in range(1, 12):
        scenario(i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text_of(client.get(url(org)))
    assert "certificat de réalisation non envoyé" in page and "convention ou contrat non signé" in page
    assert "de réponses" in page and "sans émargement clos" in page


def test_certificates_of_many_sessions_the_three_latest_then_a_sum(web, admin_user, org, member, trainer):
    today = timezone.localdate()
    for i in range(5):
        session = _session(org, member, trainer, f"Session {i}", today - dt.timedelta(days=10 + 30 * i), status="done")
        for _ in range(i + 1):
            ParticipantFactory(enrolment__session=session, status="completed")
    _session(org, member, trainer, "Il y a deux ans", today - dt.timedelta(days=800), status="done")
    page = text_of(web(admin_user).get(url(org)))
    assert "« Session 0 » terminée le" in page and "« Session 2 » terminée le" in page
    assert "« Session 3 » terminée" not in page
    assert "Et 2 autres sessions terminées depuis moins d'un an : 9 certificat(s) de réalisation non envoyé(s)" in page
    assert "« Il y a deux ans » terminée" not in page
