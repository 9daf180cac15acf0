# SPDX-License-Identifier: AGPL-3.0-or-later
from datetime import timedelta
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from coopforma.accounts import selectors, services
from coopforma.accounts.forms import (
    ApiTokenForm,
    InvitationNewAccountForm,
    MembershipForm,
    OrganisationForm,
    PasswordForgottenForm,
)
from coopforma.accounts.mixins import OrgFormView, OrgViewMixin
from coopforma.accounts.models import MembershipState
from coopforma.core.forms import add_service_errors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the dashboard when the person belongs to one organisation; a chooser otherwise."""
    orgs = list(selectors.organisations_of(request.user))
    if len(orgs) == 1:
        return redirect("dashboard:home", org=orgs[0].slug)
    return render(request, "accounts/choose_organisation.html", {"organisations": orgs})


class LoginView(auth_views.LoginView):
    """Failed attempts are counted by django-axes (per account and per address): past the limit, a French
    lockout page (templates/accounts/locked_out.html, status 429) until the cool-off ends."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def login_username(request: HttpRequest, credentials: Any = None) -> str:
    """AXES_USERNAME_CALLABLE: the account an attempt is counted against, written the way it is stored."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the French lockout page (status 429), for the login page and /admin/ alike."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if isinstance(cool_off, timedelta) else 0
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


# --- Forgotten password --------------------------------------------------------------------------------------


class PasswordForgottenView(auth_views.PasswordResetView):
    """The same answer whether the address has an account or not; throttled per address and per client (urls)."""

    template_name = "accounts/password_forgotten.html"
    form_class = PasswordForgottenForm
    success_url = reverse_lazy("accounts:password_forgotten_sent")


class PasswordForgottenSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_forgotten_sent.html"


class PasswordChooseView(auth_views.PasswordResetConfirmView):
    """The link of the reset e-mail: a new password; the login lockout of that account is lifted."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        messages.success(self.request, _("Votre mot de passe est enregistré : connectez-vous."))
        return response


# --- Invitations (the invited person's side) -----------------------------------------------------------------

INVITATION_SESSION_KEY = "invitation_token"


def _invitation_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/invitation_invalid.html", status=404)


