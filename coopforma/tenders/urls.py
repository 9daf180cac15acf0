# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /reseaux/<network>/appels-d-offres/ (config/urls.py): the network's members read the training notices,
say « Ça m'intéresse » and keep their watch profiles."""

from django.urls import path

from coopforma.tenders import consortium_views, views

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
    # The consortium builder (groupements).
    path("groupements/", consortium_views.ConsortiumListView.as_view(), name="consortiums"),
    # A groupement's calendar at a secret address (no login: calendar apps cannot log in).
    path("groupements/agenda/<str:token>.ics", consortium_views.calendar_feed, name="calendar_feed"),
    path("avis/<str:idweb>/groupement/", consortium_views.ConsortiumCreateView.as_view(), name="consortium_create"),
    path("groupements/<int:consortium_id>/", consortium_views.ConsortiumView.as_view(), name="consortium"),
    path(
        "groupements/<int:consortium_id>/parts/",
        consortium_views.ConsortiumSharesView.as_view(),
        name="consortium_shares",
    ),
    path(
        "groupements/<int:consortium_id>/etat/", consortium_views.ConsortiumStateView.as_view(), name="consortium_state"
    ),
    path(
        "groupements/<int:consortium_id>/equipe/", consortium_views.ConsortiumTeamView.as_view(), name="consortium_team"
    ),
    path(
        "groupements/<int:consortium_id>/membres/",
        consortium_views.MemberAddView.as_view(),
        name="consortium_member_add",
    ),
    path(
        "groupements/<int:consortium_id>/membres/<int:organisation_id>/retirer/",
        consortium_views.MemberRemoveView.as_view(),
        name="consortium_member_remove",
    ),
    path(
        "groupements/<int:consortium_id>/etapes/",
        consortium_views.MilestoneCreateView.as_view(),
        name="consortium_milestone_create",
    ),
    path(
        "groupements/<int:consortium_id>/etapes/<int:milestone_id>/retirer/",
        consortium_views.MilestoneDeleteView.as_view(),
        name="consortium_milestone_delete",
    ),
    path(
        "groupements/<int:consortium_id>/client/", consortium_views.BuyerClientView.as_view(), name="consortium_client"
    ),
    path(
        "groupements/<int:consortium_id>/marche/",
        consortium_views.ContractStartView.as_view(),
        name="consortium_contract",
    ),
    path(
        "groupements/<int:consortium_id>/marche/brouillons/",
        consortium_views.ContractDraftsView.as_view(),
        name="consortium_contract_drafts",
    ),
    path(
        "groupements/<int:consortium_id>/agenda/",
        consortium_views.CalendarFeedView.as_view(),
        name="consortium_calendar_feed",
    ),
    path(
        "groupements/<int:consortium_id>/calendrier.ics",
        consortium_views.CalendarView.as_view(),
        name="consortium_calendar",
    ),
    path(
        "groupements/<int:consortium_id>/dossier.pdf", consortium_views.KitPdfView.as_view(), name="consortium_kit_pdf"
    ),
    path("groupements/<int:consortium_id>/dossier/", consortium_views.KitView.as_view(), name="consortium_kit"),
    path(
        "groupements/<int:consortium_id>/dossier/cv/<int:trainer_id>/",
        consortium_views.KitCvView.as_view(),
        name="consortium_kit_cv",
    ),
    path(
        "groupements/<int:consortium_id>/dossier/certificat/<int:organisation_id>/",
        consortium_views.KitCertificateView.as_view(),
        name="consortium_kit_certificate",
    ),
    path(
        "groupements/<int:consortium_id>/dossier.json",
        consortium_views.KitJsonView.as_view(),
        name="consortium_kit_json",
    ),
]
