# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the network space under /reseaux/: « Mes réseaux », a network's public home, and the back office's
people, member organisations and partner structures (/reseaux/<slug>/gerer/…). The offers' pages (partner
offers, relevance, the public page of a partner structure) are the offers app's."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.core.log import history_for
from coopforma.core.views import ServiceFormView
from coopforma.networks import selectors, services
from coopforma.networks.access import NetworkActor, network_actor
from coopforma.networks.forms import (
    ManagerAddForm,
    MembershipAddForm,
    PartnerForm,
    PersonAddForm,
    PersonRoleForm,
    ReasonForm,
)
from coopforma.networks.models import PartnerState


class NetworkViewMixin(LoginRequiredMixin):
    """Views under /reseaux/<network>/gerer/: `self.actor` is the user in that network (404 without a role or a
    partner structure there); `required_flag` (if any) gives 403 when missing."""

    required_flag: str | None = None
    actor: NetworkActor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.actor = network_actor(request.user, str(kwargs["network"]))  # type: ignore[arg-type]
        if self.required_flag:
            self.actor.require(self.required_flag)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["network_actor"] = self.actor
        context["network"] = self.actor.network
        return context  # type: ignore[no-any-return]


class NetworkFormView(NetworkViewMixin, ServiceFormView):
    """A form of the back office answered by one service (see `core.views.ServiceFormView`)."""


class NetworkPostView(NetworkViewMixin, View):
    """A button of the back office (POST only): `act()` calls one service; its refusal is shown as a message."""

    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def next_url(self) -> str:
        return reverse("networks:manage", kwargs={"network": self.actor.network.slug})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            message = self.act()
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect(self.next_url())


# --- « Mes réseaux » and the public pages ----------------------------------------------------------------------


class MyNetworksView(LoginRequiredMixin, TemplateView):
    template_name = "networks/my_networks.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["networks"] = selectors.networks_of_user(user=self.request.user)  # type: ignore[arg-type]
        return context


def network_home(request: HttpRequest, network: str) -> HttpResponse:
    """The network's public home: presentation, member organisations (with their public catalogue), partner
    structures."""
    net = selectors.network_public_get(slug=network)
    return render(
        request,
        "networks/home.html",
        {
            "network": net,
            "organisations": selectors.network_public_organisations(network=net),
            "partners": selectors.network_public_partners(network=net),
        },
    )


class ManageView(NetworkViewMixin, TemplateView):
    """The back office's home: the moderation queue of partner structures and the ways to the other queues; for
    a member without the moderators' flag, their own structures."""

    template_name = "networks/manage.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.actor.is_moderator:
            context["queue"] = selectors.partner_queue(actor=self.actor)
        context["partners"] = selectors.partner_list(actor=self.actor)[:50]
        return context


# --- people and roles -------------------------------------------------------------------------------------------


class PeopleView(NetworkFormView):
    template_name = "networks/people.html"
    form_class = PersonAddForm
    required_flag = "network.moderate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["people"] = [
            (p, PersonRoleForm(initial={"role": p.role}, prefix=f"p{p.pk}"))
            for p in selectors.person_list(actor=self.actor)
        ]
        return context

    def perform(self, form: Any) -> Any:
        return services.person_add(actor=self.actor, email=form.cleaned_data["email"], role=form.cleaned_data["role"])

    def get_success_message(self, obj: Any) -> str:
        return _("%(name)s a maintenant un rôle dans le réseau.") % {"name": obj.user}


