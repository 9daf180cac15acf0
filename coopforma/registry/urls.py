# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network's certifiers directory, under /reseaux/<network>/certificateurs/ (config/urls.py)."""

from django.urls import path

from coopforma.registry import views

app_name = "certifiers"
urlpatterns = [
    path("", views.DirectoryView.as_view(), name="directory"),
    path("calendrier/", views.CalendarView.as_view(), name="calendar"),
    path("accords/nouveau/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("accords/<int:agreement_id>/", views.AgreementView.as_view(), name="agreement"),
    path("accords/<int:agreement_id>/document/", views.AgreementDocumentView.as_view(), name="agreement_document"),
    path("accords/<int:agreement_id>/supprimer/", views.AgreementDeleteView.as_view(), name="agreement_delete"),
    path("avis/<int:review_id>/", views.ReviewView.as_view(), name="review"),
    path("<slug:code>/", views.CertifierView.as_view(), name="certifier"),
]
