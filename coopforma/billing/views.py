# SPDX-License-Identifier: AGPL-3.0-or-later
"""Billing pages under /o/<org>/billing/ (namespace `billing`): the list of pieces, a piece with its lines,
payments, credit notes and shares, the draft forms, issue, quote decisions, credit notes, payments, PDFs, the
member statement (page and CSV) and the closing of fiscal years. Thin: parse, call one selector or service."""

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from coopforma.accounts.mixins import OrgFormView, OrgListView, OrgViewMixin
from coopforma.billing import cpf, facturx, forms, individuals, realised, reminders, selectors, services
from coopforma.billing.accounting import accounting_lines
from coopforma.billing.documents import preview_pdf
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus
from coopforma.documents.services import document_read
from coopforma.formats.fec import fec_filename, write_fec, write_journal_csv
from coopforma.training_sessions.selectors import contract_signature, enrolment_get, individual_payment_schedule

T = "billing/"


def _detail(actor: Any, invoice: Invoice) -> HttpResponse:
    return redirect("billing:detail", org=actor.organisation.slug, pk=invoice.pk)


class InvoiceListView(OrgListView):
    template_name = T + "list.html"
    required_flag = "billing.view"
    filter_form_class = forms.InvoiceFilterForm
    context_object_name = "invoices"

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.invoice_list(actor=self.actor, filters=filters)


class InvoiceDetailView(OrgViewMixin, TemplateView):
    template_name = T + "detail.html"
    required_flag = "billing.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        detail = selectors.invoice_detail(actor=self.actor, invoice_id=self.kwargs["pk"])
        context.update(
            detail=detail,
            invoice=detail.invoice,
            history=detail.history,
            can_manage=self.actor.has("billing.manage"),
            unrealised=realised.unrealised_proposal(detail.invoice),
            reminders=selectors.invoice_reminders(actor=self.actor, invoice=detail.invoice),
        )
        invoice = detail.invoice
        context["overdue"] = (
            invoice.kind == InvoiceKind.INVOICE
            and invoice.status == InvoiceStatus.ISSUED
            and invoice.due_on is not None
            and invoice.due_on < timezone.localdate()
            and invoice.balance_cents > 0
        )
        if detail.invoice.status == InvoiceStatus.DRAFT:
            context["issue_form"] = forms.IssueForm()
            context["line_form"] = forms.LineForm()
        return context


class _PieceForm(OrgFormView):
    """A form about one visible piece (`self.invoice`), answered by one service call: `perform(form)` returns
    the piece to show next, `get_success_message(piece)` says what was done."""

    template_name = T + "form.html"
    required_flag = "billing.manage"
    title = ""
    submit = gettext_lazy("Enregistrer")
    invoice: Invoice

    def setup_invoice(self) -> None:
        self.invoice = selectors.invoice_get(actor=self.actor, invoice_id=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_invoice()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.setup_invoice()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(invoice=self.invoice, title=self.get_title(), submit=self.submit)
        return context

    def get_title(self) -> str:
        return self.title

    def success_url_for(self, piece: Invoice) -> str:
        return reverse("billing:detail", kwargs={"org": self.actor.organisation.slug, "pk": piece.pk})


class InvoiceEditView(_PieceForm):
    form_class = forms.InvoiceDraftForm

    def get_title(self) -> str:
        return _("Modifier le brouillon : %(piece)s") % {"piece": self.invoice}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["invoice"] = self.invoice
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {name: getattr(self.invoice, name) for name in services.DRAFT_FIELDS}

    def perform(self, form: Any) -> Invoice:
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.DRAFT_FIELDS}
        services.invoice_update(actor=self.actor, invoice_id=self.invoice.pk, **fields)
        return self.invoice

    def get_success_message(self, piece: Invoice) -> str:
        return _("Brouillon enregistré.")


class LineAddView(_PieceForm):
    form_class = forms.LineForm
    title = gettext_lazy("Ajouter une ligne")

    def perform(self, form: Any) -> Invoice:
        services.invoice_line_add(actor=self.actor, invoice_id=self.invoice.pk, **form.cleaned_data)
        return self.invoice

    def get_success_message(self, piece: Invoice) -> str:
        return _("Ligne ajoutée.")


