# SPDX-License-Identifier: AGPL-3.0-or-later
"""The numbers a manager looks at (issue 14, point 4), checked against a scenario computed by hand.

The scenario (the tests' today is 17/11/2026; the period is the 4th quarter of 2026):
- « Session CAE » (CAE Test, contribution 10 %), 05/10/2026, two slots of 3 h 30 taught by Théo, 10 places,
  3 active trainees (a 4th cancelled) who attended 7 h, 3 h 30 and 0 h: 10 h 30 delivered;
  invoiced 2 000,00 € HT on 10/10, credited 500,00 € on 20/10: 1 500,00 € HT, of which 10 % (150,00 €) is the
  OF's contribution and 1 350,00 € due to CAE Test; 1 500,00 € paid on 05/11;
- « Session Scop » (Scop Voisine, contribution 20 %), 20/11/2026, one slot of 3 h taught by Olga, 5 places,
  1 trainee; invoiced 1 000,00 € HT on 01/11 (200,00 € for the OF, 800,00 € due), 300,00 € paid on 16/11;
- « Session de juin » (CAE Test), 15/06/2026, 500,00 € HT invoiced on 20/06: outside the quarter, inside the year.
So in Q4: invoiced 2 500,00 €, paid 1 800,00 €, fill rate 4 / 15 = 27 %, 10 h 30 attended, Théo 7 h and Olga
3 h, margins 150,00 € and 200,00 € (350,00 €).
"""

import datetime as dt

import pytest
from django.urls import reverse

from coopforma.attendance.models import ParticipantAttendance
from coopforma.billing import services as billing
from coopforma.billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.dashboard.figures import Period, figures_get
from coopforma.training_sessions.tests.factories import PARIS, ParticipantFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

Q4 = Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _session(org, member, trainer, title, day, slots, capacity):  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=member, title=title)
    session = SessionFactory(
        training=training, title=title, start_date=day, end_date=day, max_capacity=capacity, status="confirmed"
    )
    session.trainers.add(trainer)
    for start, end in slots:
        SlotFactory(
            session=session,
            starts_at=dt.datetime.combine(day, start, tzinfo=PARIS),
            ends_at=dt.datetime.combine(day, end, tzinfo=PARIS),
        )
    return session


def _invoice(actor, org, session, cents, day):  # type: ignore[no-untyped-def]
    line = InvoiceLineFactory(invoice=InvoiceFactory(organisation=org, session=session), unit_price_cents=cents)
    return billing.invoice_issue(actor=actor, invoice_id=line.invoice.pk, issued_on=day)


@pytest.fixture
def scenario(admin_actor, org, member, other_member, trainer, other_trainer):  # type: ignore[no-untyped-def]
    org.siret, org.nda = "73282932000074", "53350999935"
    org.save()
    member.contribution_rate, other_member.contribution_rate = 10, 20
    member.save()
    other_member.save()
    cae = _session(
        org, member, trainer, "Session CAE", dt.date(2026, 10, 5),
        [(dt.time(9), dt.time(12, 30)), (dt.time(14), dt.time(17, 30))], 10,
    )  # fmt: skip
    people = [ParticipantFactory(enrolment__session=cae) for _ in range(3)]
    ParticipantFactory(enrolment__session=cae, status="cancelled")
    morning, afternoon = cae.slots.order_by("starts_at")
    for participant, minutes in zip(people, ((210, 210), (210, 0), (0, 0)), strict=True):
        for slot, attended in zip((morning, afternoon), minutes, strict=True):
            ParticipantAttendance.objects.create(
                organisation=org, slot=slot, participant=participant, attended_minutes=attended
            )
    scop = _session(org, other_member, other_trainer, "Session Scop", dt.date(2026, 11, 20),
                    [(dt.time(9), dt.time(12))], 5)  # fmt: skip
    ParticipantFactory(enrolment__session=scop)
    june = _session(org, member, trainer, "Session de juin", dt.date(2026, 6, 15), [(dt.time(9), dt.time(12))], 8)
    _invoice(admin_actor, org, june, 50000, dt.date(2026, 6, 20))  # numbering is chronological: the oldest first
    invoice = _invoice(admin_actor, org, cae, 200000, dt.date(2026, 10, 10))
    billing.credit_note_create(
        actor=admin_actor, invoice_id=invoice.pk, amount_cents=50000, issued_on=dt.date(2026, 10, 20)
    )
    billing.payment_record(
        actor=admin_actor, invoice_id=invoice.pk, amount_cents=150000, paid_on=dt.date(2026, 11, 5), method="transfer"
    )
    other = _invoice(admin_actor, org, scop, 100000, dt.date(2026, 11, 1))
    billing.payment_record(
        actor=admin_actor, invoice_id=other.pk, amount_cents=30000, paid_on=dt.date(2026, 11, 16), method="transfer"
    )
    return cae, scop, june


