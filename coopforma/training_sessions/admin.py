# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from coopforma.training_sessions.models import Enrolment, FundingLine, Participant, Place, Session, Slot


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "capacity", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "city"]


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    fields = ["starts_at", "ends_at", "place", "remote_url"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "start_date", "end_date", "member_structure", "organisation"]
    list_filter = ["organisation", "status"]
    search_fields = ["title"]
    date_hierarchy = "start_date"
    raw_id_fields = ["training", "member_structure", "place"]
    filter_horizontal = ["trainers"]
    readonly_fields = ["start_date", "end_date", "total_minutes"]
    inlines = [SlotInline]


class FundingLineInline(admin.TabularInline):
    model = FundingLine
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["client", "session", "status", "price_cents"]
    list_filter = ["organisation", "status"]
    search_fields = ["client__name", "session__title"]
    raw_id_fields = ["session", "client", "contact"]
    inlines = [FundingLineInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["trainee", "session", "status", "bpf_trainee_type"]
    list_filter = ["organisation", "status", "bpf_trainee_type"]
    search_fields = ["trainee__last_name", "session__title"]
    raw_id_fields = ["session", "enrolment", "trainee"]
