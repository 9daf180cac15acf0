# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt
import html
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from coopforma.accounts.models import VatRegime
from coopforma.billing import services
from coopforma.billing.models import ClosedFiscalYear, Invoice, InvoiceLine, InvoiceSequence, MemberShare
from coopforma.billing.rules import contribution_cents, fiscal_year_of, split_largest_remainder
from coopforma.core.models import ActivityLog
from coopforma.core.money import vat_cents
from coopforma.documents.services import document_read
from coopforma.people.tests.factories import TrainerFactory
from coopforma.training_sessions.tests.factories import PARIS, EnrolmentFactory, SlotFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def pdf_text(invoice: Invoice) -> str:
    reader = PdfReader(io.BytesIO(document_read(invoice.document)))
    return " ".join(page.extract_text() for page in reader.pages)


def issued_invoice(actor, enrolment, **kwargs):  # type: ignore[no-untyped-def]
    drafts = services.invoice_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk)
    return [services.invoice_issue(actor=actor, invoice_id=d.pk, **kwargs) for d in drafts]


# --- Pure rules ---------------------------------------------------------------------------------------------


def test_vat_and_contribution_round_half_up():
    assert vat_cents(1001, 2000) == 200  # 200.2
    assert vat_cents(1003, 2000) == 201  # 200.6
    assert vat_cents(1025, 2000) == 205  # exactly 205
    assert vat_cents(1, 2000) == 0  # 0.2
    assert vat_cents(3, 2000) == 1  # 0.6
    assert vat_cents(25, 2000) == 5
    assert contribution_cents(105, Decimal("10.00")) == 11  # 10.5 -> 11 (half up)
    assert contribution_cents(104, Decimal("10.00")) == 10
    assert contribution_cents(100000, Decimal("12.50")) == 12500


def test_fiscal_year_follows_the_start_month():
    assert fiscal_year_of(1, dt.date(2026, 12, 31)) == 2026
    assert fiscal_year_of(9, dt.date(2025, 9, 1)) == 2026
    assert fiscal_year_of(9, dt.date(2026, 8, 31)) == 2026
    assert fiscal_year_of(9, dt.date(2026, 9, 1)) == 2027


@given(
    total=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8),
)
@settings(max_examples=300, deadline=None)
def test_largest_remainder_sums_exactly_and_stays_proportional(total, weights):
    parts = split_largest_remainder(total, dict(enumerate(weights)))
    whole = sum(weights)
    if whole == 0:
        assert parts == {}
        return
    assert sum(parts.values()) == total
    for key, part in parts.items():
        exact = Decimal(total) * weights[key] / whole
        assert abs(Decimal(part) - exact) < 1  # each part is its exact share rounded down or up


# --- Drafts from an enrolment -------------------------------------------------------------------------------


def test_enrolment_with_an_opco_gives_two_invoices(admin_actor, enrolment, opco_line):
    client_invoice, opco_invoice = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert client_invoice.recipient_name == "Scop Exemple"
    assert client_invoice.total_ht_cents == 40000
    assert client_invoice.payer_kind == "company" and client_invoice.scheme == ""
    assert opco_invoice.recipient_name == "AKTO"
    assert opco_invoice.total_ht_cents == 100000
    assert (opco_invoice.payer_kind, opco_invoice.scheme) == ("opco", "skills_plan")
    assert opco_invoice.lines.get().funding_line == opco_line
    assert all(i.status == "draft" and i.number == "" for i in (client_invoice, opco_invoice))
    assert ActivityLog.objects.filter(action="billing.invoice.create").count() == 2


