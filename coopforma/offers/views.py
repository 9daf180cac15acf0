# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the map in a network (/reseaux/<network>/…): a published partner structure's public page with its
offers; in the back office, the partner offers and their moderation, the relevance queue and the rule set."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from coopforma.core.log import history_for
from coopforma.core.views import is_htmx
from coopforma.networks import selectors as network_selectors
from coopforma.networks.forms import ReasonForm
from coopforma.networks.models import PartnerState
from coopforma.networks.views import NetworkFormView, NetworkPostView, NetworkViewMixin
from coopforma.offers import filters as map_filters
from coopforma.offers import geo, selectors, services
from coopforma.offers.forms import DecisionForm, OfferSessionForm, PartnerOfferForm, RulesForm
from coopforma.offers.models import OfferStatus, RelevanceDecision


def partner_page(request: HttpRequest, network: str, partner: str) -> HttpResponse:
    """A published partner structure's public page, with its published offers (404 while proposed or refused)."""
    structure = network_selectors.partner_public_get(network_slug=network, partner_slug=partner)
    return render(
        request,
        "offers/partner_page.html",
        {
            "network": structure.network,
            "partner": structure,
            "offers": selectors.public_partner_offers(partner=structure),
        },
    )


def map_page(request: HttpRequest, network: str) -> HttpResponse:
    """The public search of the network's offers (no login): a GET form, facets with counts, 20 results a page,
    the map beside them (offers/_map_panel.html reads the JSON URLs on #network-map); htmx refreshes the results.
    Bad filters are shown with their message, nothing is searched."""
    net = network_selectors.network_public_get(slug=network)
    errors: dict[str, list[str]] = {}
    try:
        filters = map_filters.parse(request.GET)
    except ValidationError as exc:
        errors, filters = exc.message_dict, map_filters.MapFilters()
    page = selectors.map_page(network=net, filters=filters) if not errors else None
    query = filters.query_string(page="") if not errors else ""
    context = {
        "network": net,
        "filters": filters,
        "errors": errors,
        "values": request.GET,
        "page": page,
        "facets": selectors.map_facets(network=net, filters=filters) if not errors else {},
        "regions": geo.regions(),
        "departements": geo.departements(),
        "query": query,
        "aggregates_url": reverse("api-v1:network_offer_aggregates_get") + f"?network={net.slug}&{query}",
        "points_url": reverse("api-v1:network_offer_geojson_get") + f"?network={net.slug}&{query}",
        "attribution": geo.ATTRIBUTION,
    }
    template = "offers/_map_results.html" if is_htmx(request) else "offers/map.html"
    return render(request, template, context)


def offer_page(request: HttpRequest, network: str, offer_id: int) -> HttpResponse:
    """A shown offer's public page: provider with its SIRET, sessions with their places, source and licence."""
    net = network_selectors.network_public_get(slug=network)
    offer = selectors.map_offer_get(network=net, offer_id=offer_id)
    return render(
        request,
        "offers/offer_page.html",
        {"network": net, "offer": offer, "qualiopi": selectors.qualiopi_of([offer])[offer.pk]},
    )


def _offers_url(actor: Any) -> str:
    return reverse("offers:partner_offers", kwargs={"network": actor.network.slug})


def _offer_url(actor: Any, offer_id: int) -> str:
    return reverse("offers:partner_offer", kwargs={"network": actor.network.slug, "offer_id": offer_id})


def _partner_choices(actor: Any) -> list[tuple[int, str]]:
    partners = network_selectors.partner_list(actor=actor).exclude(state=PartnerState.REFUSED)
    return [(p.pk, p.name) for p in partners if actor.manages(p.pk)]


# --- partner offers ---------------------------------------------------------------------------------------------