def test_the_figures_of_the_quarter_are_the_hand_computed_ones(scenario, admin_actor, member):
    figures = figures_get(actor=admin_actor, period=Q4)
    assert figures.invoiced_cents == 250000
    assert figures.paid_cents == 180000
    assert [(m.name, m.invoiced_cents, m.contribution_cents, m.due_cents) for m in figures.per_member] == [
        ("CAE Test", 150000, 15000, 135000),
        ("Scop Voisine", 100000, 20000, 80000),
    ]
    rows = {r.session.title: r for r in figures.sessions}
    assert list(rows) == ["Session CAE", "Session Scop"]
    assert (rows["Session CAE"].trainees, rows["Session CAE"].capacity) == (3, 10)
    assert rows["Session CAE"].attended_minutes == 630
    assert (rows["Session CAE"].invoiced_cents, rows["Session CAE"].margin_cents) == (150000, 15000)
    assert (rows["Session Scop"].invoiced_cents, rows["Session Scop"].margin_cents) == (100000, 20000)
    assert figures.margin_cents == 35000
    assert figures.fill_rate == 27
    assert figures.attended_minutes == 630
    assert figures.trainer_minutes == [("Théo Formateur", 420), ("Olga Autre", 180)]
    assert figures.satisfaction is None  # no questionnaire answered in the scenario

    year = figures_get(actor=admin_actor, period=Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert year.invoiced_cents == 300000 and len(year.sessions) == 3
    only_cae = figures_get(actor=admin_actor, period=Q4, member_id=member.pk)
    assert only_cae.invoiced_cents == 150000 and only_cae.paid_cents == 150000
    assert [r.session.title for r in only_cae.sessions] == ["Session CAE"]


def test_the_page_shows_them_with_accessible_charts_and_filters(web, scenario, admin_user, org):
    page = web(admin_user).get(reverse("dashboard:figures", kwargs={"org": org.slug}), {"year": 2026, "quarter": 4})
    assert page.status_code == 200
    text = page.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "01/10/2026 – 31/12/2026" in text
    assert "2 500,00 €" in text and "1 800,00 €" in text and "27 %" in text and "10 h 30" in text
    assert text.count('role="img"') == 2 and '<title id="chart-members-title">' in text and "<desc" in text
    assert "<caption>" in text  # the data table alternative
    custom = web(admin_user).get(
        reverse("dashboard:figures", kwargs={"org": org.slug}), {"start": "2026-06-01", "end": "2026-06-30"}
    )
    assert "Session de juin" in custom.content.decode() and "Session CAE" not in custom.content.decode()


def test_the_csv_is_french(web, scenario, admin_user, org):
    answer = web(admin_user).get(
        reverse("dashboard:figures_csv", kwargs={"org": org.slug}), {"year": 2026, "quarter": 4}
    )
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("session;début;fin;structure membre;stagiaires;places;taux de remplissage (%)")
    assert lines[1] == "Session CAE;05/10/2026;05/10/2026;CAE Test;3;10;30;10,5;1500,00;1350,00;150,00;"
    assert lines[-1] == "Total;01/10/2026;31/12/2026;;4;15;27;10,5;2500,00;2150,00;350,00;"


def test_no_money_for_trainers(web, trainer_user, trainer, admin_user, org):
    figures = reverse("dashboard:figures", kwargs={"org": org.slug})
    for name in ("dashboard:figures", "dashboard:figures_csv"):
        assert web(trainer_user).get(reverse(name, kwargs={"org": org.slug})).status_code == 403
    assert figures not in web(trainer_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).content.decode()
    assert figures in web(admin_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).content.decode()


def test_a_member_manager_sees_their_structure_only(web, scenario, manager_user, manager_actor, org, other_member):
    figures = figures_get(actor=manager_actor, period=Q4)
    assert figures.invoiced_cents == 150000
    assert [m.name for m in figures.per_member] == ["CAE Test"]
    assert [r.session.title for r in figures.sessions] == ["Session CAE"]
    page = web(manager_user).get(reverse("dashboard:figures", kwargs={"org": org.slug}), {"member": other_member.pk})
    assert "Session Scop" not in page.content.decode()  # another structure: refused as a choice


def test_another_organisation_sees_nothing_of_ours(web, scenario, stranger, org, other_org):
    assert web(stranger).get(reverse("dashboard:figures", kwargs={"org": org.slug})).status_code == 404
    page = web(stranger).get(reverse("dashboard:figures", kwargs={"org": other_org.slug}), {"year": 2026})
    assert page.status_code == 200 and "Session CAE" not in page.content.decode()
    assert "CAE Test" not in page.content.decode()


def test_the_figures_keep_a_constant_query_count(web, scenario, admin_user, admin_actor, org, member, trainer,
                                                 django_assert_max_num_queries):  # fmt: skip
    client = web(admin_user)
    path = reverse("dashboard:figures", kwargs={"org": org.slug})
    with django_assert_max_num_queries(40) as few:
        assert client.get(path, {"year": 2026}).status_code == 200
    for i in range(10):
        session = _session(org, member, trainer, f"S{i}", dt.date(2026, 9, 1 + i), [(dt.time(9), dt.time(12))], 6)
        ParticipantFactory(enrolment__session=session)
        _invoice(admin_actor, org, session, 10000, dt.date(2026, 11, 17))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path, {"year": 2026}).status_code == 200


