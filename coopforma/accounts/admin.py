# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from coopforma.accounts.models import ApiToken, Membership, Organisation, User


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
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "organisation", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
