# SPDX-License-Identifier: AGPL-3.0-or-later
"""The guide without an account, under /aide/ (namespace `help`), for clients and trainees; one URL per page."""

from django.urls import path

from coopforma.help import views
from coopforma.help.guide import PAGES

app_name = "help"
urlpatterns = [
    path("" if slug == "index" else f"{slug}/", views.public_page, {"page": slug}, name=slug) for slug in PAGES
]
