# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signatures, diffusion and the outbox, under /o/<org>/documents/."""

from django.urls import path

from coopforma.documents import signing_views as views

urlpatterns = [
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
    path("outbox/<int:pk>/", views.OutboxDetailView.as_view(), name="outbox_detail"),
    path("outbox/<int:pk>/resend/", views.OutboxResendView.as_view(), name="outbox_resend"),
    path("outbox/<int:pk>/files/<int:index>/", views.OutboxAttachmentView.as_view(), name="outbox_attachment"),
    path("outbox/test-mailbox/", views.CatcherListView.as_view(), name="catcher"),
    path("outbox/test-mailbox/<str:message_id>/", views.CatcherDetailView.as_view(), name="catcher_detail"),
    path(
        "outbox/test-mailbox/<str:message_id>/files/<int:index>/",
        views.CatcherAttachmentView.as_view(),
        name="catcher_attachment",
    ),
    path("<int:pk>/signatures/", views.SignatureListView.as_view(), name="signatures"),
    path("<int:pk>/signatures/request/", views.SignatureRequestView.as_view(), name="signature_request"),
    path("<int:pk>/diffuse/", views.DiffuseView.as_view(), name="diffuse"),
    path("<int:pk>/scan/", views.ScanUploadView.as_view(), name="scan"),
]
