# SPDX-License-Identifier: AGPL-3.0-or-later
"""Included at /o/<org>/people/ (namespace "people")."""

from django.urls import path

from coopforma.people import views

app_name = "people"
urlpatterns = [
    # Member structures
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member_update"),
    path("members/<int:pk>/managers/", views.MemberManagerAddView.as_view(), name="member_manager_add"),
    path(
        "members/<int:pk>/managers/<int:user_id>/remove/",
        views.MemberManagerRemoveView.as_view(),
        name="member_manager_remove",
    ),
    # Trainers and their onboarding (parcours formateur)
    path("trainers/", views.TrainerListView.as_view(), name="trainer_list"),
    path("trainers/new/", views.TrainerCreateView.as_view(), name="trainer_create"),
    path("trainers/<int:pk>/", views.TrainerDetailView.as_view(), name="trainer_detail"),
    path("trainers/<int:pk>/edit/", views.TrainerUpdateView.as_view(), name="trainer_update"),
    path("trainers/<int:pk>/decision/", views.TrainerDecisionView.as_view(), name="trainer_decision"),
    path("trainers/<int:pk>/invite/", views.TrainerInviteView.as_view(), name="trainer_invite"),
    path("trainers/<int:pk>/cv/", views.TrainerCvView.as_view(), name="trainer_cv"),
    # Clients and their contacts
    path("clients/", views.ClientListView.as_view(), name="client_list"),
    path("clients/new/", views.ClientCreateView.as_view(), name="client_create"),
    path("clients/registry-lookup/", views.ClientRegistryLookupView.as_view(), name="client_registry_lookup"),
    path("clients/<int:pk>/", views.ClientDetailView.as_view(), name="client_detail"),
    path("clients/<int:pk>/edit/", views.ClientUpdateView.as_view(), name="client_update"),
    path("clients/<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("clients/<int:pk>/contacts/<int:contact_id>/edit/", views.ContactUpdateView.as_view(), name="contact_update"),
    path(
        "clients/<int:pk>/contacts/<int:contact_id>/delete/", views.ContactDeleteView.as_view(), name="contact_delete"
    ),
    # Trainees
    path("trainees/", views.TraineeListView.as_view(), name="trainee_list"),
    path("trainees/new/", views.TraineeCreateView.as_view(), name="trainee_create"),
    path("trainees/<int:pk>/", views.TraineeDetailView.as_view(), name="trainee_detail"),
    path("trainees/<int:pk>/edit/", views.TraineeUpdateView.as_view(), name="trainee_update"),
]
