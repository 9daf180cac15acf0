# SPDX-License-Identifier: AGPL-3.0-or-later
"""Questionnaires answered without an account, by a personal link: /q/<token>/."""

from django.urls import path  # noqa: F401

app_name = "evaluations_public"
urlpatterns: list = []
