# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from coopforma.accounts.models import ApiToken, Membership, MembershipState, Organisation, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    exclude = ["password"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "siret", "nda"]
    search_fields = ["name", "siret", "nda"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "state"]
    list_filter = ["role", "state", "organisation"]
    readonly_fields = ["is_active", "invited_by", "invited_at", "responded_at", "removed_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.is_active = obj.state == MembershipState.ACTIVE  # the constraint: access follows the state
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "organisation", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
