# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map in a network, under /reseaux/<network>/: the public search and map (carte/), a shown offer's page
(offres/<id>/), partner structures' public pages with their offers; in the back
office (gerer/), partner offers and their moderation, the relevance queue and the rule set."""

from django.urls import path

from coopforma.offers import views

app_name = "offers"
urlpatterns = [
    path("structures/<slug:partner>/", views.partner_page, name="partner_page"),
    path("carte/", views.map_page, name="map"),
    path("offres/<int:offer_id>/", views.offer_page, name="offer"),
    path("gerer/offres/", views.PartnerOfferListView.as_view(), name="partner_offers"),
    path("gerer/offres/nouvelle/", views.PartnerOfferCreateView.as_view(), name="partner_offer_create"),
    path("gerer/offres/<int:offer_id>/", views.PartnerOfferView.as_view(), name="partner_offer"),
    path("gerer/offres/<int:offer_id>/publier/", views.PartnerOfferPublishView.as_view(), name="partner_offer_publish"),
    path("gerer/offres/<int:offer_id>/refuser/", views.PartnerOfferRefuseView.as_view(), name="partner_offer_refuse"),
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
    path("gerer/pertinence/<int:relevance_id>/rouvrir/", views.RelevanceReopenView.as_view(), name="relevance_reopen"),
    path("gerer/regles/", views.RulesView.as_view(), name="rules"),
]
