# SPDX-License-Identifier: AGPL-3.0-or-later
"""The certifiers directory in the staff admin: the curated list (the CSV loader is the usual way)."""

from django.contrib import admin

from coopforma.registry.models import Certifier


@admin.register(Certifier)
class CertifierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "accreditation_number", "checked_on"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "accreditation_number"]
    readonly_fields = ["search_name"]
    prepopulated_fields = {"code": ["name"]}

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from coopforma.registry.names import normalise

        obj.search_name = normalise(obj.name)
        super().save_model(request, obj, form, change)
