# SPDX-License-Identifier: AGPL-3.0-or-later
"""Billing pages under /o/<org>/billing/ (namespace `billing`)."""

from django.urls import path

from coopforma.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.InvoiceListView.as_view(), name="list"),
    path("<int:pk>/", views.InvoiceDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.InvoiceEditView.as_view(), name="edit"),
    path("<int:pk>/lines/add/", views.LineAddView.as_view(), name="line_add"),
    path("<int:pk>/lines/<int:line_pk>/edit/", views.LineEditView.as_view(), name="line_edit"),
    path("<int:pk>/lines/<int:line_pk>/delete/", views.LineDeleteView.as_view(), name="line_delete"),
    path("<int:pk>/delete/", views.DeleteDraftView.as_view(), name="delete"),
    path("<int:pk>/issue/", views.IssueView.as_view(), name="issue"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<int:pk>/convert/", views.ConvertView.as_view(), name="convert"),
    path("<int:pk>/credit-note/", views.CreditNoteView.as_view(), name="credit_note"),
    path("<int:pk>/unrealised-credit-note/", views.UnrealisedCreditNoteView.as_view(), name="unrealised_credit_note"),
    path("<int:pk>/payment/", views.PaymentView.as_view(), name="payment"),
    path("<int:pk>/remind/", views.RemindView.as_view(), name="remind"),
    path("<int:pk>/pdf/", views.PdfView.as_view(), name="pdf"),
    path("<int:pk>/facturx.pdf", views.FacturXView.as_view(fmt="pdf"), name="facturx_pdf"),
    path("<int:pk>/facturx.xml", views.FacturXView.as_view(fmt="xml"), name="facturx_xml"),
    path("enrolment/<int:enrolment_id>/", views.EnrolmentBillingView.as_view(), name="enrolment"),
    path("enrolment/<int:enrolment_id>/cpf/", views.CpfDeclareView.as_view(), name="cpf"),
    path(
        "enrolment/<int:enrolment_id>/contract-signature/",
        views.ContractSignatureView.as_view(),
        name="contract_signature",
    ),
    path("statement/", views.StatementView.as_view(), name="statement"),
    path("statement.csv", views.StatementCsvView.as_view(), name="statement_csv"),
    path("years/", views.FiscalYearView.as_view(), name="years"),
    path("funders/", views.FundersView.as_view(), name="funders"),
    path("reminders/", views.RemindersView.as_view(), name="reminders"),
    path("accounting/", views.AccountingExportView.as_view(), name="accounting"),
    path("accounting/fec.txt", views.AccountingExportView.as_view(fmt="fec"), name="accounting_fec"),
    path("accounting/journal.csv", views.AccountingExportView.as_view(fmt="csv"), name="accounting_csv"),
]
