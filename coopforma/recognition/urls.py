# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /reseaux/<network>/referentiel/projets/ (config/urls.py)."""

from django.urls import path

from coopforma.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("nouveau/", views.project_create, name="create"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/modifier/", views.project_edit, name="edit"),
    path("<int:project_id>/blocs/nouveau/", views.block_edit, name="block_create"),
    path("<int:project_id>/blocs/<int:block_id>/", views.block_edit, name="block_edit"),
    path("<int:project_id>/blocs/<int:block_id>/supprimer/", views.block_delete, name="block_delete"),
    path("<int:project_id>/blocs/<int:block_id>/formations/", views.training_attach, name="training_attach"),
    path(
        "<int:project_id>/blocs/<int:block_id>/formations/<int:training_id>/detacher/",
        views.training_detach,
        name="training_detach",
    ),
    path("<int:project_id>/blocs/<int:block_id>/echanges/", views.exchange_adopt, name="exchange_adopt"),
    path(
        "<int:project_id>/blocs/<int:block_id>/echanges/<int:exchange_id>/retirer/",
        views.exchange_remove,
        name="exchange_remove",
    ),
    path("<int:project_id>/evaluations/<int:evaluation_id>/", views.evaluation_edit, name="evaluation_edit"),
    path("<int:project_id>/besoin/", views.evidence_refresh, name="evidence_refresh"),
    path("<int:project_id>/deposer/", views.project_submit, name="submit"),
    path("<int:project_id>/decision/", views.project_decision, name="decision"),
    path("<int:project_id>/rouvrir/", views.project_reopen, name="reopen"),
    path("<int:project_id>/formations/<int:training_id>/adopter/", views.training_adopt, name="training_adopt"),
    path("<int:project_id>/dossier.json", views.dossier_json, name="dossier_json"),
    path("<int:project_id>/dossier.pdf", views.dossier_pdf_download, name="dossier_pdf"),
]
