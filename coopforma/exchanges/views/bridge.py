# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the exchanges: bridge."""

from django.urls import URLPattern

urls: list[URLPattern] = []
