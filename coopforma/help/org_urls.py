# SPDX-License-Identifier: AGPL-3.0-or-later
"""The guide inside an organisation's pages, under /o/<org>/aide/ (namespace `help_org`): the navigation stays.

One URL per page (no page parameter), so that the walk over every route has no record id to invent.
"""

from django.urls import path

from coopforma.help import views
from coopforma.help.guide import PAGES

app_name = "help_org"
urlpatterns = [
    path("" if slug == "index" else f"{slug}/", views.OrgGuideView.as_view(), {"page": slug}, name=slug)
    for slug in PAGES
]
