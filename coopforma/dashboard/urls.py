# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.dashboard import checklist_views, views

app_name = "dashboard"
urlpatterns = [path("", views.DashboardView.as_view(), name="home")]
urlpatterns += [path("premiers-pas/masquer/", checklist_views.ChecklistDismissView.as_view(), name="checklist_dismiss")]
