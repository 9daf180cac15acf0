# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /reseaux/<network>/referentiel/ (config/urls.py). Stable: a published version's URLs and its items'
never change (`v/<number>/competences/<code>/`); the unversioned ones redirect to the latest published."""

from django.urls import path

from coopforma.referentiel import views

app_name = "referentiel"

ITEM_SEGMENTS = ("metiers", "activites", "competences", "blocs")

urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("propositions/", views.proposals, name="proposals"),
    path("propositions/nouvelle/", views.proposal_create, name="proposal_create"),
    path("propositions/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("propositions/<int:proposal_id>/commenter/", views.proposal_comment, name="proposal_comment"),
    path("propositions/<int:proposal_id>/decider/", views.proposal_decide, name="proposal_decide"),
    path("couverture/", views.coverage, name="coverage"),
    path("couverture/couverture.csv", views.coverage_csv, name="coverage_csv"),
    path("formateurs/", views.trainer_queue, name="trainer_queue"),
    path("formateurs/<int:line_id>/decider/", views.trainer_decide, name="trainer_decide"),
    path("v/<str:number>/", views.version_detail, name="version"),
    path("v/<str:number>/modifications/", views.version_diff, name="diff"),
    path("v/<str:number>/publier/", views.version_publish, name="publish"),
    path("v/<str:number>/telecharger/<str:fmt>/", views.download, name="download"),
]
for segment in ITEM_SEGMENTS:
    urlpatterns += [
        path(f"v/<str:number>/{segment}/<str:code>/", views.item_detail, {"segment": segment}, name=segment),
        path(f"{segment}/<str:code>/", views.item_latest, {"segment": segment}, name=f"latest_{segment}"),
    ]