def test_payer_kind_follows_the_client_kind(admin_actor, session, org):
    from coopforma.billing import individuals
    from coopforma.people.tests.factories import ClientFactory

    for kind, payer in [("individual", "individual"), ("training_org", "other_of"), ("public_body", "public_employer")]:
        enrolment = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, kind=kind))
        if kind == "individual":  # an individual is invoiced once their contract is signed (L6353-3)
            individuals.contract_signature_record(actor=admin_actor, enrolment=enrolment, signed_on=dt.date(2026, 1, 5))
        (invoice,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
        assert invoice.payer_kind == payer


def test_an_enrolment_is_not_invoiced_twice(admin_actor, enrolment):
    services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    with pytest.raises(ValidationError) as exc:
        services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert "déjà facturée" in str(exc.value)


def test_a_fully_credited_enrolment_may_be_invoiced_again(admin_actor, enrolment):
    (invoice,) = issued_invoice(admin_actor, enrolment)
    services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, reason="Erreur de destinataire")
    (again,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert again.total_ht_cents == 140000


def test_funders_above_the_price_are_refused(admin_actor, enrolment, opco_line):
    opco_line.amount_cents = 150000
    opco_line.save()
    with pytest.raises(ValidationError) as exc:
        services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert "dépassent le prix" in str(exc.value)


def test_lesser_roles_cannot_bill(quality_actor, manager_actor, enrolment):
    for actor in (quality_actor, manager_actor):
        with pytest.raises(PermissionDenied):
            services.invoice_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk)


# --- Issue: numbering, snapshot, PDF -------------------------------------------------------------------------


def test_issue_numbers_consecutively_and_freezes_the_piece(admin_actor, enrolment, opco_line, org):
    first, second = issued_invoice(admin_actor, enrolment)
    year = TODAY.year
    assert (first.number, second.number) == (f"F-{year}-0001", f"F-{year}-0002")
    assert first.fiscal_year == year and first.issued_on == TODAY
    assert first.due_on == TODAY + dt.timedelta(days=30)
    assert first.legal["nda"] == "53350999935" and first.legal["siret"] == "73282932000074"
    assert first.legal["vat_mention"] == "Exonération de TVA, article 261-4-4° a du Code général des impôts"
    assert first.total_vat_cents == 0 and first.total_ttc_cents == 40000
    assert InvoiceSequence.objects.get(organisation=org, kind="invoice", fiscal_year=year).last == 2
    # A later change of the organisation does not change the issued piece.
    org.nda = "11755555575"
    org.save()
    first.refresh_from_db()
    assert first.legal["nda"] == "53350999935"


def test_pdf_of_an_issued_invoice_reads_back(admin_actor, enrolment):
    (invoice,) = issued_invoice(admin_actor, enrolment)
    assert invoice.document.status == "final" and len(invoice.document.sha256) == 64
    text = pdf_text(invoice)
    for expected in (
        invoice.number,
        "Scop Exemple",
        "1 400,00",
        "53350999935",
        "73282932000074",
        "Cet enregistrement ne vaut pas agrément de l'État",
        "261-4-4°",
    ):
        assert expected in text.replace("\u202f", " ").replace("\xa0", " "), expected


def test_vat_subject_organisation_charges_20_percent_on_the_total(admin_actor, org, enrolment):
    org.vat_regime = VatRegime.SUBJECT
    org.vat_number = "FR12732829320"
    org.save()
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    services.invoice_line_add(
        actor=admin_actor, invoice_id=draft.pk, label="Support", unit_price_cents=1001, quantity=3
    )
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    assert invoice.vat_rate_bp == 2000
    assert invoice.total_ht_cents == 143003
    assert invoice.total_vat_cents == 28601  # 28 600.6 rounded half up
    assert invoice.total_ttc_cents == 171604
    assert "TVA au taux de 20 %" in pdf_text(invoice)


def test_a_refused_issue_leaves_no_gap(admin_actor, org, enrolment, session):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    empty = Invoice.objects.create(organisation=org, kind="invoice", client=enrolment.client, recipient_name="X")
    with pytest.raises(ValidationError) as exc:
        services.invoice_issue(actor=admin_actor, invoice_id=empty.pk)
    assert "au moins une ligne" in str(exc.value)
    with pytest.raises(ValidationError):
        services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=TODAY + dt.timedelta(days=1))
    issued = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    assert issued.sequence == 1


