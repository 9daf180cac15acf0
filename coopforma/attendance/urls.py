# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff attendance pages under /o/<org>/attendance/ (namespace `attendance`)."""

from django.urls import path

from coopforma.attendance import views

app_name = "attendance"
urlpatterns = [
    path("slots/<int:slot_id>/", views.SlotPageView.as_view(), name="slot"),
    path("slots/<int:slot_id>/participants/", views.SlotRowsView.as_view(), name="slot_rows"),
    path("slots/<int:slot_id>/qr/", views.SlotQrView.as_view(), name="slot_qr"),
    path("slots/<int:slot_id>/open/", views.SlotOpenView.as_view(), name="slot_open"),
    path("slots/<int:slot_id>/close/", views.SlotCloseView.as_view(), name="slot_close"),
    path("slots/<int:slot_id>/mark/", views.SlotMarkView.as_view(), name="slot_mark"),
    path("slots/<int:slot_id>/correct/", views.SlotCorrectView.as_view(), name="slot_correct"),
    path("slots/<int:slot_id>/send-links/", views.SlotSendLinksView.as_view(), name="slot_send_links"),
    path("slots/<int:slot_id>/sheet.pdf", views.SlotSheetView.as_view(), name="slot_sheet"),
    path("slots/<int:slot_id>/paper/", views.SlotPaperEntryView.as_view(), name="slot_paper"),
    path("slots/<int:slot_id>/scans/", views.SlotScanUploadView.as_view(), name="slot_scan_upload"),
    path("slots/<int:slot_id>/scans/<int:record_id>/", views.SlotScanView.as_view(), name="slot_scan"),
    path("sessions/<int:session_id>/", views.SessionAttendanceView.as_view(), name="session"),
    path("sessions/<int:session_id>/sheet.pdf", views.SessionSheetView.as_view(), name="session_sheet"),
    path("sessions/<int:session_id>/export.pdf", views.SessionExportPdfView.as_view(), name="session_export_pdf"),
    path("sessions/<int:session_id>/export.csv", views.SessionExportView.as_view(), name="session_export"),
]
