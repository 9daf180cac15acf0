# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from coopforma.catalogue.models import Training


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "organisation", "member_structure", "status", "is_public", "updated_at"]
    list_filter = ["status", "is_public", "certification_kind", "modality", "organisation"]
    search_fields = ["title", "reference", "nsf_code", "formacode", "certification_code"]
    list_select_related = ["organisation", "member_structure"]
    raw_id_fields = ["member_structure"]
    filter_horizontal = ["trainers"]
    readonly_fields = ["validated_by", "validated_at", "created_by", "created_at", "updated_at"]