def test_numbering_is_chronological(admin_actor, org, session):
    from coopforma.people.tests.factories import ClientFactory

    # Two days in the middle of last fiscal year: "the day before" stays in the same fiscal year's sequence
    # (on the first day of a fiscal year, yesterday belongs to the previous one and has its own numbers).
    assert org.fiscal_year_start_month == 1
    day = dt.date(TODAY.year - 1, 6, 16)
    a, b = (EnrolmentFactory(session=session, client=ClientFactory(organisation=org)) for _ in range(2))
    (first,) = issued_invoice(admin_actor, a, issued_on=day)
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=b.pk)
    with pytest.raises(ValidationError) as exc:
        services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=day - dt.timedelta(days=1))
    assert first.number in str(exc.value) and "chronologique" in str(exc.value)


def test_each_kind_has_its_own_sequence(admin_actor, enrolment):
    quote = services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    quote = services.invoice_issue(actor=admin_actor, invoice_id=quote.pk)
    (invoice,) = issued_invoice(admin_actor, enrolment)
    assert quote.number == f"D-{TODAY.year}-0001"
    assert invoice.number == f"F-{TODAY.year}-0001"
    assert quote.valid_until == TODAY + dt.timedelta(days=30)


def test_the_fiscal_year_of_the_number_follows_the_organisation(admin_actor, org, enrolment):
    org.fiscal_year_start_month = 9
    org.save()
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=dt.date(2025, 10, 15))
    assert invoice.number == "F-2026-0001" and invoice.fiscal_year == 2026


