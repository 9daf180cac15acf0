# SPDX-License-Identifier: AGPL-3.0-or-later
"""Trainees sign on their phone without an account, under /e/ (namespace `emargement`)."""

from django.urls import path  # noqa: F401

app_name = "emargement"
urlpatterns: list = []
