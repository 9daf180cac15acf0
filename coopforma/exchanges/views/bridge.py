# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the exchanges: the bridge from an exchange to a training action of a member organisation
(`exchanges.bridge`): the form, and the confirmation listing what the OF's staff must still do."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from coopforma.catalogue.nsf import NSF_CHOICES
from coopforma.core.forms import date_input
from coopforma.core.views import ServiceFormView
from coopforma.exchanges import bridge
from coopforma.exchanges.models import Exchange
from coopforma.exchanges.views.base import ExchangesMixin
from coopforma.referentiel.models import LEVELS, Item


class BridgeForm(forms.Form):
    organisation = forms.TypedChoiceField(label=gettext_lazy("Organisme de formation"), coerce=int)
    kind = forms.ChoiceField(
        label=gettext_lazy("Type d'action"),
        choices=bridge.KINDS,
        widget=forms.RadioSelect,
        initial=bridge.AFEST,
        help_text=gettext_lazy(
            "AFEST : action de formation en situation de travail (art. D6313-3-2 du Code du travail), en quatre "
            "phases ; sinon, une session de formation."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200)
    nsf_code = forms.ChoiceField(label=gettext_lazy("Code NSF (domaine de formation)"))
    duration_hours = forms.IntegerField(
        label=gettext_lazy("Durée totale (heures)"),
        min_value=1,
        max_value=400,
        help_text=gettext_lazy("Une AFEST la répartit entre ses quatre phases, une session entre ses jours."),
    )
    trainer = forms.TypedChoiceField(
        label=gettext_lazy("Formateur·rice ou tuteur·rice désigné·e"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "Obligatoire pour une AFEST : désigné·e en amont, en capacité d'exercer le rôle de tuteur."
        ),
    )
    starts_on = forms.DateField(label=gettext_lazy("Début"), widget=date_input())
    ends_on = forms.DateField(label=gettext_lazy("Fin"), widget=date_input(), required=False)
    other_objectives = forms.CharField(
        label=gettext_lazy("Autres objectifs opérationnels"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Un par ligne, sans compétence du référentiel liée."),
    )

    def __init__(
        self, *args: Any, organisations: list[Any], trainers: list[Any], competencies: list[Item], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["nsf_code"].choices = [("", "—"), *NSF_CHOICES]
        many = len(organisations) > 1
        self.fields["trainer"].choices = [("", "—")] + [
            (t.pk, f"{t.full_name} ({t.organisation.name})" if many else t.full_name) for t in trainers
        ]
        levels = [("", _("Non précisé")), *LEVELS]
        for item in competencies:
            self.fields[f"objective_{item.pk}"] = forms.CharField(
                label=_("Objectif pour la compétence « %(code)s %(label)s »")
                % {"code": item.code, "label": item.label},
                required=False,
                max_length=500,
                initial=item.label,
                help_text=_("Laissez vide pour ne pas retenir cette compétence."),
            )
            self.fields[f"level_{item.pk}"] = forms.ChoiceField(
                label=_("Niveau visé pour « %(code)s »") % {"code": item.code},
                choices=levels,
                required=False,
                initial="pratique",
            )

    def objectives(self) -> list[bridge.ObjectiveIn]:
        data = self.cleaned_data
        linked = [
            bridge.ObjectiveIn(
                text=data.get(f"objective_{item.pk}") or "",
                competency_id=item.pk,
                level=data.get(f"level_{item.pk}") or "",
            )
            for item in self.competencies
        ]
        others = [bridge.ObjectiveIn(text=line) for line in (data.get("other_objectives") or "").splitlines()]
        return [o for o in linked + others if o.text.strip()]


class BridgeView(ExchangesMixin, ServiceFormView):
    """« Transformer en action de formation »: for a facilitator who may create, validate and run trainings in a
    member organisation of the network (403 for anyone else)."""

    facilitator_only = True
    template_name = "exchanges/bridge_form.html"
    form_class = BridgeForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.exchange.bridged_at:
            return redirect(self.url("exchange_bridge_done", exchange_id=self.exchange.pk))
        return super().get(request, *args, **kwargs)

    @property
    def exchange(self) -> Exchange:
        if not hasattr(self, "_exchange"):
            self._exchange = bridge.exchange_for_bridge(actor=self.actor, exchange_id=int(self.kwargs["exchange_id"]))
        return self._exchange

    @property
    def organisations(self) -> list[Any]:
        if not hasattr(self, "_organisations"):
            self._organisations = bridge.bridge_organisations(actor=self.actor)
            if not self._organisations:
                raise PermissionDenied("exchanges.bridge")
        return self._organisations

    def form_extra_kwargs(self) -> dict[str, Any]:
        organisations = self.organisations
        return {
            "organisations": organisations,
            "trainers": list(bridge.bridge_trainers(organisation_ids=[o.pk for o in organisations])),
            "competencies": bridge.exchange_competencies(exchange=self.exchange),
        }

    def get_initial(self) -> dict[str, Any]:
        exchange = self.exchange
        initial: dict[str, Any] = {
            "title": exchange.title,
            "starts_on": exchange.starts_on,
            "ends_on": exchange.ends_on,
        }
        if len(self.organisations) == 1:
            initial["organisation"] = self.organisations[0].pk
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            exchange=self.exchange,
            learners=bridge.exchange_learners(exchange=self.exchange),
            phases=[label for _code, label, _weight in bridge.AFEST_PHASES],
            competency_rows=[(form[f"objective_{i.pk}"], form[f"level_{i.pk}"]) for i in form.competencies],
            main_fields=[form[name] for name in ("organisation", "title", "nsf_code", "duration_hours", "trainer")],
            date_fields=[form["starts_on"], form["ends_on"]],
        )
        return context

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return bridge.exchange_bridge(
            actor=self.actor,
            exchange_id=self.exchange.pk,
            organisation_id=data["organisation"],
            kind=data["kind"],
            title=data["title"],
            objectives=form.objectives(),
            duration_minutes=data["duration_hours"] * 60,
            nsf_code=data["nsf_code"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            trainer_id=data["trainer"],
        )

    def get_success_message(self, obj: Any) -> str:
        return _("L'échange est devenu une action de formation de %(org)s.") % {"org": obj.exchange.organisation.name}

    def success_url_for(self, obj: Any) -> str:
        return self.url("exchange_bridge_done", exchange_id=obj.exchange.pk)


class BridgeDoneView(ExchangesMixin, TemplateView):
    """The confirmation: what the exchange became, and what the OF's staff must still do (with the links to the
    session for the people of that organisation)."""

    facilitator_only = True
    template_name = "exchanges/bridge_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        exchange = bridge.exchange_for_bridge(actor=self.actor, exchange_id=int(self.kwargs["exchange_id"]))
        if not exchange.bridged_at:
            context.update(exchange=exchange, bridged=False)
            return context
        session = bridge.bridged_session(actor=self.actor, exchange=exchange)
        links: dict[str, str] = {}
        if session is not None and exchange.organisation is not None:
            org = exchange.organisation.slug
            links = {
                "session": reverse("sessions:detail", kwargs={"org": org, "pk": session.pk}),
                "enrolment": reverse("sessions:enrolment_create", kwargs={"org": org, "pk": session.pk}),
                "training": reverse("catalogue:detail", kwargs={"org": org, "pk": exchange.training_id})
                if exchange.training_id
                else "",
            }
        context.update(
            exchange=exchange,
            bridged=True,
            session=session,
            links=links,
            todo=bridge.bridge_todo(exchange=exchange),
            learners=bridge.bridge_learner_rows(actor=self.actor, exchange=exchange),
        )
        return context


urls: list[URLPattern] = [
    path("<int:exchange_id>/formation/", BridgeView.as_view(), name="exchange_bridge"),
    path("<int:exchange_id>/formation/confirmation/", BridgeDoneView.as_view(), name="exchange_bridge_done"),
]