def test_the_number_is_unique_in_the_database(admin_actor, org, enrolment):
    (invoice,) = issued_invoice(admin_actor, enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.bulk_create(
            [
                Invoice(
                    organisation=org,
                    kind="invoice",
                    status="issued",
                    fiscal_year=invoice.fiscal_year,
                    sequence=invoice.sequence,
                    issued_on=TODAY,
                    client=invoice.client,
                    recipient_name="Doublon",
                )
            ]
        )


# --- Immutability ---------------------------------------------------------------------------------------------


def test_an_issued_invoice_cannot_be_edited_or_deleted(admin_actor, enrolment):
    (invoice,) = issued_invoice(admin_actor, enrolment)
    line = invoice.lines.get()
    with pytest.raises(ValidationError) as exc:
        services.invoice_update(actor=admin_actor, invoice_id=invoice.pk, recipient_name="Autre")
    assert "émise" in str(exc.value)
    for call in (
        lambda: services.invoice_line_add(actor=admin_actor, invoice_id=invoice.pk, label="x", unit_price_cents=1),
        lambda: services.invoice_line_update(actor=admin_actor, line_id=line.pk, label="x", unit_price_cents=1),
        lambda: services.invoice_line_remove(actor=admin_actor, line_id=line.pk),
        lambda: services.invoice_delete_draft(actor=admin_actor, invoice_id=invoice.pk),
    ):
        with pytest.raises(ValidationError):
            call()
    # The model refuses as well, whoever calls save() or delete().
    invoice.recipient_name = "Autre"
    with pytest.raises(ValidationError):
        invoice.save()
    with pytest.raises(ValidationError):
        invoice.delete()
    with pytest.raises(ValidationError):
        line.save()
    invoice.refresh_from_db()
    assert invoice.recipient_name == "Scop Exemple" and invoice.lines.count() == 1


def test_draft_edit_recomputes_totals(admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    line = services.invoice_line_add(
        actor=admin_actor, invoice_id=draft.pk, label="Frais", unit_price_cents=2500, quantity=2
    )
    draft.refresh_from_db()
    assert draft.total_ht_cents == 145000
    services.invoice_line_update(actor=admin_actor, line_id=line.pk, label="Frais", unit_price_cents=1000, quantity=1)
    draft.refresh_from_db()
    assert draft.total_ht_cents == 141000
    services.invoice_line_remove(actor=admin_actor, line_id=line.pk)
    draft.refresh_from_db()
    assert draft.total_ht_cents == 140000
    services.invoice_update(
        actor=admin_actor, invoice_id=draft.pk, recipient_name="Scop Exemple (siège)", payer_kind=""
    )
    draft.refresh_from_db()
    assert draft.recipient_name == "Scop Exemple (siège)" and draft.payer_kind == ""


def test_negative_amounts_are_refused(admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    with pytest.raises(ValidationError) as exc:
        services.invoice_line_add(actor=admin_actor, invoice_id=draft.pk, label="Remise", unit_price_cents=-100)
    assert "négatif" in str(exc.value)
    with pytest.raises(ValidationError):
        services.invoice_line_add(
            actor=admin_actor, invoice_id=draft.pk, label="Remise", unit_price_cents=100, quantity=0
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=draft).update(amount_cents=-1)


def test_a_draft_may_be_deleted(admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    services.invoice_delete_draft(actor=admin_actor, invoice_id=draft.pk)
    assert not Invoice.objects.filter(pk=draft.pk).exists()


# --- Quotes ---------------------------------------------------------------------------------------------------


def test_quote_accept_then_convert(admin_actor, enrolment):
    quote = services.invoice_issue(
        actor=admin_actor,
        invoice_id=services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk).pk,
    )
    services.quote_accept(actor=admin_actor, quote_id=quote.pk)
    invoice = services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    assert invoice.kind == "invoice" and invoice.status == "draft" and invoice.quote_id == quote.pk
    assert invoice.total_ht_cents == 140000 and invoice.payer_kind == "company"
    with pytest.raises(ValidationError) as exc:
        services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    assert "déjà transformé" in str(exc.value)
    issued = services.invoice_issue(actor=admin_actor, invoice_id=invoice.pk)
    assert quote.number in pdf_text(issued)


def test_a_declined_quote_is_not_converted(admin_actor, enrolment):
    quote = services.invoice_issue(
        actor=admin_actor,
        invoice_id=services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk).pk,
    )
    services.quote_decline(actor=admin_actor, quote_id=quote.pk)
    with pytest.raises(ValidationError):
        services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    with pytest.raises(ValidationError):
        services.quote_accept(actor=admin_actor, quote_id=quote.pk)


# --- Credit notes -------------------------------------------------------------------------------------------


def test_partial_then_full_credit_note_never_above_the_invoice(admin_actor, enrolment):
    (invoice,) = issued_invoice(admin_actor, enrolment)
    partial = services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=40000, reason="Remise")
    assert partial.number == f"A-{TODAY.year}-0001" and partial.corrects == invoice
    with pytest.raises(ValidationError) as exc:
        services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=100001)
    assert "dépasse" in str(exc.value)
    rest = services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk)
    assert rest.total_ht_cents == 100000
    with pytest.raises(ValidationError) as exc:
        services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=1)
    assert "entièrement annulée" in str(exc.value)
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=-5)
    text = pdf_text(partial)
    assert partial.number in text and invoice.number in text and "400,00" in text


def test_credit_notes_with_vat_add_up_to_the_invoice(admin_actor, org, enrolment):
    org.vat_regime = VatRegime.SUBJECT
    org.save()
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    services.invoice_line_remove(actor=admin_actor, line_id=draft.lines.get().pk)
    services.invoice_line_add(actor=admin_actor, invoice_id=draft.pk, label="Formation", unit_price_cents=10)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    assert (invoice.total_vat_cents, invoice.total_ttc_cents) == (2, 12)
    notes = [services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=3) for _ in range(3)]
    notes.append(services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk))
    assert sum(n.total_ht_cents for n in notes) == 10
    assert sum(n.total_ttc_cents for n in notes) == 12
    assert all(n.total_vat_cents >= 0 for n in notes)


# --- Payments -----------------------------------------------------------------------------------------------


