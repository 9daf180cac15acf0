# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the exchanges: joining, « Mon inscription », the offers and requests of know-how and the members.

- `home` (/reseaux/<network>/echanges/): what the exchanges are and the join form, or once joined my profile(s)
  with my offers and requests; `join`: the same form on its own page (e.g. for a partner structure I manage);
- `member_edit`, `member_leave`: my profile, leaving (with what is deleted);
- `listings`: the open offers and requests of the network's joined members, filtered and paginated;
  `listing`, `listing_create`, `listing_edit`, `listing_state`; `member`: a member's open offers and requests.

No points, counts of exchanges or rankings anywhere: all knowledge has equal value (the RERS' principle)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.core.pagination import paginate
from coopforma.core.views import ServiceFormView
from coopforma.exchanges import selectors, services
from coopforma.exchanges.forms import MYSELF, JoinForm, ListingFilterForm, ListingForm, ProfileForm
from coopforma.exchanges.models import Listing, ListingKind, ListingState, Member
from coopforma.exchanges.views.base import ExchangesMixin
from coopforma.offers import geo

PAGE_SIZE = 30


def _with_formats(listings: Any) -> list[Listing]:
    rows = list(listings)
    for listing in rows:
        listing.format_labels = selectors.format_labels(listing)  # type: ignore[attr-defined]
    return rows


class JoinMixin(ExchangesMixin):
    """The join form: for myself (with a role in the network, not yet joined) or a partner structure I manage."""

    form_class = JoinForm

    def partner_choices(self) -> list[tuple[str, str]]:
        members = selectors.my_members(actor=self.actor)
        joined_myself = any(m.partner_id is None and m.user_id == self.request.user.pk for m in members)
        joined_partners = {m.partner_id for m in members if m.partner_id}
        choices = []
        if self.actor.has("exchanges.join") and not joined_myself:
            choices.append((MYSELF, _("Pour moi-même")))
        for partner in selectors.managed_partners(actor=self.actor):
            if partner.pk not in joined_partners:
                choices.append((str(partner.pk), _("Pour la structure %(name)s") % {"name": partner.name}))
        return choices

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {
            "partners": self.partner_choices() or [(MYSELF, _("Pour moi-même"))],
            "competency_choices": selectors.competency_choices(network=self.actor.network),
        }

    def get_initial(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "display_name": user.get_full_name() or "",  # type: ignore[union-attr]
            "email": user.email,  # type: ignore[union-attr]  # private, changeable: the user's own address to start with
            "travel_km": 50,
            "digest": True,
        }

    def perform(self, form: Any) -> Any:
        return services.member_join(actor=self.actor, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _(
            "Bienvenue dans les échanges de savoir-faire, %(name)s : votre offre et votre demande sont en ligne."
        ) % {"name": obj.display_name}

    def success_url_for(self, obj: Any) -> str:
        return self.url("home")


class HomeView(JoinMixin, ServiceFormView):
    template_name = "exchanges/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        members = selectors.my_members(actor=self.actor)
        for member in members:
            member.offers = [x for x in member.listings.all() if x.kind == ListingKind.OFFER]  # type: ignore[attr-defined]
            member.requests = [x for x in member.listings.all() if x.kind == ListingKind.REQUEST]  # type: ignore[attr-defined]
            member.editable = selectors.can_edit(actor=self.actor, member=member)  # type: ignore[attr-defined]
        context.update(members=members, can_join_more=bool(self.partner_choices()))
        return context


class JoinView(JoinMixin, ServiceFormView):
    """The join form alone; once I joined for myself and every structure I manage, back to « Mon inscription »."""

    template_name = "exchanges/join.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.partner_choices():
            messages.info(request, _("Vous êtes déjà inscrit·e, ainsi que les structures que vous gérez."))
            return redirect(self.url("home"))
        return super().get(request, *args, **kwargs)


class MemberEditView(ExchangesMixin, ServiceFormView):
    template_name = "exchanges/member_form.html"
    form_class = ProfileForm
    success_message = _("Profil « %(name)s » enregistré.")

    def get_object(self) -> Any:
        return selectors.editable_member_get(actor=self.actor, member_id=int(self.kwargs["member_id"]))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        member = kwargs.pop("instance")
        if self.request.method == "GET":
            kwargs["initial"] = {name: getattr(member, name) for name in services.PROFILE_FIELDS}
        return kwargs

    def perform(self, form: Any) -> Any:
        return services.member_update(actor=self.actor, member=self.object, **form.profile())

    def success_url_for(self, obj: Any) -> str:
        return self.url("home")


class MemberLeaveView(ExchangesMixin, TemplateView):
    """What leaving deletes, then the confirmation (POST)."""

    template_name = "exchanges/member_leave.html"

    def member(self) -> Member:
        return selectors.editable_member_get(actor=self.actor, member_id=int(self.kwargs["member_id"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member = self.member()
        listings = list(member.listings.order_by("kind", "title"))
        context.update(
            member=member,
            listings=listings,
            took_part=member.participations.exists(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self.member()
        name = member.display_name
        deleted = services.member_leave(actor=self.actor, member=member)
        if deleted:
            messages.success(
                request, _("%(name)s a quitté les échanges : profil, offres et demandes supprimés.") % {"name": name}
            )
        else:
            messages.success(
                request,
                _(
                    "%(name)s a quitté les échanges : offres et demandes supprimées, profil anonymisé dans les "
                    "échanges passés."
                )
                % {"name": name},
            )
        return redirect(self.url("home"))


class MemberView(ExchangesMixin, TemplateView):
    template_name = "exchanges/member_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member = selectors.member_get(actor=self.actor, member_id=int(self.kwargs["member_id"]))
        listings = _with_formats(selectors.member_open_listings(member=member))
        context.update(
            member=member,
            offers=[x for x in listings if x.kind == ListingKind.OFFER],
            requests=[x for x in listings if x.kind == ListingKind.REQUEST],
            editable=selectors.can_edit(actor=self.actor, member=member),
        )
        return context


# --- listings -----------------------------------------------------------------------------------------------------


class ListingListView(ExchangesMixin, TemplateView):
    template_name = "exchanges/listing_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        network = self.actor.network
        departments = selectors.department_choices(network=network)
        form = ListingFilterForm(
            self.request.GET or None,
            competency_choices=selectors.competency_choices(network=network),
            departments=departments,
        )
        form.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *[(code, f"{code} — {geo.departement_name(code)}".rstrip(" —")) for code in departments],
        ]
        filters = form.filters() if form.is_bound else selectors.ListingFilters()
        page = paginate(self.request, selectors.listing_list(actor=self.actor, filters=filters), PAGE_SIZE)
        context.update(
            filter_form=form,
            page_obj=page,
            listings=_with_formats(page.object_list),
            filtered=any(
                getattr(filters, name) for name in ("kind", "competency", "format", "department", "q", "remote")
            ),
        )
        return context


class ListingView(ExchangesMixin, TemplateView):
    template_name = "exchanges/listing_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        listing = selectors.listing_get(actor=self.actor, listing_id=int(self.kwargs["listing_id"]))
        editable = selectors.can_edit(actor=self.actor, member=listing.member)
        listing.format_labels = selectors.format_labels(listing)  # type: ignore[attr-defined]
        suggestions = []
        if editable and not listing.competencies.all():
            suggestions = selectors.competency_suggestions(
                network=self.actor.network, text=f"{listing.title} {listing.description}"
            )
        context.update(
            listing=listing,
            member=listing.member,
            editable=editable,
            suggestions=suggestions,
            states=[(value, label) for value, label in ListingState.choices if value != listing.state],
        )
        return context


class ListingFormMixin(ExchangesMixin):
    template_name = "exchanges/listing_form.html"
    form_class = ListingForm

    def success_url_for(self, obj: Any) -> str:
        return self.url("listing", listing_id=obj.pk)

    def get_success_message(self, obj: Any) -> str:
        if obj.kind == ListingKind.OFFER:
            return _("Offre « %(title)s » enregistrée.") % {"title": obj.title}
        return _("Demande « %(title)s » enregistrée.") % {"title": obj.title}


class ListingCreateView(ListingFormMixin, ServiceFormView):
    """A new offer or request for one of my members (`?member=<id>` chooses, `?kind=offer|request` too)."""

    def members(self) -> list[Member]:
        return [m for m in selectors.my_members(actor=self.actor) if selectors.can_edit(actor=self.actor, member=m)]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.members():
            messages.info(request, _("Inscrivez-vous d'abord, avec une offre et une demande."))
            return redirect(self.url("home"))
        return super().get(request, *args, **kwargs)

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"competency_choices": selectors.competency_choices(network=self.actor.network)}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        members = self.members()
        form.fields["member"] = forms.TypedChoiceField(
            label=_("Pour"), coerce=int, choices=[(m.pk, m.display_name) for m in members]
        )
        if len(members) <= 1:
            form.fields["member"].widget = forms.HiddenInput()
        form.order_fields(["member", "kind"])
        return form

    def get_initial(self) -> dict[str, Any]:
        members = self.members()
        wanted = self.request.GET.get("member", "")
        member = next((m for m in members if str(m.pk) == wanted), members[0] if members else None)
        kind = self.request.GET.get("kind", "")
        return {
            "member": member.pk if member else None,
            "kind": kind if kind in ListingKind.values else ListingKind.OFFER,
            "conditions": "reciprocity",
        }

    def perform(self, form: Any) -> Any:
        member = next((m for m in self.members() if m.pk == form.cleaned_data["member"]), None)
        if member is None:
            raise ValidationError({"member": _("Choisissez un de vos profils.")})
        return services.listing_create(
            actor=self.actor, member=member, kind=form.cleaned_data["kind"], **form.listing()
        )


class ListingEditView(ListingFormMixin, ServiceFormView):
    def get_object(self) -> Any:
        return selectors.editable_listing_get(actor=self.actor, listing_id=int(self.kwargs["listing_id"]))

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"competency_choices": selectors.competency_choices(network=self.actor.network), "with_kind": False}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        listing = kwargs.pop("instance")
        if self.request.method == "GET":
            kwargs["initial"] = selectors.listing_values(listing)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        listing = self.object
        chosen = {item.code for item in listing.competencies.all()}  # type: ignore[union-attr]
        context["suggestions"] = selectors.competency_suggestions(
            network=self.actor.network,
            text=f"{listing.title} {listing.description}",  # type: ignore[union-attr]
            exclude=chosen,
        )
        return context

    def perform(self, form: Any) -> Any:
        return services.listing_update(actor=self.actor, listing=self.object, **form.listing())


class ListingStateView(ExchangesMixin, View):
    """Open, pause or close one of my offers or requests (POST `state`)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        listing = selectors.editable_listing_get(actor=self.actor, listing_id=int(kwargs["listing_id"]))
        try:
            services.listing_set_state(actor=self.actor, listing=listing, state=request.POST.get("state", ""))
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(
                request,
                _("« %(title)s » : %(state)s.") % {"title": listing.title, "state": listing.get_state_display()},
            )
        return redirect(self.url("listing", listing_id=listing.pk))


urls: list[URLPattern] = [
    path("", HomeView.as_view(), name="home"),
    path("inscription/", JoinView.as_view(), name="join"),
    path("membres/<int:member_id>/", MemberView.as_view(), name="member"),
    path("membres/<int:member_id>/modifier/", MemberEditView.as_view(), name="member_edit"),
    path("membres/<int:member_id>/quitter/", MemberLeaveView.as_view(), name="member_leave"),
    path("offres-et-demandes/", ListingListView.as_view(), name="listings"),
    path("offres-et-demandes/nouvelle/", ListingCreateView.as_view(), name="listing_create"),
    path("offres-et-demandes/<int:listing_id>/", ListingView.as_view(), name="listing"),
    path("offres-et-demandes/<int:listing_id>/modifier/", ListingEditView.as_view(), name="listing_edit"),
    path("offres-et-demandes/<int:listing_id>/etat/", ListingStateView.as_view(), name="listing_state"),
]
