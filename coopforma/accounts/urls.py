# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib.auth import views as auth_views
from django.urls import path

from coopforma.accounts import views
from coopforma.core.throttle import throttle

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/forgotten/",
        throttle("password_reset", by=["ip", "email"])(views.PasswordForgottenView.as_view()),
        name="password_forgotten",
    ),
    path("password/forgotten/sent/", views.PasswordForgottenSentView.as_view(), name="password_forgotten_sent"),
    path("password/<uidb64>/<token>/", views.PasswordChooseView.as_view(), name="password_reset_confirm"),
    path("invitation/", views.invitation, name="invitation"),
    path("invitation/<str:token>/", views.invitation_open, name="invitation_open"),
]