def test_payments_and_balance(admin_actor, enrolment):
    (invoice,) = issued_invoice(admin_actor, enrolment)
    services.payment_record(actor=admin_actor, invoice_id=invoice.pk, amount_cents=40000, paid_on=TODAY)
    assert services.balance_cents(invoice) == 100000
    with pytest.raises(ValidationError) as exc:
        services.payment_record(actor=admin_actor, invoice_id=invoice.pk, amount_cents=100001, paid_on=TODAY)
    assert "dépasse le solde" in str(exc.value)
    for amount in (0, -10):
        with pytest.raises(ValidationError):
            services.payment_record(actor=admin_actor, invoice_id=invoice.pk, amount_cents=amount, paid_on=TODAY)
    services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=20000)
    assert services.balance_cents(invoice) == 80000
    services.payment_record(
        actor=admin_actor, invoice_id=invoice.pk, amount_cents=80000, paid_on=TODAY, method="cheque"
    )
    assert services.balance_cents(invoice) == 0


def test_payment_of_a_draft_or_quote_is_refused(admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    with pytest.raises(ValidationError):
        services.payment_record(actor=admin_actor, invoice_id=draft.pk, amount_cents=100, paid_on=TODAY)


# --- Closed fiscal years ------------------------------------------------------------------------------------


def test_nothing_is_issued_or_paid_in_a_closed_year(admin_actor, org, enrolment):
    last_year = TODAY.year - 1
    (invoice,) = issued_invoice(admin_actor, enrolment, issued_on=dt.date(last_year, 12, 1))
    services.fiscal_year_close(actor=admin_actor, year=last_year)
    with pytest.raises(ValidationError) as exc:
        services.payment_record(
            actor=admin_actor, invoice_id=invoice.pk, amount_cents=100, paid_on=dt.date(last_year, 12, 20)
        )
    assert "clôturé" in str(exc.value)
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, issued_on=dt.date(last_year, 12, 20))
    # Today (an open year) is fine.
    services.payment_record(actor=admin_actor, invoice_id=invoice.pk, amount_cents=100, paid_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.fiscal_year_close(actor=admin_actor, year=last_year)
    assert "déjà clôturé" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.fiscal_year_close(actor=admin_actor, year=TODAY.year)
    assert "une fois terminé" in str(exc.value)
    assert ClosedFiscalYear.objects.filter(organisation=org).count() == 1


# --- Member shares ------------------------------------------------------------------------------------------


def test_shares_follow_the_minutes_each_structure_delivered(
    admin_actor, org, session, enrolment, member, other_member, trainer
):
    member.contribution_rate = Decimal("10.00")
    member.save()
    other_member.contribution_rate = Decimal("12.50")
    other_member.save()
    other = TrainerFactory(organisation=org, member_structure=other_member)
    # A third slot of 7 h by the other structure's trainer: member 7 h (two slots), other_member 7 h.
    slot = SlotFactory(
        session=session,
        starts_at=dt.datetime(2026, 3, 4, 9, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 4, 16, 0, tzinfo=PARIS),
    )
    slot.trainers.add(other)
    enrolment.price_cents = 100001
    enrolment.save()
    (invoice,) = issued_invoice(admin_actor, enrolment)
    shares = {s.member_structure_id: s for s in MemberShare.objects.filter(invoice=invoice)}
    assert sum(s.basis_cents for s in shares.values()) == 100001
    assert {shares[member.pk].basis_cents, shares[other_member.pk].basis_cents} == {50000, 50001}
    mine = shares[member.pk]
    assert mine.contribution_rate == Decimal("10.00")
    assert mine.contribution_cents == contribution_cents(mine.basis_cents, Decimal("10.00"))
    assert mine.due_cents == mine.basis_cents - mine.contribution_cents
    assert shares[other_member.pk].contribution_cents == contribution_cents(
        shares[other_member.pk].basis_cents, Decimal("12.50")
    )
    # A credit note gets the same split, proportionally.
    note = services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=10001)
    note_shares = list(MemberShare.objects.filter(invoice=note))
    assert sum(s.basis_cents for s in note_shares) == 10001
    assert {s.member_structure_id for s in note_shares} == {member.pk, other_member.pk}


