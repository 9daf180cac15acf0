# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of billing, scoped by the actor (flag `billing.view`): admin and quality see every piece; a member
structure's manager sees the pieces with a share of their structure or whose session belongs to it. Payments and
credit notes are summed in SQL (subqueries), so a list costs the same number of queries whatever its length."""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.roles import Role
from coopforma.billing.models import (
    ClosedFiscalYear,
    Funder,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    MemberShare,
    Payment,
    Reminder,
)
from coopforma.billing.rules import fiscal_year_of
from coopforma.core.log import history_for
from coopforma.people.models import MemberStructure
from coopforma.people.scope import actor_scope
from coopforma.training_sessions.selectors import contract_signature, enrolment_get, individual_payment_schedule

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class InvoiceAmounts(TypedDict):
    """What `with_amounts` annotates (cents)."""

    paid_cents: int
    credited_ht_cents: int
    credited_ttc_cents: int
    balance_cents: int


ISSUED = [InvoiceStatus.ISSUED]


def _sum_of(qs: QuerySet, group: str, column: str) -> Coalesce:
    """SUM(column) of a subquery correlated on `group`, 0 when empty (portable SQLite/PostgreSQL)."""
    total = qs.order_by().values(group).annotate(t=Sum(column)).values("t")[:1]
    return Coalesce(Subquery(total), Value(0), output_field=BigIntegerField())


def with_amounts(qs: QuerySet[Invoice]) -> "QuerySet[WithAnnotations[Invoice, InvoiceAmounts]]":
    """Annotates paid_cents, credited_ht_cents, credited_ttc_cents and balance_cents (invoices; 0 otherwise)."""
    paid = _sum_of(Payment.objects.filter(invoice=OuterRef("pk")), "invoice", "amount_cents")
    notes = Invoice.objects.filter(corrects=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE, status=InvoiceStatus.ISSUED)
    return qs.annotate(
        paid_cents=paid,
        credited_ht_cents=_sum_of(notes, "corrects", "total_ht_cents"),
        credited_ttc_cents=_sum_of(notes, "corrects", "total_ttc_cents"),
    ).annotate(
        balance_cents=Case(
            When(
                kind=InvoiceKind.INVOICE,
                status=InvoiceStatus.ISSUED,
                then=F("total_ttc_cents") - F("paid_cents") - F("credited_ttc_cents"),
            ),
            default=Value(0),
            output_field=BigIntegerField(),
        )
    )


def invoice_queryset_for(actor: Actor) -> QuerySet[Invoice]:
    if not actor.has("billing.view"):
        raise PermissionDenied("billing.view")
    qs = Invoice.objects.filter(organisation_id=actor.organisation_id)
    scope = actor_scope(actor)
    if scope.all:
        return qs
    if actor.role == Role.MEMBER_MANAGER and scope.member_structure_ids:
        ids = scope.member_structure_ids
        shared = MemberShare.objects.filter(invoice=OuterRef("pk"), member_structure_id__in=ids)
        return qs.filter(Q(session__member_structure_id__in=ids) | Exists(shared))
    return qs.none()


def invoice_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Invoice]:
    """filters: kind, status, year (fiscal year), search (number, recipient, client), enrolment, session,
    overdue (issued invoices past their due date, not fully paid)."""
    filters = filters or {}
    qs = invoice_queryset_for(actor)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("year"):
        qs = qs.filter(fiscal_year=filters["year"])
    if filters.get("enrolment"):
        qs = qs.filter(enrolment_id=filters["enrolment"])
    if filters.get("session"):
        qs = qs.filter(session_id=filters["session"])
    if filters.get("search"):
        term = filters["search"].strip()
        qs = qs.filter(Q(number__icontains=term) | Q(recipient_name__icontains=term) | Q(client__name__icontains=term))
    qs = with_amounts(qs)
    if filters.get("overdue"):  # issued invoices past their due date with a balance left
        qs = qs.filter(
            kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED, due_on__lt=timezone.localdate(), balance_cents__gt=0
        )
    return qs.select_related("client").order_by(F("issued_on").desc(nulls_first=True), "-id")


@overload
def invoice_get(
    *, actor: Actor, invoice_id: int, amounts: Literal[True] = True
) -> "WithAnnotations[Invoice, InvoiceAmounts]": ...
@overload
def invoice_get(*, actor: Actor, invoice_id: int, amounts: Literal[False]) -> Invoice: ...
def invoice_get(*, actor: Actor, invoice_id: int, amounts: bool = True) -> Invoice:
    """One visible piece (with its paid/credited/balance amounts unless `amounts=False`); 404 when missing or not
    visible."""
    qs = invoice_queryset_for(actor)
    if amounts:
        qs = with_amounts(qs)
    invoice = (
        qs.select_related("client", "session", "enrolment", "quote", "corrects", "document", "organisation")
        .filter(pk=invoice_id)
        .order_by()
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def invoice_line_get(*, actor: Actor, invoice_id: int, line_id: int) -> InvoiceLine:
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    line = InvoiceLine.objects.filter(invoice=invoice, pk=line_id).first()
    if line is None:
        raise Http404
    line.invoice = invoice
    return line


@dataclass
class InvoiceDetail:
    invoice: "WithAnnotations[Invoice, InvoiceAmounts]"
    lines: list[InvoiceLine]
    payments: list[Payment]
    credit_notes: list[Invoice]
    shares: list[MemberShare]
    invoices_from_quote: list[Invoice]
    history: list[Any] = field(default_factory=list)

    @property
    def can_credit(self) -> bool:
        i = self.invoice
        return (
            i.kind == InvoiceKind.INVOICE
            and i.status == InvoiceStatus.ISSUED
            and i.credited_ht_cents < i.total_ht_cents
        )

    @property
    def creditable_cents(self) -> int:
        return self.invoice.total_ht_cents - self.invoice.credited_ht_cents


def invoice_detail(*, actor: Actor, invoice_id: int) -> InvoiceDetail:
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    return InvoiceDetail(
        invoice=invoice,
        lines=list(invoice.lines.all()),
        payments=list(invoice.payments.all()),
        credit_notes=list(invoice.credit_notes.filter(status=InvoiceStatus.ISSUED).order_by("issued_on", "id")),
        shares=list(invoice.shares.select_related("member_structure").order_by("member_structure__name")),
        invoices_from_quote=list(invoice.invoices_from_quote.all()),
        history=list(history_for(invoice)),
    )


def closed_years(*, actor: Actor) -> list[ClosedFiscalYear]:
    actor.require("billing.view")
    return list(
        ClosedFiscalYear.objects.filter(organisation_id=actor.organisation_id)
        .select_related("closed_by")
        .order_by("-fiscal_year")
    )


def invoice_years(*, actor: Actor) -> list[int]:
    return sorted(
        {y for y in invoice_queryset_for(actor).values_list("fiscal_year", flat=True).distinct() if y}, reverse=True
    )


# --- Member statements --------------------------------------------------------------------------------------


def statement_members(*, actor: Actor) -> QuerySet[MemberStructure]:
    """The member structures whose statement the actor may read."""
    if not actor.has("billing.view"):
        raise PermissionDenied("billing.view")
    qs = MemberStructure.objects.filter(organisation_id=actor.organisation_id).order_by("name")
    scope = actor_scope(actor)
    if scope.all:
        return qs
    if actor.role == Role.MEMBER_MANAGER:
        return qs.filter(pk__in=scope.member_structure_ids)
    return qs.none()


@dataclass
class StatementRow:
    share: MemberShare
    sign: int

    @property
    def basis_cents(self) -> int:
        return self.sign * self.share.basis_cents

    @property
    def contribution_cents(self) -> int:
        return self.sign * self.share.contribution_cents

    @property
    def due_cents(self) -> int:
        return self.sign * self.share.due_cents


@dataclass
class MemberStatement:
    member: MemberStructure
    start: dt.date
    end: dt.date  # inclusive
    rows: list[StatementRow]
    turnover_cents: int
    contribution_cents: int
    due_cents: int


def _signed(column: str) -> Sum:
    return Sum(
        Case(
            When(invoice__kind=InvoiceKind.CREDIT_NOTE, then=-F(column)),
            default=F(column),
            output_field=IntegerField(),
        )
    )


def member_statement(*, actor: Actor, member_id: int, start: dt.date, end: dt.date) -> MemberStatement:
    """The shares of one member structure in the pieces issued from `start` to `end` (inclusive): turnover
    attributed (HT), the OF's contribution and the amount due to the structure; credit notes subtracted."""
    member = statement_members(actor=actor).filter(pk=member_id).first()
    if member is None:
        raise Http404
    shares = MemberShare.objects.filter(
        organisation_id=actor.organisation_id,
        member_structure=member,
        invoice__status=InvoiceStatus.ISSUED,
        invoice__kind__in=[InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE],
        invoice__issued_on__gte=start,
        invoice__issued_on__lte=end,
    )
    totals = shares.aggregate(
        turnover=_signed("basis_cents"), contribution=_signed("contribution_cents"), due=_signed("due_cents")
    )
    rows = [
        StatementRow(share=s, sign=-1 if s.invoice.kind == InvoiceKind.CREDIT_NOTE else 1)
        for s in shares.select_related("invoice", "invoice__client", "invoice__corrects").order_by(
            "invoice__issued_on", "invoice_id"
        )
    ]
    return MemberStatement(
        member=member,
        start=start,
        end=end,
        rows=rows,
        turnover_cents=totals["turnover"] or 0,
        contribution_cents=totals["contribution"] or 0,
        due_cents=totals["due"] or 0,
    )