def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the e-mail: the token moves into the session (kept out of later URLs and Referer headers)."""
    if services.invitation_for_token(token) is None:
        return _invitation_invalid(request)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("accounts:invitation")


def invitation(request: HttpRequest) -> HttpResponse:
    """Accept or decline. No password yet: choose one. An account already: log in as that account to accept."""
    token = request.session.get(INVITATION_SESSION_KEY, "")
    membership = services.invitation_for_token(token)
    if membership is None:
        return _invitation_invalid(request)
    invited = membership.user
    new_account = not invited.has_usable_password()
    is_owner = request.user.is_authenticated and request.user.pk == invited.pk
    form = InvitationNewAccountForm(initial={"first_name": invited.first_name, "last_name": invited.last_name})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                services.invitation_decline(token=token)
                request.session.pop(INVITATION_SESSION_KEY, None)
                return render(request, "accounts/invitation_declined.html", {"membership": membership})
            if action == "accept" and new_account:
                form = InvitationNewAccountForm(request.POST)
                if form.is_valid():
                    services.invitation_accept_new(
                        token=token,
                        password=form.cleaned_data["password1"],
                        first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"],
                    )
                    invited.refresh_from_db()
                    login(request, invited, backend="django.contrib.auth.backends.ModelBackend")
                    return _joined(request, membership)
            elif action == "accept" and is_owner:
                services.invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
                return _joined(request, membership)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "accounts/invitation.html",
        {"membership": membership, "new_account": new_account, "is_owner": is_owner, "form": form},
    )


def _joined(request: HttpRequest, membership: Any) -> HttpResponse:
    request.session.pop(INVITATION_SESSION_KEY, None)
    messages.success(
        request, _("Bienvenue dans %(org)s : votre accès est ouvert.") % {"org": membership.organisation.name}
    )
    return redirect("dashboard:home", org=membership.organisation.slug)


class OrganisationSettingsView(OrgFormView):
    template_name = "accounts/organisation_form.html"
    form_class = OrganisationForm
    required_flag = "org.manage"

    def get_object(self) -> Any:
        return self.actor.organisation

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["has_logo"] = bool(self.actor.organisation.logo)
        return context

    def perform(self, form: OrganisationForm) -> Any:
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["share_capital_cents"] = form.cleaned_data["share_capital"]
        return services.organisation_update(
            actor=self.actor, logo=form.cleaned_data["logo"], remove_logo=form.cleaned_data["remove_logo"], **data
        )

    def get_success_message(self, organisation: Any) -> str:
        return _("Les informations de l'organisme sont enregistrées.")

    def success_url_for(self, organisation: Any) -> str:
        return reverse("org:settings", kwargs={"org": self.actor.organisation.slug})


class MembershipListView(OrgFormView):
    """The organisation's people and their state; the form invites someone (or changes an active member's role).

    What the admin is told never depends on whether the address has an account in another organisation: an
    invitation is e-mailed to the address in both cases, and no link is ever shown here.
    """

    template_name = "accounts/membership_list.html"
    form_class = MembershipForm
    required_flag = "org.manage"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.membership_list(actor=self.actor)
        return context

    def perform(self, form: MembershipForm) -> Any:
        self.email = form.cleaned_data["email"]
        return services.membership_invite(actor=self.actor, **form.cleaned_data)

    def get_success_message(self, membership: Any) -> str:
        if membership.state == MembershipState.INVITED:
            return _(
                "Invitation envoyée à %(email)s : la personne reçoit un lien personnel pour l'accepter ou la "
                "refuser. Elle n'a accès à l'organisme qu'après avoir accepté."
            ) % {"email": self.email.strip().lower()}
        return _("Rôle enregistré pour %(email)s.") % {"email": self.email.lower()}

    def success_url_for(self, membership: Any) -> str:
        return reverse("org:memberships", kwargs={"org": self.actor.organisation.slug})


class MembershipActionView(OrgViewMixin, View):
    """POST on one person of the users page: resend the invitation, remove (or cancel), end their sessions."""

    http_method_names = ["post"]
    required_flag = "org.manage"
    action = ""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        membership = selectors.membership_get(actor=self.actor, membership_id=int(str(kwargs["pk"])))
        email = membership.user.email
        try:
            if self.action == "resend":
                services.membership_invitation_resend(actor=self.actor, membership_id=membership.pk)
                messages.success(request, _("Nouvelle invitation envoyée à %(email)s.") % {"email": email})
            elif self.action == "remove":
                was_invited = membership.state == MembershipState.INVITED
                services.membership_remove(actor=self.actor, membership_id=membership.pk)
                messages.success(
                    request,
                    (
                        _("Invitation de %(email)s annulée.")
                        if was_invited
                        else _("%(email)s n'a plus accès à l'organisme.")
                    )
                    % {"email": email},
                )
            elif self.action == "sessions_end":
                services.user_sessions_end(actor=self.actor, membership_id=membership.pk)
                messages.success(
                    request,
                    _("%(email)s est déconnecté·e de tous ses navigateurs.") % {"email": email},
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("org:memberships", org=self.actor.organisation.slug)


class ApiTokenView(OrgFormView):
    template_name = "accounts/api_tokens.html"
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["tokens"] = selectors.api_token_list(actor=self.actor)
        return context

    def perform(self, form: ApiTokenForm) -> Any:
        return services.api_token_create(actor=self.actor, name=form.cleaned_data["name"])

    def done(self, created: Any) -> HttpResponse:
        """The key is shown once, on this page (never stored in clear, never in a redirect)."""
        token, key = created
        return self.render_to_response(self.get_context_data(form=ApiTokenForm(), new_key=key, new_token=token))


class ApiTokenRevokeView(OrgViewMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        services.api_token_revoke(actor=self.actor, token_id=int(str(kwargs["pk"])))
        messages.success(request, _("Jeton révoqué."))
        return redirect("org:api_tokens", org=self.actor.organisation.slug)
