# SPDX-License-Identifier: AGPL-3.0-or-later
"""/reseaux/: « Mes réseaux », a network's public home and its back office (/reseaux/<network>/gerer/…)."""

from django.urls import path

from coopforma.networks import views

app_name = "networks"
urlpatterns = [
    path("", views.MyNetworksView.as_view(), name="mine"),
    path("<slug:network>/", views.network_home, name="home"),
    path("<slug:network>/gerer/", views.ManageView.as_view(), name="manage"),
    path("<slug:network>/gerer/personnes/", views.PeopleView.as_view(), name="people"),
    path("<slug:network>/gerer/personnes/<int:person_id>/role/", views.PersonRoleView.as_view(), name="person_role"),
    path(
        "<slug:network>/gerer/personnes/<int:person_id>/retirer/",
        views.PersonRemoveView.as_view(),
        name="person_remove",
    ),
    path("<slug:network>/gerer/organisations/", views.OrganisationsView.as_view(), name="organisations"),
    path(
        "<slug:network>/gerer/organisations/<int:membership_id>/retirer/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path("<slug:network>/gerer/structures/", views.PartnerListView.as_view(), name="partners"),
    path("<slug:network>/gerer/structures/proposer/", views.PartnerProposeView.as_view(), name="partner_propose"),
    path("<slug:network>/gerer/structures/<int:partner_id>/", views.PartnerView.as_view(), name="partner"),
    path(
        "<slug:network>/gerer/structures/<int:partner_id>/publier/",
        views.PartnerPublishView.as_view(),
        name="partner_publish",
    ),
    path(
        "<slug:network>/gerer/structures/<int:partner_id>/refuser/",
        views.PartnerRefuseView.as_view(),
        name="partner_refuse",
    ),
    path(
        "<slug:network>/gerer/structures/<int:partner_id>/gestionnaires/",
        views.PartnerManagerAddView.as_view(),
        name="partner_manager_add",
    ),
]