class PartnerOfferListView(NetworkViewMixin, TemplateView):
    template_name = "offers/partner_offer_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("etat", "")
        status = status if status in OfferStatus.values else ""
        context.update(
            status=status,
            statuses=[
                (OfferStatus.PENDING, OfferStatus.PENDING.label),
                (OfferStatus.ACTIVE, OfferStatus.ACTIVE.label),
                (OfferStatus.REFUSED, OfferStatus.REFUSED.label),
            ],
            offers=selectors.partner_offer_list(actor=self.actor, status=status)[:200],
            can_create=bool(_partner_choices(self.actor)),
        )
        return context


class PartnerOfferCreateView(NetworkFormView):
    template_name = "offers/partner_offer_form.html"
    form_class = PartnerOfferForm

    def form_extra_kwargs(self) -> dict[str, Any]:
        choices = _partner_choices(self.actor)
        if not choices:
            raise Http404
        return {"partners": choices}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_form"] = OfferSessionForm(self.request.POST or None, prefix="session")
        return context

    def get_initial(self) -> dict[str, Any]:
        return {"partner": self.request.GET.get("structure")}

    def perform(self, form: Any) -> Any:
        session_form = OfferSessionForm(self.request.POST, prefix="session")
        if not session_form.is_valid():
            raise ValidationError(_("La session contient des erreurs : vérifiez ses dates et son code postal."))
        session = dict(session_form.cleaned_data)
        has_session = any(v not in (None, "", False) for v in session.values())
        return services.partner_offer_create(
            actor=self.actor,
            partner_id=form.cleaned_data["partner"],
            session=session if has_session else None,
            **form.service_fields(),
        )

    def get_success_message(self, obj: Any) -> str:
        return _("Offre « %(name)s » enregistrée : elle attend la modération.") % {"name": obj}

    def success_url_for(self, obj: Any) -> str:
        return _offer_url(self.actor, obj.pk)