class LineEditView(_PieceForm):
    form_class = forms.LineForm
    title = gettext_lazy("Modifier une ligne")

    def setup_invoice(self) -> None:
        self.line = selectors.invoice_line_get(
            actor=self.actor, invoice_id=self.kwargs["pk"], line_id=self.kwargs["line_pk"]
        )
        self.invoice = self.line.invoice

    def get_initial(self) -> dict[str, Any]:
        return {
            "label": self.line.label,
            "quantity": self.line.quantity,
            "unit_price_cents": self.line.unit_price_cents,
        }

    def perform(self, form: Any) -> Invoice:
        services.invoice_line_update(actor=self.actor, line_id=self.line.pk, **form.cleaned_data)
        return self.invoice

    def get_success_message(self, piece: Invoice) -> str:
        return _("Ligne modifiée.")


class IssueView(_PieceForm):
    form_class = forms.IssueForm
    submit = gettext_lazy("Émettre")

    def get_title(self) -> str:
        return _("Émettre : %(piece)s") % {"piece": self.invoice}

    def perform(self, form: Any) -> Invoice:
        return services.invoice_issue(actor=self.actor, invoice_id=self.invoice.pk, **form.cleaned_data)

    def get_success_message(self, issued: Invoice) -> str:
        return _("%(kind)s %(number)s émis(e).") % {"kind": issued.get_kind_display(), "number": issued.number}


class CreditNoteView(_PieceForm):
    form_class = forms.CreditNoteForm
    submit = gettext_lazy("Émettre l'avoir")

    def get_title(self) -> str:
        return _("Avoir sur la facture %(number)s") % {"number": self.invoice.number}

    def perform(self, form: Any) -> Invoice:
        return services.credit_note_create(actor=self.actor, invoice_id=self.invoice.pk, **form.cleaned_data)

    def get_success_message(self, note: Invoice) -> str:
        return _("Avoir %(number)s émis.") % {"number": note.number}


class PaymentView(_PieceForm):
    form_class = forms.PaymentForm
    submit = gettext_lazy("Enregistrer le paiement")

    def get_title(self) -> str:
        return _("Paiement de la facture %(number)s") % {"number": self.invoice.number}

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        initial["amount_cents"] = max(self.invoice.balance_cents, 0) or None
        return initial

    def perform(self, form: Any) -> Invoice:
        services.payment_record(actor=self.actor, invoice_id=self.invoice.pk, **form.cleaned_data)
        return self.invoice

    def get_success_message(self, piece: Invoice) -> str:
        return _("Paiement enregistré.")


class _PieceAction(OrgViewMixin, View):
    """A POST button on a piece's page: one service call, then back to a page with a message."""

    http_method_names = ["post"]
    required_flag = "billing.manage"

    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice()
        try:
            message, target = self.act(invoice)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _detail(self.actor, invoice)
        messages.success(request, message)
        if target is None:
            return redirect("billing:list", org=self.actor.organisation.slug)
        return _detail(self.actor, target)

    def get_invoice(self) -> Invoice:
        return selectors.invoice_get(actor=self.actor, invoice_id=self.kwargs["pk"])


class AcceptView(_PieceAction):
    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        services.quote_accept(actor=self.actor, quote_id=invoice.pk)
        return _("Devis %(number)s accepté.") % {"number": invoice.number}, invoice


class DeclineView(_PieceAction):
    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        services.quote_decline(actor=self.actor, quote_id=invoice.pk)
        return _("Devis %(number)s refusé.") % {"number": invoice.number}, invoice


class ConvertView(_PieceAction):
    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        created = services.quote_convert(actor=self.actor, quote_id=invoice.pk)
        return _("Facture préparée à partir du devis %(number)s : vérifiez-la puis émettez-la.") % {
            "number": invoice.number
        }, created


class DeleteDraftView(_PieceAction):
    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        services.invoice_delete_draft(actor=self.actor, invoice_id=invoice.pk)
        return _("Brouillon supprimé."), None


class UnrealisedCreditNoteView(_PieceAction):
    """The credit note of the hours not realised that the invoice billed (Code du travail L6354-1)."""

    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        note = services.credit_note_create_for_unrealised_hours(actor=self.actor, invoice_id=invoice.pk)
        return _("Avoir %(number)s émis pour les heures non réalisées.") % {"number": note.number}, note


