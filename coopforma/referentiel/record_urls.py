# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /o/<org>/competences/ (config/urls.py): the trainees' competency records (staff pages)."""

from django.urls import path

from coopforma.referentiel import record_views

app_name = "records"

urlpatterns = [
    path("stagiaires/<int:trainee_id>/", record_views.RecordView.as_view(), name="record"),
    path("stagiaires/<int:trainee_id>/releve.pdf", record_views.RecordPdfView.as_view(), name="record_pdf"),
    path(
        "stagiaires/<int:trainee_id>/attestation/<int:session_id>/<int:competency_id>/",
        record_views.CredentialView.as_view(),
        name="credential",
    ),
    path("attestations/<int:credential_id>/revoquer/", record_views.CredentialRevokeView.as_view(), name="revoke"),
]
