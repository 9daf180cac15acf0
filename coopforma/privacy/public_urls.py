# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.privacy import views

app_name = "privacy_public"

urlpatterns = [
    path("<slug:org>/", views.notice, name="notice"),
]
