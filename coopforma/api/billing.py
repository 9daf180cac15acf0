# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for billing: pieces (quotes, invoices, credit notes) with their lines, payments and member shares,
drafts from an enrolment, issue, payments, credit notes, a member structure's statement, and the CPF cycle of an
enrolment (EDOF: entry declared, « service fait » with the hours realised, then the invoice to the Caisse des dépôts).

Thin: parse, call a selector or service of billing, serialise. Money in integer cents (*_cents, credit notes
positive: subtract them by their `kind`), dates in ISO 8601. Reading needs `billing.view`, writing
`billing.manage` (403 otherwise); a piece of another organisation or not visible is a 404.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from coopforma.accounts.actor import Actor
from coopforma.api.auth import get_actor, permission
from coopforma.api.params import FilterYear, coded, paged
from coopforma.billing import cpf, facturx, individuals, realised, selectors, services
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentMethod
from coopforma.training_sessions import selectors as session_selectors
from coopforma.training_sessions.models import FundingScheme, PayerKind

router = Router(tags=["billing"])


class LineOut(Schema):
    id: int
    position: int
    label: str
    quantity: int
    unit_price_cents: int
    amount_cents: int
    enrolment_id: int | None
    funding_line_id: int | None


class PaymentOut(Schema):
    id: int
    paid_on: dt.date
    amount_cents: int
    method: str
    reference: str


class ShareOut(Schema):
    member_structure_id: int
    basis_cents: int
    contribution_rate: str
    contribution_cents: int
    due_cents: int

    @staticmethod
    def resolve_contribution_rate(obj: Any) -> str:
        return str(obj.contribution_rate)


class PieceOut(Schema):
    id: int
    kind: str = coded(InvoiceKind, what="credit notes store positive amounts")
    status: str = coded(InvoiceStatus, what="accepted and declined: quotes only")
    number: str
    fiscal_year: int | None
    issued_on: dt.date | None
    due_on: dt.date | None
    valid_until: dt.date | None
    client_id: int
    session_id: int | None
    enrolment_id: int | None
    payer_kind: str = coded(PayerKind, default="", what="BPF frame C; empty = unclassified (a BPF anomaly)")
    scheme: str = coded(FundingScheme, default="", what="BPF lines 2a–2h")
    recipient_name: str
    vat_rate_bp: int
    total_ht_cents: int
    total_vat_cents: int
    total_ttc_cents: int
    paid_cents: int
    credited_ttc_cents: int
    balance_cents: int = Field(description="invoices: TTC − payments − credit notes TTC; 0 otherwise")
    quote_id: int | None
    corrects_id: int | None


class PieceDetailOut(PieceOut):
    legal: dict
    lines: list[LineOut]
    payments: list[PaymentOut]
    shares: list[ShareOut]
    document_id: int | None

    @staticmethod
    def resolve_lines(obj: Invoice) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_payments(obj: Invoice) -> list:
        return list(obj.payments.all())

    @staticmethod
    def resolve_shares(obj: Invoice) -> list:
        return list(obj.shares.order_by("member_structure_id"))


class PieceFilters(Schema):
    kind: str = ""
    status: str = ""
    year: FilterYear | None = None
    search: str = ""
    enrolment: int | None = None


class DraftIn(Schema):
    kind: str = Field(description="quote (one draft quote) or invoice (one draft per direct funder + the client)")


class IssueIn(Schema):
    issued_on: dt.date | None = None


class PaymentIn(Schema):
    amount_cents: int
    paid_on: dt.date
    method: str = coded(PaymentMethod, default=PaymentMethod.TRANSFER)
    reference: str = ""


class CreditNoteIn(Schema):
    amount_cents: int | None = Field(None, description="HT; empty = everything not yet credited")
    reason: str = ""
    issued_on: dt.date | None = None


class StatementLineOut(Schema):
    invoice_id: int
    number: str
    kind: str
    issued_on: dt.date
    client: str
    basis_cents: int = Field(description="negative for a credit note")
    contribution_rate: str
    contribution_cents: int
    due_cents: int


class StatementOut(Schema):
    member_structure_id: int
    start: dt.date
    end: dt.date
    turnover_cents: int
    contribution_cents: int
    due_cents: int
    lines: list[StatementLineOut]


