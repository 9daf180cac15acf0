# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Mon certificateur et mes audits », under /o/<org>/certificateur/ (config/urls.py)."""

from django.urls import path

from coopforma.registry import views

app_name = "org_certifier"
urlpatterns = [
    path("", views.MyCertifierView.as_view(), name="mine"),
    path("avis/nouveau/", views.ReviewCreateView.as_view(), name="review_create"),
    path("avis/<int:review_id>/", views.ReviewEditView.as_view(), name="review_edit"),
    path("avis/<int:review_id>/supprimer/", views.ReviewDeleteView.as_view(), name="review_delete"),
]
