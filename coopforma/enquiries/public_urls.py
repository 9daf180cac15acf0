# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public request forms, under /f/<org>/ (no login)."""

from django.urls import path

from coopforma.enquiries import views

app_name = "enquiries"
urlpatterns = [
    path("sessions/<int:session>/demande/", views.public_enrolment, name="public_enrolment"),
    path("<int:training>/demande/", views.public_quote, name="public_quote"),
]