class CpfOut(Schema):
    enrolment_id: int = Field(alias="id")
    cpf_funded: bool
    state: str = Field(
        alias="cpf_state",
        description="'' (non déclarée), entry_declared (entrée déclarée), service_done (service fait déclaré), "
        "invoiced (facturée à la Caisse des dépôts)",
    )
    state_label: str
    entry_on: dt.date | None = Field(alias="cpf_entry_on")
    service_done_on: dt.date | None = Field(alias="cpf_service_done_on")
    realised_minutes: int | None = Field(alias="cpf_realised_minutes")
    planned_minutes: int | None = Field(alias="cpf_planned_minutes")
    completion_rate: int | None = Field(alias="cpf_completion_rate", description="taux de réalisation, en %")

    @staticmethod
    def resolve_cpf_funded(obj: Any) -> bool:
        return bool(cpf.cpf_lines(obj))

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_cpf_state_display())


class CpfEntryIn(Schema):
    entered_on: dt.date = Field(description="the actual start of the training, as declared on EDOF")


class CpfServiceDoneIn(Schema):
    declared_on: dt.date | None = Field(None, description="default: today")


class InstalmentOut(Schema):
    label: str
    due_on: dt.date | None = Field(description="empty: the day after the withdrawal period, once signed")
    amount_cents: int


class ScheduleOut(Schema):
    enrolment_id: int
    contract_signed_on: dt.date | None
    at_distance: bool
    withdrawal_ends_on: dt.date | None
    instalments: list[InstalmentOut]


class ContractSignatureIn(Schema):
    signed_on: dt.date
    at_distance: bool = False


def _piece(actor: Actor, piece_id: int) -> Invoice:
    return selectors.invoice_get(actor=actor, invoice_id=piece_id)


@router.get("/billing/pieces", response=list[PieceOut])
@permission("billing.view")
@paged
def invoice_list(request: HttpRequest, filters: Query[PieceFilters]) -> Any:
    actor = get_actor(request)
    return selectors.invoice_list(actor=actor, filters=filters.dict(exclude_none=True))


@router.get("/billing/pieces/{piece_id}", response=PieceDetailOut)
@permission("billing.view")
def invoice_get(request: HttpRequest, piece_id: int) -> Invoice:
    return _piece(get_actor(request), piece_id)


@router.post("/billing/enrolments/{enrolment_id}/drafts", response={201: list[PieceOut]})
@permission("billing.manage")
def invoice_drafts_create(request: HttpRequest, enrolment_id: int, payload: DraftIn) -> Status[list[Invoice]]:
    actor = get_actor(request)
    enrolment = session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    if payload.kind == InvoiceKind.QUOTE:
        created = [services.quote_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk)]
    elif payload.kind == InvoiceKind.INVOICE:
        created = services.invoice_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk)
    else:
        raise ValidationError({"kind": "quote ou invoice."})
    return Status(201, [_piece(actor, i.pk) for i in created])


@router.get("/billing/enrolments/{enrolment_id}/cpf", response=CpfOut)
@permission("billing.view")
def cpf_get(request: HttpRequest, enrolment_id: int) -> Any:
    actor = get_actor(request)
    return session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)


@router.post("/billing/enrolments/{enrolment_id}/cpf/entry", response=CpfOut)
@permission("billing.manage")
def cpf_entry_declare(request: HttpRequest, enrolment_id: int, payload: CpfEntryIn) -> Any:
    actor = get_actor(request)
    enrolment = session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    cpf.cpf_entry_declare(actor=actor, enrolment=enrolment, entered_on=payload.entered_on)
    return session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)


@router.post("/billing/enrolments/{enrolment_id}/cpf/service-done", response=CpfOut)
@permission("billing.manage")
def cpf_service_done_declare(request: HttpRequest, enrolment_id: int, payload: CpfServiceDoneIn) -> Any:
    actor = get_actor(request)
    enrolment = session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    cpf.cpf_service_done_declare(actor=actor, enrolment=enrolment, declared_on=payload.declared_on)
    return session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)


@router.get("/billing/enrolments/{enrolment_id}/schedule", response=ScheduleOut)
@permission("billing.view")
def payment_schedule_get(request: HttpRequest, enrolment_id: int) -> selectors.PaymentSchedule:
    """The payment schedule of a trainee paying personally (L6353-6)."""
    return selectors.payment_schedule_get(actor=get_actor(request), enrolment_id=enrolment_id)


@router.post("/billing/enrolments/{enrolment_id}/contract-signature", response=ScheduleOut)
@permission("billing.manage")
def contract_signature_record(
    request: HttpRequest, enrolment_id: int, payload: ContractSignatureIn
) -> selectors.PaymentSchedule:
    actor = get_actor(request)
    enrolment = session_selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    individuals.contract_signature_record(actor=actor, enrolment=enrolment, **payload.dict())
    return selectors.payment_schedule_get(actor=actor, enrolment_id=enrolment_id)


