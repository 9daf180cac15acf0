# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the map in a network (/reseaux/<network>/…): a published partner structure's public page with its
offers; in the back office, the partner offers and their moderation, the relevance queue and the rule set."""

import csv
from typing import Any

from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotFound,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from django.views.generic import TemplateView

from coopforma.core.log import history_for
from coopforma.core.views import is_htmx
from coopforma.networks import selectors as network_selectors
from coopforma.networks.access import actor_for
from coopforma.networks.forms import ReasonForm
from coopforma.networks.models import PartnerState
from coopforma.networks.views import NetworkFormView, NetworkPostView, NetworkViewMixin
from coopforma.offers import federation, gaps, geo, open_data, selectors, services
from coopforma.offers import filters as map_filters
from coopforma.offers.forms import (
    DecisionForm,
    ImportForm,
    OfferSessionForm,
    PartnerOfferForm,
    RulesForm,
    SubscriptionForm,
)
from coopforma.offers.importing import STORAGE_PREFIX
from coopforma.offers.models import ImportStatus, OfferStatus, RelevanceDecision


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


# --- gaps (public) -----------------------------------------------------------------------------------------------


def _gaps_for(request: HttpRequest, network: str) -> tuple[Any, gaps.Gaps | None, str]:
    """The public network, its gaps for the distance asked (``?km=``), or the French error about that distance."""
    public = network_selectors.network_public_get(slug=network)
    try:
        km = gaps.parse_km(request.GET.get("km"))
    except ValueError as error:
        return public, None, str(error)
    by_competency = request.GET.get("par") == "competences"
    return public, gaps.network_gaps(network=public, km=km, by_competency=by_competency), ""


def gaps_page(request: HttpRequest, network: str) -> HttpResponse:
    """Territories × themes: where no offer of a theme exists within reach, with its map and its CSV."""
    public, table, error = _gaps_for(request, network)
    status = 400 if error else 200
    if table is None:
        table = gaps.network_gaps(network=public, km=gaps.DEFAULT_KM)
    return render(
        request,
        "offers/gaps.html",
        {"network": public, "gaps": table, "error": error, "km_asked": request.GET.get("km", "")},
        status=status,
    )


def gaps_json(request: HttpRequest, network: str) -> JsonResponse:
    _public, table, error = _gaps_for(request, network)
    if table is None:
        return JsonResponse({"error": error}, status=400)
    return JsonResponse(gaps.gaps_json(table), json_dumps_params={"ensure_ascii": False})


def gaps_csv(request: HttpRequest, network: str) -> HttpResponse:
    """French CSV (`;`, UTF-8 with a BOM for spreadsheets, CRLF), one line per département and theme."""
    public, table, error = _gaps_for(request, network)
    if table is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lacunes-{public.slug}-{table.km}km.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerows(gaps.gaps_csv_rows(table))
    return response


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
    """A shown offer's public page: provider with its SIRET, the référentiel's competencies it aims at, sessions
    with their places, source and licence."""
    net = network_selectors.network_public_get(slug=network)
    offer = selectors.map_offer_get(network=net, offer_id=offer_id)
    return render(
        request,
        "offers/offer_page.html",
        {
            "network": net,
            "offer": offer,
            "qualiopi": selectors.qualiopi_of([offer])[offer.pk],
            "competencies": selectors.offers_competencies(network=net, offers=[offer])[offer.pk],
            "moderation": selectors.offer_competency_moderation(actor=actor_for(request.user, net), offer=offer),
        },
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
            competency_choices=selectors.competency_choices(actor=self.actor),
            partner_competencies=selectors.partner_offer_competencies(actor=self.actor, offer=offer),
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


class PartnerOfferCompetenciesView(_OfferPost):
    """The competencies the structure says its offer aims at (checkboxes of the référentiel's latest version)."""

    def act(self) -> str:
        offer = self.offer()
        codes = [code[:30] for code in self.request.POST.getlist("code")[:100]]
        services.partner_offer_competencies_set(actor=self.actor, offer_id=offer.pk, codes=codes)
        return _("Compétences de l'offre enregistrées.")


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
        queue = list(selectors.relevance_queue(actor=self.actor)[:100])
        links = selectors.competency_links(actor=self.actor, offer_ids=[row.offer_id for row in queue])
        for row in queue:
            row.competency_links = links.get(row.offer_id, [])  # type: ignore[attr-defined]
        context.update(
            queue=queue,
            competency_choices=selectors.competency_choices(actor=self.actor),
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


class RelevanceCompetencyView(NetworkPostView):
    """Confirm, add or remove a competency the offer aims at (the suggestions of offers/competencies.py)."""

    required_flag = "network.moderate"

    def next_url(self) -> str:
        if self.request.POST.get("back") == "offer":
            row = selectors.relevance_get(actor=self.actor, relevance_id=int(self.kwargs["relevance_id"]))
            return reverse("offers:offer", kwargs={"network": self.actor.network.slug, "offer_id": row.offer_id})
        return reverse("offers:relevance", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        row = selectors.relevance_get(actor=self.actor, relevance_id=int(self.kwargs["relevance_id"]))
        action = self.request.POST.get("action", "")
        code = self.request.POST.get("code", "")[:30]
        services.offer_competency_set(actor=self.actor, relevance_id=row.pk, code=code, action=action)
        if action == "remove":
            return _("Compétence %(code)s retirée de l'offre « %(name)s ».") % {"code": code, "name": row.offer}
        return _("Compétence %(code)s confirmée pour l'offre « %(name)s ».") % {"code": code, "name": row.offer}


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


# --- open data (public) -------------------------------------------------------------------------------------------


def _installation(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _feed_view(kind: str, content_type: str, filename: str) -> Any:
    def version(request: HttpRequest, network: str) -> tuple[str, Any]:
        """Computed once per request (the ETag and the Last-Modified come from the same aggregates)."""
        cached = getattr(request, "_feed_version", None)
        if cached is None:
            cached = open_data.feed_version(network_selectors.network_public_get(slug=network), kind)
            request._feed_version = cached  # type: ignore[attr-defined]
        return cached

    def etag(request: HttpRequest, network: str) -> str:
        return version(request, network)[0]

    def last_modified(request: HttpRequest, network: str) -> Any:
        return version(request, network)[1]

    @require_safe
    @condition(etag_func=etag, last_modified_func=last_modified)
    def view(request: HttpRequest, network: str) -> HttpResponseBase:
        net = network_selectors.network_public_get(slug=network)
        installation = _installation(request)
        if kind == "lheo":
            if not open_data.published_counts(net)["lheo"]:
                return HttpResponseNotFound(
                    _("Aucune offre publiée dans ce format."), content_type="text/plain; charset=utf-8"
                )
            body = open_data.lheo_stream(net, installation=installation)
        elif kind == "json":
            body = open_data.json_stream(net, installation=installation, feed_url=request.build_absolute_uri())
        else:
            body = open_data.csv_stream(net, installation=installation)
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{net.slug}-{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Link"] = (
            f'<{request.build_absolute_uri(reverse("offers:open_data", kwargs={"network": net.slug}))}>; rel="license"'
        )
        return response

    return view


feed_lheo = _feed_view("lheo", "application/xml; charset=utf-8", "offres.lheo.xml")
feed_json = _feed_view("json", "application/json; charset=utf-8", "offres.json")
feed_csv = _feed_view("csv", "text/csv; charset=utf-8", "offres.csv")


def open_data_page(request: HttpRequest, network: str) -> HttpResponse:
    """The three files, the network's licence, each source with its licence and whether it is republished."""
    net = network_selectors.network_public_get(slug=network)
    return render(
        request,
        "offers/open_data.html",
        {
            "network": net,
            "sources": open_data.sources_of(net),
            "counts": open_data.published_counts(net),
            "licence_known": bool(open_data.open_licence(net.data_licence)),
        },
    )


# --- outside sources: subscriptions, imports (back office) -----------------------------------------------------


class SubscriptionsView(NetworkFormView):
    template_name = "offers/subscriptions.html"
    form_class = SubscriptionForm
    required_flag = "offers.sources"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sources"] = selectors.subscription_list(actor=self.actor)
        return context

    def perform(self, form: Any) -> Any:
        return federation.subscription_create(actor=self.actor, **form.cleaned_data)

    def get_success_message(self, obj: Any) -> str:
        return _("Abonnement à « %(name)s » ajouté : le flux est relevé chaque heure.") % {"name": obj}


class _SourcePost(NetworkPostView):
    required_flag = "offers.sources"

    def next_url(self) -> str:
        return reverse("offers:subscriptions", kwargs={"network": self.actor.network.slug})

    def source(self) -> Any:
        source = selectors.subscription_list(actor=self.actor).filter(pk=int(self.kwargs["source_id"])).first()
        if source is None:
            raise Http404
        return source


class SubscriptionPullView(_SourcePost):
    def act(self) -> str:
        source = self.source()
        result = federation.subscription_pull(source.pk)
        if result.status == "failed":
            raise ValidationError(result.error)
        if result.status == "not_modified":
            return _("« %(name)s » : le flux n'a pas changé depuis la dernière relève.") % {"name": source}
        return _(
            "« %(name)s » relevé : %(created)d offres créées, %(updated)d mises à jour, %(linked)d déjà connues "
            "(provenance ajoutée), %(retired)d retirées."
        ) % {
            "name": source,
            "created": result.created,
            "updated": result.updated,
            "linked": result.linked,
            "retired": result.retired,
        }


class SubscriptionRemoveView(_SourcePost):
    def act(self) -> str:
        source = self.source()
        federation.subscription_remove(actor=self.actor, source_id=source.pk)
        return _("Abonnement à « %(name)s » retiré : ses offres sont retirées de la carte.") % {"name": source}


class ImportsView(NetworkFormView):
    template_name = "offers/imports.html"
    form_class = ImportForm
    required_flag = "offers.sources"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["runs"] = selectors.import_run_list(actor=self.actor)[:50]
        return context

    def perform(self, form: Any) -> Any:
        return services.import_request(actor=self.actor, **form.cleaned_data)

    def get_success_message(self, obj: Any) -> str:
        return _("Import demandé : il se déroule en arrière-plan.")

    def success_url_for(self, obj: Any) -> str:
        return reverse("offers:import_run", kwargs={"network": self.actor.network.slug, "run_id": obj.pk})


class ImportRunView(NetworkViewMixin, TemplateView):
    """A run's progress, refreshed by htmx every 2 s while it is queued or running; then its counts and the
    rejected records with their reasons."""

    template_name = "offers/import_run.html"
    required_flag = "offers.sources"

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request"):
            return ["offers/_import_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run = selectors.import_run_get(actor=self.actor, run_id=int(self.kwargs["run_id"]))
        context.update(
            run=run,
            running=run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            uploaded=run.location.startswith(STORAGE_PREFIX),
        )
        return context
