# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /reseaux/<network>/appels-d-offres/ (config/urls.py): the network's members read the training notices,
say « Ça m'intéresse » and keep their watch profiles."""

from django.urls import path

from coopforma.tenders import views

app_name = "tenders"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notices"),
    path("avis/<str:idweb>/", views.NoticeView.as_view(), name="notice"),
    path("interets/", views.InterestListView.as_view(), name="interests"),
    path("interets/<int:interest_id>/retirer/", views.InterestDeleteView.as_view(), name="interest_delete"),
    path("veille/", views.ProfileListView.as_view(), name="profiles"),
    path("veille/nouveau/", views.ProfileCreateView.as_view(), name="profile_create"),
    path("veille/<int:profile_id>/", views.ProfileUpdateView.as_view(), name="profile"),
    path("veille/<int:profile_id>/supprimer/", views.ProfileDeleteView.as_view(), name="profile_delete"),
]
