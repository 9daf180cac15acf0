# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /o/<org>/referentiel/ (config/urls.py): the référentiel in the organisation's back office."""

from django.urls import path

from coopforma.referentiel import org_views

app_name = "referentiel_org"

urlpatterns = [
    path("formations/<int:training_id>/", org_views.TrainingCompetenciesView.as_view(), name="training"),
    path("formations/<int:training_id>/recherche/", org_views.CompetencySearchView.as_view(), name="training_search"),
    path("formateurs/<int:trainer_id>/", org_views.TrainerCompetenciesView.as_view(), name="trainer"),
]
