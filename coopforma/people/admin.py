# SPDX-License-Identifier: AGPL-3.0-or-later
"""Django admin for people: a read-mostly window for the operators of the instance. Business changes go
through the app's pages (services log them); the onboarding state is read-only here for that reason."""

from django.contrib import admin

from coopforma.people.models import Client, Contact, MemberStructure, Trainee, Trainer


@admin.register(MemberStructure)
class MemberStructureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "siret", "contribution_rate", "is_active"]
    list_filter = ["kind", "is_active", "organisation"]
    search_fields = ["name", "siret"]
    filter_horizontal = ["managers"]
    list_select_related = ["organisation"]


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "member_structure", "status", "onboarding_state"]
    list_filter = ["onboarding_state", "status", "organisation"]
    search_fields = ["last_name", "first_name", "email"]
    list_select_related = ["member_structure"]
    raw_id_fields = ["user", "member_structure", "decided_by"]
    readonly_fields = ["onboarding_state", "applied_at", "decided_by", "decided_at", "committee_decision"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    exclude = ["organisation"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "city", "member_structure", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "siret", "city"]
    list_select_related = ["member_structure", "organisation"]
    raw_id_fields = ["member_structure"]
    inlines = [ContactInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        """A contact belongs to its client's organisation (the inline does not show the field)."""
        for contact in formset.save(commit=False):
            contact.organisation_id = form.instance.organisation_id
            contact.save()
        for contact in formset.deleted_objects:
            contact.delete()


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "client", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["last_name", "first_name", "email"]
    list_select_related = ["client", "organisation"]
    raw_id_fields = ["client"]
