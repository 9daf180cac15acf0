# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the tender watch (/reseaux/<network>/appels-d-offres/…), for the network's people (`tenders.view`):
the notices with their filters, a notice (deadline, lots, CPV, linked notices, who won similar ones, « Ça
m'intéresse »), the interests (mine; all of them for the moderators) and the watch profiles."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.core.views import ServiceFormView
from coopforma.networks.access import NetworkActor, network_actor
from coopforma.tenders import selectors, services
from coopforma.tenders.consortium_selectors import consortium_list
from coopforma.tenders.forms import NETWORK_CHOICE, InterestForm, NoticeFilterForm, WatchProfileForm
from coopforma.tenders.training import cpv_label


class TendersMixin(LoginRequiredMixin):
    """`self.actor`: the user in the network (404 when the network does not exist); 403 without `required_flag`
    (people with no role in this network, including another network's members)."""

    required_flag = "tenders.view"
    actor: NetworkActor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.actor = network_actor(request.user, str(kwargs["network"]), space=False)  # type: ignore[arg-type]
        self.actor.require(self.required_flag)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["network_actor"] = self.actor
        context["network"] = self.actor.network
        return context  # type: ignore[no-any-return]

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"tenders:{name}", kwargs={"network": self.actor.network.slug, **kwargs})


class NoticeListView(TendersMixin, TemplateView):
    template_name = "tenders/notice_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = NoticeFilterForm(self.request.GET or None)
        context.update(
            filter_form=form,
            notices=selectors.notice_list(actor=self.actor, filters=form.filters()),
            now=timezone.now(),
        )
        return context


def _organisation_choices(actor: NetworkActor) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in selectors.member_organisations(actor=actor)]


class NoticeView(TendersMixin, ServiceFormView):
    """The notice, and the « Ça m'intéresse » form (for the organisations the person acts for)."""

    template_name = "tenders/notice_detail.html"
    form_class = InterestForm

    def get_object(self) -> Any:
        return selectors.notice_get(actor=self.actor, idweb=str(self.kwargs["idweb"]))

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"organisations": _organisation_choices(self.actor)}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        notice = self.object
        now = timezone.now()
        deadline = notice.current_deadline
        context.update(
            notice=notice,
            cpv=[(code, cpv_label(code)) for code in notice.cpv_codes],
            lots=[(lot, [(c, cpv_label(c)) for c in lot.cpv_codes]) for lot in notice.lots.all()],
            links=selectors.notice_links(notice=notice),
            similar=selectors.similar_awards(notice=notice),
            interests=selectors.interest_list(actor=self.actor, notice=notice),
            consortiums=consortium_list(actor=self.actor, notice=notice),
            can_say_interest=self.actor.has("tenders.watch") and bool(_organisation_choices(self.actor)),
            deadline_passed=bool(deadline and deadline < now),
            days_left=(deadline - now).days if deadline and deadline >= now else None,
        )
        return context

    def perform(self, form: Any) -> Any:
        return services.interest_create(
            actor=self.actor,
            notice=self.object,
            organisation_id=form.cleaned_data["organisation"],
            note=form.cleaned_data["note"],
        )

    def get_success_message(self, obj: Any) -> str:
        return _("Intérêt de %(org)s enregistré : le réseau le voit.") % {"org": obj.organisation.name}


class InterestListView(TendersMixin, TemplateView):
    template_name = "tenders/interest_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["interests"] = selectors.interest_list(actor=self.actor)[:500]
        return context


class InterestDeleteView(TendersMixin, View):
    http_method_names = ["post"]
    required_flag = "tenders.watch"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        interest = selectors.interest_get(actor=self.actor, interest_id=int(kwargs["interest_id"]))
        try:
            services.interest_delete(actor=self.actor, interest=interest)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Intérêt retiré."))
        return redirect(self.url("interests"))


# --- watch profiles -----------------------------------------------------------------------------------------------


def _owner_choices(actor: NetworkActor) -> list[tuple[str, str]]:
    owners = [(str(o.pk), o.name) for o in selectors.member_organisations(actor=actor)]
    if actor.is_moderator:
        owners.insert(0, (NETWORK_CHOICE, _("Le réseau %(name)s") % {"name": actor.network.name}))
    return owners


class ProfileListView(TendersMixin, TemplateView):
    template_name = "tenders/profile_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["profiles"] = selectors.profile_list(actor=self.actor)
        context["can_create"] = self.actor.has("tenders.watch") and bool(_owner_choices(self.actor))
        return context


class ProfileCreateView(TendersMixin, ServiceFormView):
    template_name = "tenders/profile_form.html"
    form_class = WatchProfileForm
    required_flag = "tenders.watch"
    success_message = _("Profil de veille « %(name)s » enregistré.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"owners": _owner_choices(self.actor)}

    def perform(self, form: Any) -> Any:
        return services.watch_profile_create(
            actor=self.actor, organisation_id=form.organisation_id(), **form.service_fields()
        )

    def success_url_for(self, obj: Any) -> str:
        return self.url("profiles")


class ProfileUpdateView(TendersMixin, ServiceFormView):
    template_name = "tenders/profile_form.html"
    form_class = WatchProfileForm
    required_flag = "tenders.watch"
    success_message = _("Profil de veille « %(name)s » enregistré.")

    def get_object(self) -> Any:
        return selectors.profile_get(actor=self.actor, profile_id=int(self.kwargs["profile_id"]))

    def form_extra_kwargs(self) -> dict[str, Any]:
        profile = self.object
        owner = NETWORK_CHOICE if profile.organisation_id is None else str(profile.organisation_id)
        owners = [choice for choice in _owner_choices(self.actor) if choice[0] == owner]
        return {"owners": owners or [(owner, str(profile.organisation or self.actor.network.name))]}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        profile = kwargs.pop("instance")
        if self.request.method == "GET":
            kwargs["initial"] = {name: getattr(profile, name) for name in services.PROFILE_FIELDS} | {
                "owner": kwargs["owners"][0][0]
            }
        return kwargs

    def perform(self, form: Any) -> Any:
        return services.watch_profile_update(actor=self.actor, profile=self.object, **form.service_fields())

    def success_url_for(self, obj: Any) -> str:
        return self.url("profiles")


class ProfileDeleteView(TendersMixin, View):
    http_method_names = ["post"]
    required_flag = "tenders.watch"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        profile = selectors.profile_get(actor=self.actor, profile_id=int(kwargs["profile_id"]))
        try:
            services.watch_profile_delete(actor=self.actor, profile=profile)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Profil de veille supprimé."))
        return redirect(self.url("profiles"))
