# SPDX-License-Identifier: AGPL-3.0-or-later
"""No-login pages: document verification (/v/), signing (/s/), the client and trainee portal (/p/)."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
