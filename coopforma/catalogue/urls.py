# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.catalogue import export_views, views

app_name = "catalogue"
urlpatterns = [
    path("", views.TrainingListView.as_view(), name="list"),
    path("new/", views.TrainingCreateView.as_view(), name="create"),
    path("exports/edof/", export_views.EdofExportView.as_view(), name="export_edof"),
    path("exports/edof/fichier.xml", export_views.EdofDownloadView.as_view(), name="export_edof_file"),
    path("exports/lheo/", export_views.LheoExportView.as_view(), name="export_lheo"),
    path("exports/lheo/fichier.xml", export_views.LheoDownloadView.as_view(), name="export_lheo_file"),
    path("<int:pk>/", views.TrainingDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.TrainingUpdateView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.TrainingSubmitView.as_view(), name="submit"),
    path("<int:pk>/validate/", views.TrainingValidateView.as_view(), name="validate"),
    path("<int:pk>/return/", views.TrainingReturnView.as_view(), name="return"),
    path("<int:pk>/archive/", views.TrainingArchiveView.as_view(), name="archive"),
    path("<int:pk>/duplicate/", views.TrainingDuplicateView.as_view(), name="duplicate"),
]