@router.post("/billing/pieces/{piece_id}/issue", response=PieceDetailOut)
@permission("billing.manage")
def invoice_issue(request: HttpRequest, piece_id: int, payload: IssueIn) -> Invoice:
    actor = get_actor(request)
    services.invoice_issue(actor=actor, invoice_id=piece_id, issued_on=payload.issued_on)
    return _piece(actor, piece_id)


@router.post("/billing/pieces/{piece_id}/payments", response={201: PaymentOut})
@permission("billing.manage")
def payment_record(request: HttpRequest, piece_id: int, payload: PaymentIn) -> Status[Payment]:
    actor = get_actor(request)
    payment = services.payment_record(actor=actor, invoice_id=piece_id, **payload.dict())
    return Status(201, payment)


@router.post("/billing/pieces/{piece_id}/credit-notes", response={201: PieceDetailOut})
@permission("billing.manage")
def credit_note_create(request: HttpRequest, piece_id: int, payload: CreditNoteIn) -> Status[Invoice]:
    actor = get_actor(request)
    note = services.credit_note_create(actor=actor, invoice_id=piece_id, **payload.dict())
    return Status(201, _piece(actor, note.pk))


class UnrealisedOut(Schema):
    invoice_id: int
    billed_cents: int = Field(description="HT billed, net of the credit notes already issued")
    due_cents: int = Field(description="HT owed for the hours realised")
    amount_cents: int = Field(description="HT of the credit note owed (Code du travail L6354-1)")
    reason: str


@router.get("/billing/pieces/{piece_id}/unrealised-hours", response={200: UnrealisedOut, 204: None})
@permission("billing.view")
def unrealised_hours_get(request: HttpRequest, piece_id: int) -> Any:
    """The credit note owed for hours not realised that an issued invoice billed; 204 when there is none."""
    proposal = realised.unrealised_proposal(_piece(get_actor(request), piece_id))
    return proposal if proposal is not None else Status(204, None)


@router.post("/billing/pieces/{piece_id}/unrealised-hours/credit-note", response={201: PieceDetailOut})
@permission("billing.manage")
def unrealised_hours_credit(request: HttpRequest, piece_id: int, payload: IssueIn) -> Status[Invoice]:
    """Issue that credit note (refused, with the rule, when the invoice bills no hour not realised)."""
    actor = get_actor(request)
    note = services.credit_note_create_for_unrealised_hours(
        actor=actor, invoice_id=piece_id, issued_on=payload.issued_on
    )
    return Status(201, _piece(actor, note.pk))


@router.get("/billing/members/{member_id}/statement", response=StatementOut)
@permission("billing.view")
def member_statement_get(
    request: HttpRequest, member_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """The member structure's shares of the pieces issued from `start` to `end` (inclusive); by default the
    current fiscal year."""
    statement = selectors.member_statement_for_period(
        actor=get_actor(request), member_id=member_id, start=start, end=end
    )
    return {
        "member_structure_id": statement.member.pk,
        "start": statement.start,
        "end": statement.end,
        "turnover_cents": statement.turnover_cents,
        "contribution_cents": statement.contribution_cents,
        "due_cents": statement.due_cents,
        "lines": [
            {
                "invoice_id": row.share.invoice_id,
                "number": row.share.invoice.number,
                "kind": row.share.invoice.kind,
                "issued_on": row.share.invoice.issued_on,
                "client": row.share.invoice.client.name,
                "basis_cents": row.basis_cents,
                "contribution_rate": str(row.share.contribution_rate),
                "contribution_cents": row.contribution_cents,
                "due_cents": row.due_cents,
            }
            for row in statement.rows
        ],
    }


@router.get("/billing/pieces/{piece_id}/facturx.pdf")
@permission("billing.view")
def facturx_pdf_get(request: HttpRequest, piece_id: int) -> HttpResponse:
    """The Factur-X PDF (EN 16931 profile, CII XML embedded) of an issued invoice or credit note."""
    invoice = _piece(get_actor(request), piece_id)
    try:
        data = facturx.facturx_pdf(invoice)
    except facturx.FacturXUnavailable as exc:
        raise Http404("Seules une facture ou un avoir émis ont un Factur-X.") from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}-facturx.pdf"'
    return response


@router.get("/billing/pieces/{piece_id}/facturx.xml")
@permission("billing.view")
def facturx_xml_get(request: HttpRequest, piece_id: int) -> HttpResponse:
    """The CII XML (EN 16931 profile) of an issued invoice or credit note."""
    invoice = _piece(get_actor(request), piece_id)
    try:
        data = facturx.cii_xml(invoice)
    except facturx.FacturXUnavailable as exc:
        raise Http404("Seules une facture ou un avoir émis ont un Factur-X.") from exc
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.xml"'
    return response
