# SPDX-License-Identifier: AGPL-3.0-or-later
"""Read-mostly views for the installation's administrator; the work is done on the network's pages."""

from django.contrib import admin

from coopforma.referentiel.models import Proposal, Referentiel, Version


@admin.register(Referentiel)
class ReferentielAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "licence"]


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["referentiel", "number", "state", "published_at"]
    readonly_fields = ["referentiel", "number", "major", "minor", "state", "published_at", "published_by", "changelog"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["referentiel", "kind", "target_code", "state", "created_at"]
    list_filter = ["state", "kind"]