def test_an_external_subcontractor_gives_no_share_to_any_structure(
    admin_actor, org, session, enrolment, member, other_member, trainer
):
    """A slot of 7 h delivered by an external subcontractor goes to the session's structure, which organised it
    (the OF pays the subcontractor): not to a structure the subcontractor was attached to, nor to none."""
    external = TrainerFactory(
        organisation=org,
        member_structure=None,
        status="subcontractor",
        employer="subcontractor",
        siret="73282932000074",
    )
    legacy = TrainerFactory(
        organisation=org, member_structure=other_member, status="subcontractor", employer="subcontractor"
    )
    for day, who in ((4, external), (5, legacy)):
        slot = SlotFactory(
            session=session,
            starts_at=dt.datetime(2026, 3, day, 9, 0, tzinfo=PARIS),
            ends_at=dt.datetime(2026, 3, day, 16, 0, tzinfo=PARIS),
        )
        slot.trainers.add(who)
    (invoice,) = issued_invoice(admin_actor, enrolment)
    shares = {s.member_structure_id: s.basis_cents for s in MemberShare.objects.filter(invoice=invoice)}
    assert shares == {session.member_structure_id: 140000}
    assert other_member.pk not in shares


def test_shares_fall_back_on_the_session_structure(admin_actor, org, session, enrolment, member, trainer):
    session.trainers.clear()
    for slot in session.slots.all():
        slot.trainers.clear()
    (invoice,) = issued_invoice(admin_actor, enrolment)
    share = MemberShare.objects.get(invoice=invoice)
    assert share.member_structure == session.member_structure and share.basis_cents == 140000


def test_a_quote_has_no_share(admin_actor, enrolment):
    quote = services.invoice_issue(
        actor=admin_actor,
        invoice_id=services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk).pk,
    )
    assert not MemberShare.objects.filter(invoice=quote).exists()


def test_the_pdf_of_an_issued_piece_is_made_once(api, admin_user, admin_actor, org, enrolment):
    """The documents engine's generic generation cannot make a second version of an invoice's PDF."""
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    client = api(admin_user, org)
    response = client.post(
        "/api/v1/documents", {"kind": "invoice", "subject_id": draft.pk}, content_type="application/json"
    )
    assert response.status_code == 422 and "émis" in response.json()["missing"][0]["label"]
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    response = client.post(
        "/api/v1/documents", {"kind": "invoice", "subject_id": invoice.pk}, content_type="application/json"
    )
    assert response.status_code == 422 and "déjà son PDF" in response.json()["missing"][0]["label"]
    invoice.document.refresh_from_db()
    assert invoice.document.status == "final"


@given(
    total=st.integers(min_value=0, max_value=10**10),
    structures=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=5000),  # minutes delivered
            st.decimals(min_value=0, max_value=100, places=2),  # contribution rate in %
        ),
        min_size=1,
        max_size=6,
    ),
)
@settings(max_examples=300, deadline=None)
def test_member_shares_add_up_exactly(total, structures):
    """The split of an invoice, then each structure's contribution and due: nothing created or lost."""
    parts = split_largest_remainder(total, {i: minutes for i, (minutes, _rate) in enumerate(structures)})
    assert sum(parts.values()) == total
    for i, basis in parts.items():
        rate = structures[i][1]
        contribution = contribution_cents(basis, rate)
        exact = Decimal(basis) * rate / 100
        assert abs(Decimal(contribution) - exact) <= Decimal("0.5")
        assert 0 <= contribution <= basis and basis - contribution >= 0


def test_pdf_of_a_quote_reads_back(admin_actor, enrolment, opco_line):
    quote = services.invoice_issue(
        actor=admin_actor,
        invoice_id=services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk).pk,
    )
    text = pdf_text(quote).replace("\u202f", " ").replace("\xa0", " ")
    assert "Devis" in text and quote.number in text and "Valable jusqu" in text
    assert "1 400,00" in text and "AKTO" in text  # the planned funding is in the notes
    assert quote.document.kind == "billing_quote"


