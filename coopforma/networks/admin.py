# SPDX-License-Identifier: AGPL-3.0-or-later
"""Django admin for networks: a staff superuser creates a network and names its first moderator here; everything
else (people, member organisations, partner structures and their moderation) is done in the network's back office
(/reseaux/<network>/gerer/), whose services log it."""

from django.contrib import admin

from coopforma.networks.models import Network, NetworkOrganisation, NetworkPerson, PartnerStructure


class NetworkPersonInline(admin.TabularInline):
    model = NetworkPerson
    extra = 1
    raw_id_fields = ["user"]


class NetworkOrganisationInline(admin.TabularInline):
    model = NetworkOrganisation
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [NetworkPersonInline, NetworkOrganisationInline]


@admin.register(PartnerStructure)
class PartnerStructureAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "kind", "city", "state"]
    list_filter = ["state", "kind", "network"]
    search_fields = ["name", "siret", "city"]
    readonly_fields = ["state", "moderated_by", "moderated_at", "moderation_reason", "created_by"]
    filter_horizontal = ["managers"]
