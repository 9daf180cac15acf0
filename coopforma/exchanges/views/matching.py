# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the exchanges: matching and facilitation (exchanges/matching.py, exchanges/facilitation.py).

- `exchanges:suggestions`: the facilitators' queue, grouped by offer, with its filters;
- `exchanges:suggestion_dismiss` (POST, a reason) and `exchanges:suggestion_arrange` (the group to arrange, then
  POST): for the facilitators;
- `exchanges:listing_ask` (POST, from `_ask.html` on a listing's page): « Demander une mise en relation »;
- `exchanges:exchange_consent` (POST, from `_consent.html` on an exchange's page): give or withdraw one's consent to
  share one's contact details."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coopforma.exchanges import facilitation
from coopforma.exchanges.models import SuggestionState
from coopforma.exchanges.views.base import ExchangesMixin


class SuggestionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("État"), choices=SuggestionState.choices, required=False, initial=SuggestionState.PROPOSED
    )
    department = forms.CharField(label=gettext_lazy("Département"), max_length=3, required=False)
    competency = forms.TypedChoiceField(
        label=gettext_lazy("Compétence"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, competencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", _("Toutes")), *competencies]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"state": SuggestionState.PROPOSED}
        data = self.cleaned_data
        return {
            "state": data["state"] or SuggestionState.PROPOSED,
            "department": data["department"],
            "competency": data["competency"],
        }


class DismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Pourquoi l'écarter ?"), max_length=500)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


class SuggestionListView(ExchangesMixin, TemplateView):
    facilitator_only = True
    template_name = "exchanges/suggestion_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SuggestionFilterForm(
            self.request.GET or None, competencies=facilitation.competency_choices(actor=self.actor)
        )
        filters = form.filters()
        context.update(
            filter_form=form,
            filtered=bool(self.request.GET),
            groups=facilitation.suggestion_groups(actor=self.actor, filters=filters),
            state=filters["state"],
            proposed=filters["state"] == SuggestionState.PROPOSED,
            dismiss_form=DismissForm(),
        )
        return context


class SuggestionDismissView(ExchangesMixin, View):
    facilitator_only = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        suggestion = facilitation.suggestion_get(actor=self.actor, suggestion_id=kwargs["suggestion_id"])
        form = DismissForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Dites pourquoi vous écartez cette suggestion (500 caractères au plus)."))
            return redirect(self.url("suggestions"))
        try:
            facilitation.suggestion_dismiss(
                actor=self.actor, suggestion_id=suggestion.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Suggestion écartée : elle ne sera plus proposée."))
        return redirect(self.url("suggestions"))


class SuggestionArrangeView(ExchangesMixin, TemplateView):
    """The group to arrange (this suggestion and the others to examine on the same offer), then the exchange."""

    facilitator_only = True
    template_name = "exchanges/suggestion_arrange.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        suggestion = facilitation.suggestion_get(actor=self.actor, suggestion_id=self.kwargs["suggestion_id"])
        context.update(
            suggestion=suggestion,
            candidates=[
                s
                for s in facilitation.group_candidates(actor=self.actor, suggestion=suggestion)
                if s.pk != suggestion.pk
            ],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        suggestion = facilitation.suggestion_get(actor=self.actor, suggestion_id=kwargs["suggestion_id"])
        try:
            with_ids = [int(value) for value in request.POST.getlist("with_ids")]
        except ValueError:
            messages.error(request, _("Choix de suggestions invalide."))
            return redirect(self.url("suggestion_arrange", suggestion_id=suggestion.pk))
        try:
            exchange = facilitation.suggestion_arrange(actor=self.actor, suggestion_id=suggestion.pk, with_ids=with_ids)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect(self.url("suggestion_arrange", suggestion_id=suggestion.pk))
        messages.success(
            request,
            _("Mise en relation organisée : « %(title)s ». Les participant·es ont reçu un e-mail.")
            % {"title": exchange.title},
        )
        return redirect(facilitation.exchange_url(exchange))


class ListingAskView(ExchangesMixin, View):
    """« Demander une mise en relation » on someone else's listing, with one of my listings of the other kind."""

    http_method_names = ["post"]

    def back(self, listing_id: int) -> str:
        for name, kwargs in (("listing", {"listing_id": listing_id}), ("listings", {}), ("home", {})):
            try:
                return self.url(name, **kwargs)
            except NoReverseMatch:
                continue
        return "/"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        listing_id = int(kwargs["listing_id"])
        own = request.POST.get("own_listing_id", "")
        if not own.isdigit():
            messages.error(request, _("Choisissez une de vos offres ou demandes."))
            return redirect(self.back(listing_id))
        try:
            facilitation.suggestion_ask(actor=self.actor, listing_id=listing_id, own_listing_id=int(own))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("Demande de mise en relation envoyée : les animateur·rices du réseau vont l'examiner.")
            )
        return redirect(self.back(listing_id))


class _ParticipantChoiceView(ExchangesMixin, View):
    """A participant's yes (`<field>=1`) or no (`<field>=0`) about themself in an exchange, posted from
    `_consent.html`; anything else changes nothing and says what to answer."""

    http_method_names = ["post"]
    field: str
    missing: str
    said_yes: str
    said_no: str

    def apply(self, exchange_id: int, yes: bool) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        exchange = facilitation.exchange_for_contacts(actor=self.actor, exchange_id=kwargs["exchange_id"])
        answer = request.POST.get(self.field)
        if answer not in ("0", "1"):
            messages.error(request, self.missing)
        else:
            self.apply(exchange.pk, answer == "1")
            messages.success(request, self.said_yes if answer == "1" else self.said_no)
        return redirect(facilitation.exchange_url(exchange))


class ExchangeConsentView(_ParticipantChoiceView):
    """Give or withdraw my consent to share my e-mail and phone in an exchange."""

    field = "consent"
    missing = gettext_lazy("Dites si vous acceptez de partager vos coordonnées.")
    said_yes = gettext_lazy("Vos coordonnées seront partagées avec les participant·es qui ont aussi donné leur accord.")
    said_no = gettext_lazy("Vos coordonnées ne sont plus partagées.")

    def apply(self, exchange_id: int, yes: bool) -> None:
        facilitation.contact_consent_set(actor=self.actor, exchange_id=exchange_id, consent=yes)


class ExchangeMapConsentView(_ParticipantChoiceView):
    """Agree, or no longer agree, that the exchange be shown on the public map."""

    field = "on_map"
    missing = gettext_lazy("Dites si vous acceptez que l'échange soit montré sur la carte.")
    said_yes = gettext_lazy(
        "Accord noté : l'échange paraît sur la carte quand chacun·e a accepté et que l'animation l'a publié."
    )
    said_no = gettext_lazy("L'échange ne paraît plus sur la carte.")

    def apply(self, exchange_id: int, yes: bool) -> None:
        facilitation.map_consent_set(actor=self.actor, exchange_id=exchange_id, consent=yes)


urls: list[URLPattern] = [
    path("mises-en-relation/", SuggestionListView.as_view(), name="suggestions"),
    path("mises-en-relation/<int:suggestion_id>/ecarter/", SuggestionDismissView.as_view(), name="suggestion_dismiss"),
    path(
        "mises-en-relation/<int:suggestion_id>/organiser/", SuggestionArrangeView.as_view(), name="suggestion_arrange"
    ),
    path("mises-en-relation/demander/<int:listing_id>/", ListingAskView.as_view(), name="listing_ask"),
    path("<int:exchange_id>/coordonnees/", ExchangeConsentView.as_view(), name="exchange_consent"),
    path("<int:exchange_id>/carte/", ExchangeMapConsentView.as_view(), name="exchange_map_consent"),
]