# --- A quote whose enrolment is funded by third parties: the client's share only ------------------------------


def _accepted_quote(actor, enrolment):  # type: ignore[no-untyped-def]
    quote = services.invoice_issue(
        actor=actor, invoice_id=services.quote_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk).pk
    )
    return services.quote_accept(actor=actor, quote_id=quote.pk)


def test_a_funded_quote_converts_into_the_clients_share_only(admin_actor, enrolment, opco_line):
    quote = _accepted_quote(admin_actor, enrolment)
    assert quote.total_ht_cents == 140000 and "AKTO" in quote.notes  # the whole price, the funding in the notes
    invoice = services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    assert invoice.quote_id == quote.pk and invoice.funder_id is None
    assert invoice.total_ht_cents == 40000  # 1 400 € − AKTO's 1 000 €
    (line,) = invoice.lines.all()
    assert line.label.endswith("reste à charge après financements") and line.amount_cents == 40000
    assert "Part restant à votre charge : AKTO (" in invoice.notes

    # The OPCO is invoiced from the enrolment, the client's part not a second time: 1 400 € billed in all.
    (opco,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert opco.payer_kind == "opco" and opco.total_ht_cents == 100000
    billed = Invoice.objects.filter(enrolment=enrolment, kind="invoice").aggregate(t=Sum("total_ht_cents"))["t"]
    assert billed == enrolment.price_cents
    with pytest.raises(ValidationError, match="déjà facturée"):
        services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)


def test_a_quote_entirely_funded_on_hours_realised_is_not_converted(admin_actor, admin_user, web, org, enrolment):
    from coopforma.training_sessions.tests.factories import FundingLineFactory

    FundingLineFactory(enrolment=enrolment, payer_kind="opco", payer_name="AKTO", amount_cents=140000, basis="hours")
    quote = _accepted_quote(admin_actor, enrolment)
    with pytest.raises(ValidationError) as exc:
        services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    message = " ".join(exc.value.message_dict["quote"])
    assert "entièrement pris en charge par AKTO" in message and "deux fois" in message
    assert not Invoice.objects.filter(kind="invoice").exists()

    response = web(admin_user).post(f"/o/{org.slug}/billing/{quote.pk}/convert/", follow=True)
    assert "entièrement pris en charge par AKTO" in html.unescape(response.content.decode())
    assert not Invoice.objects.filter(kind="invoice").exists()


def test_a_quote_is_not_converted_once_the_clients_share_is_invoiced(admin_actor, enrolment, opco_line):
    quote = _accepted_quote(admin_actor, enrolment)
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert sorted(d.total_ht_cents for d in drafts) == [40000, 100000]
    with pytest.raises(ValidationError, match="La part du client est déjà facturée"):
        services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    assert Invoice.objects.filter(kind="invoice").count() == 2


def test_a_quote_without_third_party_funding_converts_whole(admin_actor, enrolment):
    invoice = services.quote_convert(actor=admin_actor, quote_id=_accepted_quote(admin_actor, enrolment).pk)
    assert invoice.total_ht_cents == enrolment.price_cents and "Part restant" not in invoice.notes


def test_an_invoice_converted_for_the_whole_price_still_blocks_the_funders_invoices(admin_actor, enrolment):
    """Converted before the funding was known (or before this rule): it billed the whole price, so the OPCO is not
    invoiced the same amount again."""
    from coopforma.training_sessions.tests.factories import FundingLineFactory

    invoice = services.quote_convert(actor=admin_actor, quote_id=_accepted_quote(admin_actor, enrolment).pk)
    assert invoice.total_ht_cents == 140000
    FundingLineFactory(enrolment=enrolment, payer_kind="opco", payer_name="AKTO", amount_cents=100000)
    with pytest.raises(ValidationError, match="déjà facturée"):
        services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert Invoice.objects.filter(kind="invoice").count() == 1