def test_satisfaction_is_the_share_of_positive_hot_answers(scenario, admin_actor):
    """Two of the three trainees of « Session CAE » answer the hot questionnaire, 5 and 2 out of 5: 1 positive
    answer of 2, 50 %."""
    from coopforma.evaluations import services as evaluations
    from coopforma.evaluations.tests.factories import open_survey
    from coopforma.evaluations.tests.test_answering import full_answers

    cae, _scop, _june = scenario
    survey, tokens = open_survey(cae, "hot")
    for token, value in zip(list(tokens.values())[:2], (5, 2), strict=True):
        evaluations.response_submit(survey_id=survey.pk, token=token, data=full_answers(survey, satisfaction=value))
    figures = figures_get(actor=admin_actor, period=Q4)
    assert (figures.satisfaction, figures.satisfaction_sample) == (50, 2)
    assert {r.session.title: r.satisfaction for r in figures.sessions} == {"Session CAE": 50, "Session Scop": None}


def test_the_chart_is_accessible_and_escapes_its_labels():
    from coopforma.dashboard.charts import bar_chart

    svg = bar_chart(chart_id="c", title="Titre", desc="Description", rows=[("<b>A</b>", 100, "1 €"), ("B", -5, "-")])
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="c-title c-desc"')
    assert '<title id="c-title">Titre</title><desc id="c-desc">Description</desc>' in svg
    assert "&lt;b&gt;A&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'width="0"' in svg  # a negative value draws an empty bar
