# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map in a network, under /reseaux/<network>/: the public search and map (carte/), a shown offer's page
(offres/<id>/), partner structures' public pages with their offers, the gaps (lacunes/, with their JSON for the
map and their CSV); in the back
office (gerer/), partner offers and their moderation, the relevance queue and the rule set."""

from django.urls import path

from coopforma.offers import views

app_name = "offers"
urlpatterns = [
    path("structures/<slug:partner>/", views.partner_page, name="partner_page"),
    path("carte/", views.map_page, name="map"),
    path("offres/<int:offer_id>/", views.offer_page, name="offer"),
    path("lacunes/", views.gaps_page, name="gaps"),
    path("lacunes.json", views.gaps_json, name="gaps_json"),
    path("lacunes.csv", views.gaps_csv, name="gaps_csv"),
    path("gerer/offres/", views.PartnerOfferListView.as_view(), name="partner_offers"),
    path("gerer/offres/nouvelle/", views.PartnerOfferCreateView.as_view(), name="partner_offer_create"),
    path("gerer/offres/<int:offer_id>/", views.PartnerOfferView.as_view(), name="partner_offer"),
    path("gerer/offres/<int:offer_id>/publier/", views.PartnerOfferPublishView.as_view(), name="partner_offer_publish"),
    path("gerer/offres/<int:offer_id>/refuser/", views.PartnerOfferRefuseView.as_view(), name="partner_offer_refuse"),
    path(
        "gerer/offres/<int:offer_id>/competences/",
        views.PartnerOfferCompetenciesView.as_view(),
        name="partner_offer_competencies",
    ),
    path(
        "gerer/offres/<int:offer_id>/sessions/",
        views.PartnerOfferSessionAddView.as_view(),
        name="partner_offer_session_add",
    ),
    path(
        "gerer/offres/<int:offer_id>/sessions/<int:session_id>/retirer/",
        views.PartnerOfferSessionRemoveView.as_view(),
        name="partner_offer_session_remove",
    ),
    path("gerer/pertinence/", views.RelevanceView.as_view(), name="relevance"),
    path("gerer/pertinence/<int:relevance_id>/decider/", views.RelevanceDecideView.as_view(), name="relevance_decide"),
    path(
        "gerer/pertinence/<int:relevance_id>/competences/",
        views.RelevanceCompetencyView.as_view(),
        name="relevance_competency",
    ),
    path("gerer/pertinence/<int:relevance_id>/rouvrir/", views.RelevanceReopenView.as_view(), name="relevance_reopen"),
    path("gerer/regles/", views.RulesView.as_view(), name="rules"),
    path("offres.lheo.xml", views.feed_lheo, name="feed_lheo"),
    path("offres.json", views.feed_json, name="feed_json"),
    path("offres.csv", views.feed_csv, name="feed_csv"),
    path("donnees/", views.open_data_page, name="open_data"),
    path("gerer/sources/", views.SubscriptionsView.as_view(), name="subscriptions"),
    path("gerer/sources/<int:source_id>/relever/", views.SubscriptionPullView.as_view(), name="subscription_pull"),
    path("gerer/sources/<int:source_id>/retirer/", views.SubscriptionRemoveView.as_view(), name="subscription_remove"),
    path("gerer/imports/", views.ImportsView.as_view(), name="imports"),
    path("gerer/imports/<int:run_id>/", views.ImportRunView.as_view(), name="import_run"),
]
