# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from coopforma.accounts import selectors, services
from coopforma.accounts.forms import ApiTokenForm, MembershipForm, OrganisationForm
from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.forms import add_service_errors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the dashboard when the person belongs to one organisation; a chooser otherwise."""
    orgs = list(selectors.organisations_of(request.user))
    if len(orgs) == 1:
        return redirect("dashboard:home", org=orgs[0].slug)
    return render(request, "accounts/choose_organisation.html", {"organisations": orgs})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class OrganisationSettingsView(OrgViewMixin, FormView):
    template_name = "accounts/organisation_form.html"
    form_class = OrganisationForm
    required_flag = "org.manage"

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.actor.organisation
        return kwargs

    def form_valid(self, form: OrganisationForm) -> HttpResponse:
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.organisation_update(actor=self.actor, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Les informations de l'organisme sont enregistrées."))
        return redirect("org:settings", org=self.actor.organisation.slug)


class MembershipListView(OrgViewMixin, FormView):
    template_name = "accounts/membership_list.html"
    form_class = MembershipForm
    required_flag = "org.manage"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.membership_list(actor=self.actor)
        return context

    def form_valid(self, form: MembershipForm) -> HttpResponse:
        try:
            membership = services.membership_add(
                actor=self.actor, organisation=self.actor.organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        user = membership.user
        if not user.has_usable_password():
            link = self.request.build_absolute_uri(
                reverse(
                    "accounts:password_reset_confirm",
                    kwargs={
                        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                        "token": default_token_generator.make_token(user),
                    },
                )
            )
            messages.info(self.request, _("Compte créé. Lien pour choisir un mot de passe : %(link)s") % {"link": link})
        else:
            messages.success(self.request, _("Rôle enregistré pour %(email)s.") % {"email": user.email})
        return redirect("org:memberships", org=self.actor.organisation.slug)


class ApiTokenView(OrgViewMixin, FormView):
    template_name = "accounts/api_tokens.html"
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["tokens"] = selectors.api_token_list(actor=self.actor)
        return context

    def form_valid(self, form: ApiTokenForm) -> HttpResponse:
        try:
            token, key = services.api_token_create(actor=self.actor, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=ApiTokenForm(), new_key=key, new_token=token))


class ApiTokenRevokeView(OrgViewMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        services.api_token_revoke(actor=self.actor, token_id=int(str(kwargs["pk"])))
        messages.success(request, _("Jeton révoqué."))
        return redirect("org:api_tokens", org=self.actor.organisation.slug)