class RemindView(_PieceAction):
    """« Relancer maintenant »: the next reminder of an overdue invoice, e-mailed at once."""

    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        reminder = reminders.invoice_remind(actor=self.actor, invoice=invoice)
        return _("Relance %(rank)s de la facture %(number)s envoyée à %(to)s.") % {
            "rank": reminder.rank,
            "number": invoice.number,
            "to": reminder.to,
        }, invoice


class LineDeleteView(_PieceAction):
    def act(self, invoice: Invoice) -> tuple[str, Invoice | None]:
        line = selectors.invoice_line_get(actor=self.actor, invoice_id=invoice.pk, line_id=self.kwargs["line_pk"])
        services.invoice_line_remove(actor=self.actor, line_id=line.pk)
        return _("Ligne supprimée."), invoice


class EnrolmentBillingView(OrgViewMixin, TemplateView):
    """From the session page: the enrolment's pieces; POST `kind` = quote (a draft quote) or invoice (the draft
    invoices: one per direct funder and one to the client for the rest)."""

    template_name = T + "enrolment.html"
    required_flag = "billing.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        enrolment = enrolment_get(actor=self.actor, enrolment_id=self.kwargs["enrolment_id"])
        consumer = enrolment.client.kind == "individual" and not cpf.cpf_lines(enrolment)
        context.update(
            consumer=consumer,
            signature=contract_signature(enrolment) if consumer else None,
            schedule=individual_payment_schedule(enrolment) if consumer else [],
            enrolment=enrolment,
            cpf_funded=bool(cpf.cpf_lines(enrolment)),
            holder_cpf=cpf.holder_pays_through_cpf(enrolment),
            today=timezone.localdate(),
            funding_lines=list(enrolment.funding_lines.all()),
            invoices=list(selectors.invoice_list(actor=self.actor, filters={"enrolment": enrolment.pk})),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.actor.require("billing.manage")
        enrolment = enrolment_get(actor=self.actor, enrolment_id=kwargs["enrolment_id"])
        kind = request.POST.get("kind")
        try:
            if kind == InvoiceKind.QUOTE:
                created = [services.quote_create_for_enrolment(actor=self.actor, enrolment_id=enrolment.pk)]
            elif kind == InvoiceKind.INVOICE:
                created = services.invoice_create_for_enrolment(actor=self.actor, enrolment_id=enrolment.pk)
            else:
                raise ValidationError({"kind": _("Choisissez un devis ou une facture.")})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("billing:enrolment", org=self.actor.organisation.slug, enrolment_id=enrolment.pk)
        messages.success(
            request, _("%(n)s brouillon(s) créé(s) : vérifiez-les puis émettez-les.") % {"n": len(created)}
        )
        return _detail(self.actor, created[0])


class CpfDeclareView(OrgViewMixin, View):
    """POST `step` = entry (with `entered_on`) or service_done (with `declared_on`): what the OF declared on EDOF."""

    required_flag = "billing.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrolment = enrolment_get(actor=self.actor, enrolment_id=kwargs["enrolment_id"])
        step = request.POST.get("step")
        try:
            if step == "entry":
                day = forms.parse_day(request.POST.get("entered_on"), "entered_on")
                cpf.cpf_entry_declare(actor=self.actor, enrolment=enrolment, entered_on=day)
                messages.success(request, _("Entrée en formation enregistrée."))
            elif step == "service_done":
                day = forms.parse_day(request.POST.get("declared_on"), "declared_on")
                done = cpf.cpf_service_done_declare(actor=self.actor, enrolment=enrolment, declared_on=day)
                messages.success(
                    request,
                    _("Service fait enregistré : taux de réalisation %(rate)s %%. Préparez la facture.")
                    % {"rate": done.cpf_completion_rate},
                )
            else:
                raise ValidationError({"step": _("Choisissez l'étape du dossier CPF à déclarer.")})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("billing:enrolment", org=self.actor.organisation.slug, enrolment_id=enrolment.pk)


class ContractSignatureView(OrgViewMixin, View):
    """POST `signed_on` (and `at_distance`): the date the trainee signed a paper contract (L6353-3)."""

    required_flag = "billing.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrolment = enrolment_get(actor=self.actor, enrolment_id=kwargs["enrolment_id"])
        try:
            day = forms.parse_day(request.POST.get("signed_on"), "signed_on")
            individuals.contract_signature_record(
                actor=self.actor, enrolment=enrolment, signed_on=day, at_distance=bool(request.POST.get("at_distance"))
            )
            messages.success(request, _("Signature du contrat enregistrée."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("billing:enrolment", org=self.actor.organisation.slug, enrolment_id=enrolment.pk)


class PdfView(OrgViewMixin, View):
    """The stored final PDF of an issued piece (checked against its SHA-256), or the preview of a draft."""

    required_flag = "billing.view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = selectors.invoice_get(actor=self.actor, invoice_id=kwargs["pk"])
        if invoice.document_id:
            data = document_read(invoice.document)
            name = f"{invoice.number}.pdf"
        else:
            try:
                data = preview_pdf(invoice)
            except ValidationError as exc:  # the organisation's template cannot lay this piece out
                for message in exc.messages:
                    messages.error(request, message)
                return _detail(self.actor, invoice)
            name = f"brouillon-{invoice.pk}.pdf"
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class FacturXView(OrgViewMixin, View):
    """The Factur-X of an issued invoice or credit note: the PDF with its embedded CII XML (`fmt="pdf"`), or the
    XML alone (`fmt="xml"`). A quote or a draft has none: 404."""

    required_flag = "billing.view"
    fmt = "pdf"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = selectors.invoice_get(actor=self.actor, invoice_id=kwargs["pk"])
        try:
            if self.fmt == "xml":
                data, content_type, name = facturx.cii_xml(invoice), "application/xml", f"{invoice.number}.xml"
            else:
                data = facturx.facturx_pdf(invoice)
                content_type, name = "application/pdf", f"{invoice.number}-facturx.pdf"
        except facturx.FacturXUnavailable as exc:
            raise Http404(_("Seules une facture ou un avoir émis ont un Factur-X.")) from exc
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- Member statement ---------------------------------------------------------------------------------------


class StatementView(OrgViewMixin, TemplateView):
    template_name = T + "statement.html"
    required_flag = "billing.view"

    def statement(self) -> tuple[Any, Any]:
        members = selectors.statement_members(actor=self.actor)
        org = self.actor.organisation
        year = services.fiscal_year(org, timezone.localdate())
        start, end = org.fiscal_year_bounds(year)
        period = (start, end - dt.timedelta(days=1))
        first = members.first()
        initial = {"member": first.pk if first else None, "start": period[0], "end": period[1]}
        data = {**initial, **self.request.GET.dict()} if self.request.GET else initial
        form = forms.StatementForm(data, members=members, default_period=period)
        statement = None
        if form.is_valid():
            statement = selectors.member_statement(
                actor=self.actor,
                member_id=form.cleaned_data["member"].pk,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        return form, statement

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, statement = self.statement()
        context.update(form=form, statement=statement, query=self.request.GET.urlencode())
        return context


def csv_amount(cents: int) -> str:
    """Accounting CSV: a decimal comma, no thousands separator, a minus sign for credit notes (-1234,50)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros},{rest:02d}"


# Read by people in a spreadsheet: French column names (docs/billing.md lists them).
CSV_HEADER = [
    "Date",
    "Numéro",
    "Type",
    "Client",
    "Destinataire",
    "Facture corrigée",
    "Structure",
    "Base HT",
    "Taux de contribution (%)",
    "Contribution",
    "Dû à la structure",
]


class StatementCsvView(StatementView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, statement = self.statement()
        if statement is None:
            return HttpResponse(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"parts-{statement.member.pk}-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for row in statement.rows:
            invoice = row.share.invoice
            writer.writerow(
                [
                    invoice.issued_on.strftime("%d/%m/%Y"),
                    invoice.number,
                    invoice.get_kind_display(),
                    invoice.client.name,
                    invoice.recipient_name,
                    invoice.corrects.number if invoice.corrects_id else "",
                    statement.member.name,
                    csv_amount(row.basis_cents),
                    str(row.share.contribution_rate).replace(".", ","),
                    csv_amount(row.contribution_cents),
                    csv_amount(row.due_cents),
                ]
            )
        return response


# --- Fiscal years -------------------------------------------------------------------------------------------


class FiscalYearView(OrgFormView):
    template_name = T + "years.html"
    form_class = forms.CloseYearForm
    required_flag = "billing.manage"

    def get_initial(self) -> dict[str, Any]:
        org = self.actor.organisation
        return {"year": services.fiscal_year(org, timezone.localdate()) - 1}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["closed"] = selectors.closed_years(actor=self.actor)
        return context

    def perform(self, form: forms.CloseYearForm) -> int:
        services.fiscal_year_close(actor=self.actor, year=form.cleaned_data["year"])
        return int(form.cleaned_data["year"])

    def get_success_message(self, year: int) -> str:
        return _("Exercice %(year)s clôturé.") % {"year": year}

    def success_url_for(self, year: int) -> str:
        return reverse("billing:years", kwargs={"org": self.actor.organisation.slug})


class FundersView(OrgFormView):
    """The funders' address book: the national list (read-only) and the organisation's own funders."""

    template_name = T + "funders.html"
    form_class = forms.FunderForm
    required_flag = "billing.view"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.actor.require("billing.manage")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["funders"] = selectors.funder_list(actor=self.actor)
        context["can_manage"] = self.actor.has("billing.manage")
        return context

    def perform(self, form: forms.FunderForm) -> Any:
        return services.funder_create(actor=self.actor, **form.cleaned_data)

    def get_success_message(self, funder: Any) -> str:
        return _("%(name)s est ajouté au carnet d'adresses.") % {"name": funder.name}

    def success_url_for(self, funder: Any) -> str:
        return reverse("billing:funders", kwargs={"org": self.actor.organisation.slug})


class AccountingExportView(OrgViewMixin, TemplateView):
    """The accounting export of a period: the FEC (A47 A-1 LPF) and the journal CSV, downloaded from this page
    (`fmt` = "fec" or "csv"); the page itself shows the period form (default: the current fiscal year)."""

    template_name = T + "accounting.html"
    required_flag = "billing.manage"
    fmt = ""

    def _form(self) -> forms.AccountingExportForm:
        org = self.actor.organisation
        year = services.fiscal_year(org, timezone.localdate())
        start, end = org.fiscal_year_bounds(year)
        initial = {"start": start, "end": end - dt.timedelta(days=1)}
        return forms.AccountingExportForm(self.request.GET or initial)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form()
        if not self.fmt or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        org = self.actor.organisation
        if self.fmt == "fec" and len(org.siret) < 9:
            form.add_error(
                None,
                _("Renseignez le SIRET de l'organisme : le nom du FEC commence par son SIREN (art. A47 A-1 du LPF)."),
            )
            return self.render_to_response(self.get_context_data(form=form))
        lines = accounting_lines(actor=self.actor, start=start, end=end)
        if self.fmt == "fec":
            data, content_type = write_fec(lines), "text/plain; charset=iso-8859-15"
            name = fec_filename(org.siret[:9], end)
        else:
            data, content_type = write_journal_csv(lines), "text/csv; charset=utf-8"
            name = f"journal-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- Reminders of overdue invoices -------------------------------------------------------------------------


class RemindersView(OrgFormView):
    """The reminder settings and e-mail text (with their placeholders) and the last reminders sent."""

    template_name = T + "reminders.html"
    form_class = forms.ReminderSettingsForm
    required_flag = "billing.manage"

    def get_object(self) -> Any:
        return reminders.reminder_settings_of(self.actor.organisation)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["reminders"] = selectors.reminder_list(actor=self.actor)
        context["placeholders"] = reminders.PLACEHOLDERS
        return context

    def perform(self, form: forms.ReminderSettingsForm) -> Any:
        return reminders.reminder_settings_update(actor=self.actor, **form.cleaned_data)

    def get_success_message(self, settings: Any) -> str:
        return _("Réglages des relances enregistrés.")

    def success_url_for(self, settings: Any) -> str:
        return reverse("billing:reminders", kwargs={"org": self.actor.organisation.slug})
