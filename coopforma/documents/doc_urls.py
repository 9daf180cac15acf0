# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.documents import views

urlpatterns: list = [
    path("session/<int:session_id>/", views.SessionDocumentsView.as_view(), name="session"),
    path("session/<int:session_id>/bulk/<str:kind>/", views.DocumentBulkView.as_view(), name="bulk"),
    path("generate/<str:kind>/<int:subject_id>/", views.DocumentGenerateView.as_view(), name="generate"),
    path("<int:pk>/finalise/", views.DocumentFinaliseView.as_view(), name="finalise"),
    path("<int:pk>/file/", views.DocumentFileView.as_view(), name="file"),
]
