# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.dashboard import checklist_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="home"),
    path("digest/", views.DigestSubscriptionView.as_view(), name="digest"),
    path("chiffres/", views.FiguresView.as_view(), name="figures"),
    path("chiffres.csv", views.FiguresCsvView.as_view(), name="figures_csv"),
    path("premiers-pas/masquer/", checklist_views.ChecklistDismissView.as_view(), name="checklist_dismiss"),
]