class PersonRoleView(NetworkPostView):
    required_flag = "network.moderate"

    def next_url(self) -> str:
        return reverse("networks:people", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        person = selectors.person_get(actor=self.actor, person_id=int(self.kwargs["person_id"]))
        form = PersonRoleForm(self.request.POST, prefix=f"p{person.pk}")
        if not form.is_valid():
            raise ValidationError(_("Choisissez un rôle de la liste."))
        services.person_change_role(actor=self.actor, person_id=person.pk, role=form.cleaned_data["role"])
        return _("Rôle de %(name)s modifié.") % {"name": person.user}


class PersonRemoveView(NetworkPostView):
    required_flag = "network.moderate"

    def next_url(self) -> str:
        return reverse("networks:people", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        person = selectors.person_get(actor=self.actor, person_id=int(self.kwargs["person_id"]))
        services.person_remove(actor=self.actor, person_id=person.pk)
        return _("%(name)s n'a plus de rôle dans le réseau.") % {"name": person.user}


# --- member organisations ---------------------------------------------------------------------------------------


class OrganisationsView(NetworkFormView):
    template_name = "networks/organisations.html"
    form_class = MembershipAddForm
    required_flag = "network.moderate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.membership_list(actor=self.actor)
        return context

    def perform(self, form: Any) -> Any:
        return services.membership_add(actor=self.actor, organisation_slug=form.cleaned_data["organisation"])

    def get_success_message(self, obj: Any) -> str:
        return _("%(name)s est membre du réseau : ses formations publiées rejoignent la carte.") % {
            "name": obj.organisation
        }


class MembershipRemoveView(NetworkPostView):
    required_flag = "network.moderate"

    def next_url(self) -> str:
        return reverse("networks:organisations", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        membership = selectors.membership_get(actor=self.actor, membership_id=int(self.kwargs["membership_id"]))
        services.membership_remove(actor=self.actor, membership_id=membership.pk)
        return _("%(name)s n'est plus membre du réseau.") % {"name": membership.organisation}


# --- partner structures -----------------------------------------------------------------------------------------


class PartnerListView(NetworkViewMixin, TemplateView):
    template_name = "networks/partner_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("etat", "")
        context["state"] = state if state in PartnerState.values else ""
        context["states"] = PartnerState.choices
        context["partners"] = selectors.partner_list(actor=self.actor, state=context["state"])
        return context


class PartnerProposeView(NetworkFormView):
    template_name = "networks/partner_form.html"
    form_class = PartnerForm
    required_flag = "partners.propose"

    def perform(self, form: Any) -> Any:
        return services.partner_propose(actor=self.actor, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _("Structure « %(name)s » proposée : elle attend la modération.") % {"name": obj}

    def success_url_for(self, obj: Any) -> str:
        return reverse("networks:partner", kwargs={"network": self.actor.network.slug, "partner_id": obj.pk})


class PartnerView(NetworkFormView):
    """A partner structure in the back office: its page's fields (its managers and the moderators edit them),
    its managers, and the moderators' decision."""

    template_name = "networks/partner_detail.html"
    form_class = PartnerForm

    def get_object(self) -> Any:
        return selectors.partner_get(actor=self.actor, partner_id=int(self.kwargs["partner_id"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.object
        assert partner is not None
        context.update(
            partner=partner,
            can_edit=self.actor.manages(partner.pk),
            managers=partner.managers.all(),
            reason_form=ReasonForm(),
            manager_form=ManagerAddForm(),
            history=history_for(partner)[:20],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object  # noqa: B018  (404 before anything else for another network's id)
        return super().post(request, *args, **kwargs)

    def perform(self, form: Any) -> Any:
        assert self.object is not None
        return services.partner_update(actor=self.actor, partner_id=self.object.pk, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _("Structure « %(name)s » enregistrée.") % {"name": obj}


class PartnerPostView(NetworkPostView):
    """A moderator's action on one partner structure; back to its page."""

    required_flag = "network.moderate"

    def next_url(self) -> str:
        return reverse(
            "networks:partner", kwargs={"network": self.actor.network.slug, "partner_id": self.kwargs["partner_id"]}
        )


class PartnerPublishView(PartnerPostView):
    def act(self) -> str:
        partner = selectors.partner_get(actor=self.actor, partner_id=int(self.kwargs["partner_id"]))
        services.partner_publish(actor=self.actor, partner_id=partner.pk)
        return _("Structure « %(name)s » publiée : sa page est publique.") % {"name": partner}


class PartnerRefuseView(PartnerPostView):
    def act(self) -> str:
        partner = selectors.partner_get(actor=self.actor, partner_id=int(self.kwargs["partner_id"]))
        form = ReasonForm(self.request.POST)
        form.is_valid()
        services.partner_refuse(actor=self.actor, partner_id=partner.pk, reason=form.cleaned_data.get("reason", ""))
        return _("Structure « %(name)s » refusée.") % {"name": partner}


class PartnerManagerAddView(PartnerPostView):
    def act(self) -> str:
        partner = selectors.partner_get(actor=self.actor, partner_id=int(self.kwargs["partner_id"]))
        form = ManagerAddForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Indiquez une adresse e-mail valide."))
        services.partner_manager_add(actor=self.actor, partner_id=partner.pk, email=form.cleaned_data["email"])
        return _("%(email)s gère maintenant la structure « %(name)s ».") % {
            "email": form.cleaned_data["email"],
            "name": partner,
        }
