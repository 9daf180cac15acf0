# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the Qualiopi system under /o/<org>/quality/ (namespace `quality`)."""

from django.urls import path

from coopforma.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("indicators/<int:number>/", views.IndicatorView.as_view(), name="indicator"),
    path("evidence/<int:pk>/file/", views.EvidenceFileView.as_view(), name="evidence_file"),
    path("evidence/<int:pk>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("complaints/", views.ComplaintListView.as_view(), name="complaints"),
    path("complaints/new/", views.ComplaintReportView.as_view(), name="complaint_new"),
    path("complaints/<int:pk>/", views.ComplaintEditView.as_view(), name="complaint_edit"),
    path("improvements/", views.ImprovementListView.as_view(), name="improvements"),
    path("improvements/new/", views.ImprovementCreateView.as_view(), name="improvement_new"),
    path("improvements/<int:pk>/", views.ImprovementEditView.as_view(), name="improvement_edit"),
    path("watch/", views.WatchListView.as_view(), name="watch"),
    path("watch/new/", views.WatchCreateView.as_view(), name="watch_new"),
    path("watch/<int:pk>/", views.WatchEditView.as_view(), name="watch_edit"),
    path("subcontractors/", views.CheckListView.as_view(), name="checks"),
    path("subcontractors/<int:trainer_id>/registry-check/", views.RegistryCheckView.as_view(), name="registry_check"),
    path("audits/", views.AuditListView.as_view(), name="audits"),
    path("audits/<int:pk>/", views.AuditEditView.as_view(), name="audit_edit"),
    path("nonconformities/<int:pk>/", views.NonConformityEditView.as_view(), name="nonconformity_edit"),
    path("packs/", views.AuditPackListView.as_view(), name="packs"),
    path("packs/<int:pk>/download/", views.AuditPackDownloadView.as_view(), name="pack_download"),
]
