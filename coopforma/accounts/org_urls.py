# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.accounts import mail_text_views, views

app_name = "org"
urlpatterns = [
    path("settings/", views.OrganisationSettingsView.as_view(), name="settings"),
    path("users/", views.MembershipListView.as_view(), name="memberships"),
    path("users/<int:pk>/resend/", views.MembershipActionView.as_view(action="resend"), name="membership_resend"),
    path("users/<int:pk>/remove/", views.MembershipActionView.as_view(action="remove"), name="membership_remove"),
    path(
        "users/<int:pk>/sessions/end/",
        views.MembershipActionView.as_view(action="sessions_end"),
        name="membership_sessions_end",
    ),
    path("mail-texts/", mail_text_views.MailTextListView.as_view(), name="mail_texts"),
    path("mail-texts/<str:code>/", mail_text_views.MailTextEditView.as_view(), name="mail_text_edit"),
    path("mail-texts/<str:code>/reset/", mail_text_views.MailTextResetView.as_view(), name="mail_text_reset"),
    path("api-tokens/", views.ApiTokenView.as_view(), name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
]
