# SPDX-License-Identifier: AGPL-3.0-or-later
"""The back office's « Demandes », under /o/<org>/demandes/."""

from django.urls import path

from coopforma.enquiries import views

app_name = "enquiries_office"
urlpatterns = [
    path("", views.EnquiryListView.as_view(), name="list"),
    path("<int:pk>/", views.EnquiryDetailView.as_view(), name="detail"),
    path("<int:pk>/etat/", views.EnquiryStatusView.as_view(), name="status"),
    path("<int:pk>/convertir/client/", views.EnquiryConvertView.as_view(into="client"), name="convert_client"),
    path(
        "<int:pk>/convertir/inscription/", views.EnquiryConvertView.as_view(into="enrolment"), name="convert_enrolment"
    ),
    path("<int:pk>/convertir/devis/", views.EnquiryConvertView.as_view(into="quote"), name="convert_quote"),
]
