# SPDX-License-Identifier: AGPL-3.0-or-later
"""Money follows the hours delivered where the convention says so (Code du travail L6354-1): each funding line's
basis (flat, hours realised, drop-out clause), invoices drafted from the attended minutes with one line per
trainee, and the credit note of unrealised hours already billed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from coopforma.attendance import services as attendance
from coopforma.billing import services
from coopforma.billing.models import Invoice
from coopforma.billing.tests.test_services import pdf_text
from coopforma.people.tests.factories import TraineeFactory
from coopforma.training_sessions import services as sessions
from coopforma.training_sessions.tests.factories import ParticipantFactory


def _trainee(enrolment, first, last):  # type: ignore[no-untyped-def]
    trainee = TraineeFactory(
        organisation=enrolment.organisation, client=enrolment.client, first_name=first, last_name=last
    )
    return ParticipantFactory(enrolment=enrolment, trainee=trainee)


def _emargement(actor, session, absent=()):  # type: ignore[no-untyped-def]
    """Every slot opened, each trainee signed for (or marked absent on the slots listed), then closed."""
    for index, slot in enumerate(session.slots.order_by("starts_at")):
        attendance.slot_open(actor=actor, slot_id=slot.pk, now=slot.starts_at)
        for participant in session.participants.all():
            if (participant.pk, index) in absent:
                attendance.attendance_mark(actor=actor, slot_id=slot.pk, participant_id=participant.pk, mark="absent")
            else:
                attendance.attendance_mark(
                    actor=actor,
                    slot_id=slot.pk,
                    participant_id=participant.pk,
                    mark="on_behalf",
                    reason="Feuille papier",
                )
        attendance.slot_close(actor=actor, slot_id=slot.pk, trainer_name="Léa Formatrice", now=slot.ends_at)


@pytest.fixture
def two_trainees(enrolment):  # type: ignore[no-untyped-def]
    return _trainee(enrolment, "Ada", "Martin"), _trainee(enrolment, "Bruno", "Petit")


def test_an_opco_on_hours_realised_is_billed_the_attended_hours_trainee_by_trainee(
    admin_actor, session, enrolment, opco_line, two_trainees
):
    opco_line.basis = "hours"
    opco_line.save()
    bruno = two_trainees[1]
    _emargement(admin_actor, session, absent={(bruno.pk, 1)})  # Bruno misses the second half-day
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    opco = next(d for d in drafts if d.payer_kind == "opco")
    # 1 000 € for 2 × 7 h planned; 7 h + 3 h 30 realised → 750 €, split by the hours of each.
    assert opco.total_ht_cents == 75000
    labels = [(line.label, line.amount_cents) for line in opco.lines.order_by("position")]
    assert "Ada Martin : 7\u00a0h réalisées sur 7\u00a0h" in labels[0][0] and labels[0][1] == 50000
    assert "Bruno Petit : 3\u00a0h\u00a030 réalisées sur 7\u00a0h" in labels[1][0] and labels[1][1] == 25000
    # The client's part stays flat (400 €), and every invoice lists the trainees with their hours.
    client = next(d for d in drafts if d.payer_kind == "company")
    assert client.total_ht_cents == 40000
    assert "Bruno Petit, 3\u00a0h\u00a030 réalisées sur 7\u00a0h" in client.notes
    issued = services.invoice_issue(actor=admin_actor, invoice_id=opco.pk)
    text = pdf_text(issued)
    assert "Bruno Petit" in text and "réalisées sur" in text and "750,00" in text


def test_an_hourly_rate_bills_hours_times_rate_never_above_the_line(
    admin_actor, session, enrolment, opco_line, two_trainees
):
    opco_line.basis, opco_line.hourly_rate_cents = "hours", 4000  # 40 € per trainee-hour
    opco_line.save()
    _emargement(admin_actor, session, absent={(two_trainees[1].pk, 0), (two_trainees[1].pk, 1)})
    opco = next(
        d
        for d in services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
        if d.payer_kind == "opco"
    )
    assert opco.total_ht_cents == 28000  # 7 h × 40 €; Bruno's line is at 0 €
    assert [line.amount_cents for line in opco.lines.order_by("position")] == [28000, 0]


def test_hours_realised_wait_for_the_end_of_the_emargement(admin_actor, session, enrolment, opco_line, two_trainees):
    opco_line.basis = "hours"
    opco_line.save()
    first = session.slots.order_by("starts_at").first()
    attendance.slot_open(actor=admin_actor, slot_id=first.pk, now=first.starts_at)
    with pytest.raises(ValidationError) as exc:
        services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert "n'est pas clos" in str(exc.value) and not Invoice.objects.filter(enrolment=enrolment).exists()


def test_the_dropout_clause_bills_its_indemnity_apart_and_never_to_a_funder(admin_actor, session, enrolment):
    ada = _trainee(enrolment, "Ada", "Martin")
    ada.status = "dropped_out"
    ada.save()
    with pytest.raises(ValidationError) as exc:
        sessions.funding_line_create(
            actor=admin_actor,
            enrolment_id=enrolment.pk,
            payer_kind="opco",
            payer_name="AKTO",
            scheme="skills_plan",
            amount_cents=50000,
            basis="dropout_clause",
            dropout_fee_percent=30,
        )
    assert "L6354-1" in str(exc.value) and not enrolment.funding_lines.exists()
    with pytest.raises(ValidationError) as exc:
        sessions.funding_line_create(
            actor=admin_actor,
            enrolment_id=enrolment.pk,
            payer_kind="company",
            amount_cents=140000,
            basis="dropout_clause",
        )
    assert "dropout_fee_percent" in exc.value.message_dict
    sessions.funding_line_create(
        actor=admin_actor,
        enrolment_id=enrolment.pk,
        payer_kind="company",
        amount_cents=140000,
        basis="dropout_clause",
        dropout_fee_percent=30,
    )
    _emargement(admin_actor, session, absent={(ada.pk, 1)})
    (invoice,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    lines = list(invoice.lines.order_by("position"))
    # 3 h 30 of 7 h realised: 700 €; the clause: 30 % of the 700 € not realised, on its own line.
    assert [line.amount_cents for line in lines] == [70000, 21000]
    assert "Dédit" in lines[1].label and "non imputable" in lines[1].label


def test_unrealised_hours_already_billed_give_a_credit_note(admin_actor, session, enrolment, opco_line, two_trainees):
    _emargement(admin_actor, session, absent={(two_trainees[1].pk, 1)})
    opco = next(
        services.invoice_issue(actor=admin_actor, invoice_id=d.pk)
        for d in services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
        if d.payer_kind == "opco"
    )
    assert opco.total_ht_cents == 100000  # billed flat, as the line then said
    services.payment_record(actor=admin_actor, invoice_id=opco.pk, amount_cents=100000, paid_on=opco.issued_on)
    with pytest.raises(ValidationError) as exc:  # flat: nothing to refund
        services.credit_note_create_for_unrealised_hours(actor=admin_actor, invoice_id=opco.pk)
    assert "L6354-1" in str(exc.value)
    sessions.funding_line_update(actor=admin_actor, funding_line_id=opco_line.pk, basis="hours")
    note = services.credit_note_create_for_unrealised_hours(actor=admin_actor, invoice_id=opco.pk)
    assert note.kind == "credit_note" and note.total_ht_cents == 25000 and note.corrects_id == opco.pk
    assert "L6354-1" in note.notes and "Bruno Petit, 3\u00a0h\u00a030 réalisées sur 7\u00a0h" in note.notes
    assert services.balance_cents(opco) == -25000  # to refund
    assert "L6354-1" in pdf_text(note)
    with pytest.raises(ValidationError):  # once only
        services.credit_note_create_for_unrealised_hours(actor=admin_actor, invoice_id=opco.pk)
    opco.refresh_from_db()
    assert opco.total_ht_cents == 100000  # the issued invoice is unchanged


def test_the_convention_prints_each_funding_basis(admin_actor, enrolment):
    from coopforma.training_sessions.documents import enrolment_data

    sessions.funding_line_create(
        actor=admin_actor,
        enrolment_id=enrolment.pk,
        payer_kind="company",
        amount_cents=140000,
        basis="dropout_clause",
        dropout_fee_percent=30,
        hourly_rate_cents=10000,
    )
    (line,) = enrolment_data(enrolment, issued=dt.date(2026, 1, 5))["funding_lines"]
    assert line["basis"] == (
        "facturé aux heures réalisées ; en cas d'abandon, dédit de 30 % des heures non réalisées, "
        "au taux de 100,00 € HT par heure-stagiaire"
    )


def test_the_invoice_page_proposes_the_credit_note_and_the_admin_issues_it(
    admin_actor, admin_user, quality_user, stranger, other_org, org, web, session, enrolment, opco_line, two_trainees
):
    _emargement(admin_actor, session, absent={(two_trainees[1].pk, 1)})
    opco = next(
        services.invoice_issue(actor=admin_actor, invoice_id=d.pk)
        for d in services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
        if d.payer_kind == "opco"
    )
    sessions.funding_line_update(actor=admin_actor, funding_line_id=opco_line.pk, basis="hours")
    page = web(admin_user).get(f"/o/{org.slug}/billing/{opco.pk}/").content.decode()
    assert "Heures non réalisées à rembourser" in page and "L6354-1" in page and "250,00" in page
    assert f"/o/{org.slug}/attendance/sessions/{session.pk}/export.pdf" in page  # the émargement to attach
    post = f"/o/{org.slug}/billing/{opco.pk}/unrealised-credit-note/"
    assert web(quality_user).post(post).status_code == 403  # reads billing, does not issue
    assert web(stranger).post(f"/o/{other_org.slug}/billing/{opco.pk}/unrealised-credit-note/").status_code == 404
    assert not Invoice.objects.filter(corrects=opco).exists()
    response = web(admin_user).post(post)
    assert response.status_code == 302
    note = Invoice.objects.get(corrects=opco)
    assert note.total_ht_cents == 25000 and note.status == "issued"
    page = web(admin_user).get(f"/o/{org.slug}/billing/{opco.pk}/").content.decode()
    assert "Heures non réalisées à rembourser" not in page


def test_the_api_shows_and_issues_the_credit_note_of_unrealised_hours(
    api, admin_actor, admin_user, org, session, enrolment, opco_line, two_trainees
):
    _emargement(admin_actor, session, absent={(two_trainees[1].pk, 1)})
    opco = next(
        services.invoice_issue(actor=admin_actor, invoice_id=d.pk)
        for d in services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
        if d.payer_kind == "opco"
    )
    client = api(admin_user, org)
    (listed,) = client.get(f"/api/v1/sessions/{session.pk}/enrolments").json()["items"]
    funding = listed["funding_lines"]
    assert [line["basis"] for line in funding if line["payer_kind"] == "opco"] == ["flat"]
    refused = client.post(
        f"/api/v1/billing/pieces/{opco.pk}/unrealised-hours/credit-note", {}, content_type="application/json"
    )
    assert refused.status_code == 422 and "L6354-1" in refused.content.decode()
    sessions.funding_line_update(actor=admin_actor, funding_line_id=opco_line.pk, basis="hours")
    proposal = client.get(f"/api/v1/billing/pieces/{opco.pk}/unrealised-hours").json()
    assert (proposal["billed_cents"], proposal["due_cents"], proposal["amount_cents"]) == (100000, 75000, 25000)
    created = client.post(
        f"/api/v1/billing/pieces/{opco.pk}/unrealised-hours/credit-note", {}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["total_ht_cents"] == 25000
