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
    with django_assert_max_num_queries(24) as few:
        assert client.get(url(org)).status_code == 200
    for i in range(30):
        s = _upcoming_session(org, member, trainer, f"T{i}", days=40 + i)
        ParticipantFactory(enrolment__session=s)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(org)).status_code == 200


def test_admin_is_told_of_overdue_invoices_and_the_link_lists_them(web, admin_user, admin_actor, org, member):
    from coopforma.billing import services as billing
    from coopforma.billing.tests.factories import InvoiceFactory, InvoiceLineFactory

    org.siret, org.nda = "73282932000074", "53350999935"
    org.save()
    issued = []
    for days_ago in (60, 10):  # due 30 days after issue: the first is overdue, the second not yet
        line = InvoiceLineFactory(invoice=InvoiceFactory(organisation=org), unit_price_cents=125050)
        day = timezone.localdate() - dt.timedelta(days=days_ago)
        issued.append(billing.invoice_issue(actor=admin_actor, invoice_id=line.invoice.pk, issued_on=day))
    client = web(admin_user)
    page = client.get(url(org)).content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "1 facture(s) échue(s) à encaisser : 1 250,50 €" in page
    listing = client.get(reverse("billing:list", kwargs={"org": org.slug}) + "?overdue=on").content.decode()
    assert issued[0].number in listing and issued[1].number not in listing
    billing.payment_record(
        actor=admin_actor, invoice_id=issued[0].pk, amount_cents=125050, paid_on=timezone.localdate(), method="transfer"
    )
    assert "échue(s) à encaisser" not in client.get(url(org)).content.decode()


def test_quality_manager_is_told_of_late_complaints_and_trainers_of_skills_to_assess(
    web, quality_user, quality_actor, trainer_user, trainer, org, member
):
    from coopforma.evaluations.tests.factories import finished_session, open_survey
    from coopforma.quality import services as quality

    quality.complaint_report(
        actor=quality_actor,
        kind="complaint",
        source="Une stagiaire",
        description="Support reçu en retard",
        received_on=timezone.localdate() - dt.timedelta(days=60),
    )
    page = web(quality_user).get(url(org)).content.decode()
    assert "1 réclamation(s) sans réponse après l" in page
    assert reverse("quality:complaints", kwargs={"org": org.slug}) in page

    training = TrainingFactory(organisation=org, member_structure=member)
    session = finished_session(training=training, trainees=2)
    session.trainers.add(trainer)
    open_survey(session, "skills")
    page = web(trainer_user).get(url(org)).content.decode()
    assert "2 évaluation(s) des acquis à renseigner" in page
    assert "réclamation(s)" not in page  # the register is the quality manager's
