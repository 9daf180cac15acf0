# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signatures, diffusion and the outbox, under /o/<org>/documents/."""

from django.urls import path

from coopforma.documents import signing_views as views

urlpatterns = [
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("<int:pk>/signatures/", views.SignatureListView.as_view(), name="signatures"),
    path("<int:pk>/signatures/request/", views.SignatureRequestView.as_view(), name="signature_request"),
    path("<int:pk>/diffuse/", views.DiffuseView.as_view(), name="diffuse"),
    path("<int:pk>/scan/", views.ScanUploadView.as_view(), name="scan"),
]
