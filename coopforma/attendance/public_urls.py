# SPDX-License-Identifier: AGPL-3.0-or-later
"""Trainees sign on their phone without an account, under /e/ (namespace `emargement`)."""

from django.urls import path

from coopforma.attendance import public_views

app_name = "emargement"
urlpatterns = [
    path("moi/", public_views.home, name="home"),
    path("moi/slots/<int:slot_id>/", public_views.slot_action, name="slot_action"),
    path("q/<str:token>/", public_views.qr, name="qr"),
    path("<str:token>/", public_views.link, name="link"),
]
