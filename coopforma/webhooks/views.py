# SPDX-License-Identifier: AGPL-3.0-or-later
"""The webhooks pages, under the organisation's settings (administrators only: flag org.manage).

A secret appears in one answer only: the page that follows the endpoint's creation or the secret's rotation.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.webhooks import selectors, services
from coopforma.webhooks.events import EVENT_TYPES
from coopforma.webhooks.forms import EndpointForm

FLAG = "org.manage"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


class EndpointListView(OrgViewMixin, TemplateView):
    required_flag = FLAG
    template_name = "webhooks/endpoint_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["endpoints"] = selectors.endpoint_list(actor=self.actor)
        context["event_types"] = EVENT_TYPES
        return context


class EndpointCreateView(OrgViewMixin, FormView):
    required_flag = FLAG
    template_name = "webhooks/endpoint_form.html"
    form_class = EndpointForm

    def form_valid(self, form: EndpointForm) -> HttpResponse:
        try:
            endpoint, secret = services.endpoint_create(actor=self.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return render(
            self.request,
            "webhooks/endpoint_secret.html",
            {
                "actor": self.actor,
                "org": self.actor.organisation,
                "endpoint": endpoint,
                "secret": secret,
                "created": True,
            },
        )


class EndpointUpdateView(OrgViewMixin, FormView):
    required_flag = FLAG
    template_name = "webhooks/endpoint_form.html"
    form_class = EndpointForm

    def get_initial(self) -> dict[str, Any]:
        endpoint = self.endpoint()
        return {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
        }

    def endpoint(self) -> Any:
        if not hasattr(self, "_endpoint"):
            self._endpoint = selectors.endpoint_get(actor=self.actor, endpoint_id=int(self.kwargs["pk"]))
        return self._endpoint

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["endpoint"] = self.endpoint()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.endpoint()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: EndpointForm) -> HttpResponse:
        endpoint = self.endpoint()
        try:
            services.endpoint_update(actor=self.actor, endpoint_id=endpoint.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Point de réception enregistré."))
        return redirect("webhooks:endpoint_detail", org=self.actor.organisation.slug, pk=endpoint.pk)


class EndpointDetailView(OrgViewMixin, TemplateView):
    """The endpoint and its latest deliveries (the table refreshes itself with htmx)."""

    required_flag = FLAG
    template_name = "webhooks/endpoint_detail.html"

    def get_template_names(self) -> list[str]:
        return ["webhooks/_deliveries.html"] if _is_htmx(self.request) else [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        endpoint = selectors.endpoint_get(actor=self.actor, endpoint_id=int(self.kwargs["pk"]))
        context["endpoint"] = endpoint
        context["deliveries"] = selectors.delivery_list(actor=self.actor, endpoint_id=endpoint.pk)
        return context


class EndpointRotateView(OrgViewMixin, View):
    required_flag = FLAG
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        endpoint = selectors.endpoint_get(actor=self.actor, endpoint_id=int(str(kwargs["pk"])))
        endpoint, secret = services.endpoint_secret_rotate(actor=self.actor, endpoint_id=endpoint.pk)
        return render(
            request,
            "webhooks/endpoint_secret.html",
            {"actor": self.actor, "org": self.actor.organisation, "endpoint": endpoint, "secret": secret},
        )


class DeliveryDetailView(OrgViewMixin, TemplateView):
    required_flag = FLAG
    template_name = "webhooks/delivery_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        delivery = selectors.delivery_get(actor=self.actor, delivery_id=int(self.kwargs["pk"]))
        context["delivery"] = delivery
        context["attempts"] = selectors.attempt_list(actor=self.actor, delivery=delivery)
        try:
            context["payload"] = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
        except ValueError:
            context["payload"] = delivery.body
        return context


class DeliveryReplayView(OrgViewMixin, View):
    required_flag = FLAG
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        delivery = selectors.delivery_get(actor=self.actor, delivery_id=int(str(kwargs["pk"])))
        slug = self.actor.organisation.slug
        try:
            replay = services.delivery_replay(actor=self.actor, delivery_id=delivery.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("webhooks:delivery_detail", org=slug, pk=delivery.pk)
        messages.success(request, _("L'événement est renvoyé : voici le nouvel envoi."))
        return redirect("webhooks:delivery_detail", org=slug, pk=replay.pk)
