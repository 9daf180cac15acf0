# SPDX-License-Identifier: AGPL-3.0-or-later
"""The tender watch in the installation's admin: imports and notices read only (they come from
`coopforma tenders import`), profiles and interests to look at when a member asks."""

from django.contrib import admin

from coopforma.tenders.models import Interest, Notice, TenderImport, WatchProfile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(TenderImport)
class TenderImportAdmin(ReadOnlyAdmin):
    list_display = ["source", "started_at", "records", "created", "updated", "skipped", "linked", "rejected"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["idweb", "object", "buyer", "nature", "published_on", "current_deadline", "reserved_ess"]
    list_filter = ["nature", "reserved_ess", "cancelled"]
    search_fields = ["idweb", "object", "buyer"]


@admin.register(WatchProfile)
class WatchProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "organisation", "recipient", "frequency", "is_active", "last_digest_at"]
    list_filter = ["network", "frequency", "is_active"]
    raw_id_fields = ["recipient", "organisation"]


@admin.register(Interest)
class InterestAdmin(ReadOnlyAdmin):
    list_display = ["notice", "organisation", "network", "created_at"]
    list_filter = ["network"]