def member_statement_for_period(
    *, actor: Actor, member_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> MemberStatement:
    """`member_statement` from `start` to `end` (inclusive), each by default the bound of the current fiscal
    year; a period ending before it starts is refused (ValidationError on `end`)."""
    org = actor.organisation
    first, after = org.fiscal_year_bounds(fiscal_year_of(org.fiscal_year_start_month, timezone.localdate()))
    start = start or first
    end = end or after - dt.timedelta(days=1)
    if end < start:
        raise ValidationError({"end": _("La fin de la période précède son début.")})
    return member_statement(actor=actor, member_id=member_id, start=start, end=end)


# --- A trainee paying personally: the contract's signature and the payment schedule (L6353-3 to L6353-7) ------


@dataclass(frozen=True)
class PaymentSchedule:
    enrolment_id: int
    contract_signed_on: dt.date | None
    at_distance: bool
    withdrawal_ends_on: dt.date | None
    instalments: list[Any]


def payment_schedule_get(*, actor: Actor, enrolment_id: int) -> PaymentSchedule:
    """The payment schedule of an enrolment of a trainee paying personally (L6353-6), with the contract's
    signature and the end of the withdrawal period; 404 for an enrolment the actor may not see."""
    enrolment = enrolment_get(actor=actor, enrolment_id=enrolment_id)
    signature = contract_signature(enrolment)
    return PaymentSchedule(
        enrolment_id=enrolment.pk,
        contract_signed_on=signature.signed_on if signature else None,
        at_distance=signature.at_distance if signature else False,
        withdrawal_ends_on=signature.withdrawal_ends_on if signature else None,
        instalments=individual_payment_schedule(enrolment),
    )


# --- Funders' address book ----------------------------------------------------------------------------------


def funder_list(*, actor: Actor) -> QuerySet[Funder]:
    """The national funders (shared, read-only) and those the actor's organisation added."""
    actor.require("billing.view")
    return Funder.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=actor.organisation_id)).order_by(
        "kind", "name"
    )


