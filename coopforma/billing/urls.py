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
    path("<int:pk>/pdf/", views.PdfView.as_view(), name="pdf"),
    path("enrolment/<int:enrolment_id>/", views.EnrolmentBillingView.as_view(), name="enrolment"),
    path("statement/", views.StatementView.as_view(), name="statement"),
    path("statement.csv", views.StatementCsvView.as_view(), name="statement_csv"),
    path("years/", views.FiscalYearView.as_view(), name="years"),
]