class PartnerOfferView(NetworkFormView):
    """A partner offer: its fields (its structure's managers and the moderators edit them), its sessions, and
    the moderators' decision."""

    template_name = "offers/partner_offer_detail.html"
    form_class = PartnerOfferForm

    def get_object(self) -> Any:
        return selectors.partner_offer_get(actor=self.actor, offer_id=int(self.kwargs["offer_id"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object  # noqa: B018  (404 before anything else for another network's id)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"partners": [], "with_partner": False}

    def get_initial(self) -> dict[str, Any]:
        offer = self.object
        assert offer is not None
        return {
            "title": offer.title,
            "experience_mode": offer.experience_mode,
            "summary": offer.summary,
            "objectives": offer.objectives,
            "content": offer.content,
            "url": offer.url,
            "modality": offer.modality,
            "certifying": offer.certifying,
            "cpf_eligible": offer.cpf_eligible,
            "formacodes": ", ".join(offer.formacodes),
            "nsf_codes": ", ".join(offer.nsf_codes),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        offer = self.object
        assert offer is not None
        context.update(
            offer=offer,
            can_edit=offer.partner_id is not None and self.actor.manages(offer.partner_id),
            sessions=offer.sessions.all(),
            session_form=OfferSessionForm(prefix="session"),
            reason_form=ReasonForm(),
            history=history_for(offer)[:20],
        )
        return context

    def perform(self, form: Any) -> Any:
        assert self.object is not None
        return services.partner_offer_update(actor=self.actor, offer_id=self.object.pk, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        if obj.status == OfferStatus.PENDING:
            return _("Offre « %(name)s » enregistrée : elle attend la modération.") % {"name": obj}
        return _("Offre « %(name)s » enregistrée.") % {"name": obj}


class _OfferPost(NetworkPostView):
    def next_url(self) -> str:
        return _offer_url(self.actor, int(self.kwargs["offer_id"]))

    def offer(self) -> Any:
        return selectors.partner_offer_get(actor=self.actor, offer_id=int(self.kwargs["offer_id"]))


class PartnerOfferPublishView(_OfferPost):
    required_flag = "network.moderate"

    def act(self) -> str:
        offer = self.offer()
        services.partner_offer_publish(actor=self.actor, offer_id=offer.pk)
        return _("Offre « %(name)s » publiée.") % {"name": offer}


class PartnerOfferRefuseView(_OfferPost):
    required_flag = "network.moderate"

    def act(self) -> str:
        offer = self.offer()
        form = ReasonForm(self.request.POST)
        form.is_valid()
        services.partner_offer_refuse(actor=self.actor, offer_id=offer.pk, reason=form.cleaned_data.get("reason", ""))
        return _("Offre « %(name)s » refusée.") % {"name": offer}


class PartnerOfferSessionAddView(_OfferPost):
    def act(self) -> str:
        offer = self.offer()
        form = OfferSessionForm(self.request.POST, prefix="session")
        if not form.is_valid():
            raise ValidationError(_("La session contient des erreurs : vérifiez ses dates et son code postal."))
        services.partner_offer_session_add(actor=self.actor, offer_id=offer.pk, **form.cleaned_data)
        return _("Session ajoutée.")


class PartnerOfferSessionRemoveView(_OfferPost):
    def act(self) -> str:
        offer = self.offer()
        services.partner_offer_session_remove(
            actor=self.actor, offer_id=offer.pk, session_id=int(self.kwargs["session_id"])
        )
        return _("Session retirée.")


# --- relevance ----------------------------------------------------------------------------------------------


class RelevanceView(NetworkViewMixin, TemplateView):
    """The borderline offers, each with the reasons of its score, to keep or reject; the decisions taken."""

    template_name = "offers/relevance.html"
    required_flag = "network.moderate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            queue=selectors.relevance_queue(actor=self.actor)[:100],
            decided=selectors.relevance_decided(actor=self.actor)[:50],
            counts=selectors.relevance_counts(actor=self.actor),
            pending_offers=selectors.partner_offer_queue(actor=self.actor)[:20],
        )
        return context


class RelevanceDecideView(NetworkPostView):
    required_flag = "network.moderate"

    def next_url(self) -> str:
        return reverse("offers:relevance", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        row = selectors.relevance_get(actor=self.actor, relevance_id=int(self.kwargs["relevance_id"]))
        form = DecisionForm(self.request.POST)
        form.is_valid()
        decision = self.request.POST.get("decision", "")
        services.relevance_decide(
            actor=self.actor, relevance_id=row.pk, decision=decision, reason=form.cleaned_data.get("reason", "")
        )
        if decision == RelevanceDecision.KEEP:
            return _("Offre « %(name)s » gardée pour le réseau.") % {"name": row.offer}
        return _("Offre « %(name)s » écartée pour le réseau.") % {"name": row.offer}


class RelevanceReopenView(NetworkPostView):
    required_flag = "network.moderate"

    def next_url(self) -> str:
        return reverse("offers:relevance", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        row = selectors.relevance_get(actor=self.actor, relevance_id=int(self.kwargs["relevance_id"]))
        services.relevance_undecide(actor=self.actor, relevance_id=row.pk)
        return _("Décision annulée : les règles jugent de nouveau l'offre « %(name)s ».") % {"name": row.offer}


class RulesView(NetworkFormView):
    template_name = "offers/rules.html"
    form_class = RulesForm
    required_flag = "network.rules"

    def get_initial(self) -> dict[str, Any]:
        rules = selectors.rules_get(actor=self.actor)
        return {
            "keywords": "\n".join(rules.keywords),
            "formacodes": ", ".join(rules.formacodes),
            "nsf_codes": ", ".join(rules.nsf_codes),
            "known_sirets": "\n".join(rules.known_sirets),
            "formacode_weight": rules.formacode_weight,
            "nsf_weight": rules.nsf_weight,
            "keyword_weight": rules.keyword_weight,
            "keyword_cap": rules.keyword_cap,
            "known_weight": rules.known_weight,
            "high_threshold": rules.high_threshold,
            "low_threshold": rules.low_threshold,
        }

    def perform(self, form: Any) -> Any:
        return services.rules_update(actor=self.actor, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _("Règles enregistrées : les offres sont de nouveau évaluées.")