def funder_for_payer(*, organisation_id: int, payer_name: str, payer_kind: str) -> Funder | None:
    """The address-book entry of a funding line's payer: its name (the organisation's own entry first), else the
    single national funder of its kind (the Caisse des dépôts for CPF, France Travail)."""
    visible = Funder.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))
    if payer_name.strip():
        # The organisation's own entry first (it may complete a national one), then the national list.
        for funder in sorted(visible, key=lambda f: f.organisation_id is None):
            if funder.answers_to(payer_name):
                return funder
    kind = {"cpf": "cdc", "france_travail": "france_travail"}.get(payer_kind)
    if kind:
        candidates = list(visible.filter(kind=kind)[:2])
        if len(candidates) == 1:
            return candidates[0]
    return None


def reminder_list(*, actor: Actor, limit: int = 100) -> list[Reminder]:
    """The last reminders of overdue invoices sent by the organisation (flag `billing.manage`)."""
    actor.require("billing.manage")
    qs = Reminder.objects.filter(organisation_id=actor.organisation_id).select_related("invoice", "sent_by")
    return list(qs.order_by("-sent_at", "-id")[:limit])


def invoice_reminders(*, actor: Actor, invoice: Invoice) -> list[Reminder]:
    """The reminders of one invoice the actor sees (`invoice` comes from `invoice_get`)."""
    return list(Reminder.objects.filter(organisation_id=actor.organisation_id, invoice=invoice).order_by("rank"))
