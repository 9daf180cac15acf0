# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.training_sessions import views

app_name = "sessions"
urlpatterns = [
    path("", views.SessionListView.as_view(), name="list"),
    path("new/", views.SessionCreateView.as_view(), name="create"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("mine/", views.TrainerSpaceView.as_view(), name="trainer_space"),
    path("places/", views.PlaceListView.as_view(), name="place_list"),
    path("places/new/", views.PlaceCreateView.as_view(), name="place_create"),
    path("places/<int:pk>/edit/", views.PlaceEditView.as_view(), name="place_edit"),
    path("places/<int:pk>/calendar/", views.PlaceCalendarView.as_view(), name="place_calendar"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SessionEditView.as_view(), name="edit"),
    path("<int:pk>/programme/", views.ProgrammeView.as_view(), name="programme"),
    path("<int:pk>/email/", views.SessionEmailView.as_view(), name="email"),
    path("<int:pk>/status/", views.StatusView.as_view(), name="status"),
    path("<int:pk>/slots/new/", views.SlotCreateView.as_view(), name="slot_create"),
    path("<int:pk>/slots/add-day/", views.SlotAddDayView.as_view(), name="slot_add_day"),
    path("<int:pk>/slots/<int:slot_pk>/edit/", views.SlotEditView.as_view(), name="slot_edit"),
    path("<int:pk>/slots/<int:slot_pk>/delete/", views.SlotDeleteView.as_view(), name="slot_delete"),
    path("<int:pk>/enrolments/new/", views.EnrolmentCreateView.as_view(), name="enrolment_create"),
    path("<int:pk>/enrolments/<int:enrolment_pk>/", views.EnrolmentEditView.as_view(), name="enrolment_edit"),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/funding/new/",
        views.FundingLineCreateView.as_view(),
        name="funding_line_create",
    ),
    path("<int:pk>/funding/<int:line_pk>/edit/", views.FundingLineEditView.as_view(), name="funding_line_edit"),
    path("<int:pk>/funding/<int:line_pk>/delete/", views.FundingLineDeleteView.as_view(), name="funding_line_delete"),
    path("<int:pk>/participants/new/", views.ParticipantCreateView.as_view(), name="participant_create"),
    path("<int:pk>/participants/<int:participant_pk>/", views.ParticipantEditView.as_view(), name="participant_edit"),
]
