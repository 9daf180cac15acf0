# SPDX-License-Identifier: AGPL-3.0-or-later
"""The template editor, under /o/<org>/documents/templates/."""

from django.urls import path

from coopforma.documents import template_views as views

urlpatterns = [
    path("templates/", views.TemplateListView.as_view(), name="template_list"),
    path("templates/<slug:kind>/", views.TemplateEditView.as_view(), name="template_edit"),
    path("templates/<slug:kind>/preview/", views.TemplatePreviewView.as_view(), name="template_preview"),
    path("templates/<slug:kind>/simple/", views.TemplateStructuredView.as_view(), name="template_structured"),
    path(
        "templates/<slug:kind>/simple/preview/",
        views.TemplateStructuredPreviewView.as_view(),
        name="template_structured_preview",
    ),
    path("templates/<slug:kind>/reset/", views.TemplateResetView.as_view(), name="template_reset"),
    path("templates/<slug:kind>/history/", views.TemplateHistoryView.as_view(), name="template_history"),
]
