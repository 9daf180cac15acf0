# SPDX-License-Identifier: AGPL-3.0-or-later
"""Read-mostly views for the installation's administrator; the work is done on the network's pages."""

from django.contrib import admin

from coopforma.recognition.models import CertificationProject


@admin.register(CertificationProject)
class CertificationProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "register", "level", "state", "code"]
    list_filter = ["state", "register"]
    readonly_fields = ["network", "version", "job", "evidence", "created_by", "submitted_at"]
