# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff attendance pages under /o/<org>/attendance/ (namespace `attendance`)."""

from django.urls import path  # noqa: F401

app_name = "attendance"
urlpatterns: list = []
