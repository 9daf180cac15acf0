# SPDX-License-Identifier: AGPL-3.0-or-later
"""Questionnaires answered without an account, by a personal link: /q/<survey id>/<token>/."""

from django.urls import path

from coopforma.evaluations import public_views

app_name = "evaluations_public"
urlpatterns = [
    path("<int:survey_id>/<str:token>/", public_views.answer, name="answer"),
]
