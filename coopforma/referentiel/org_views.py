# SPDX-License-Identifier: AGPL-3.0-or-later
"""The référentiel in an organisation's back office (/o/<org>/referentiel/): the competencies each objective of
a training aims at (a panel of the training's page, with suggestions and a search), and the competencies a
trainer declares during their onboarding (a panel of the trainer's page), validated by the network's committee.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.catalogue.selectors import training_editable, training_get
from coopforma.core.views import is_htmx
from coopforma.people.selectors import trainer_get
from coopforma.people.services import trainer_editable_fields
from coopforma.referentiel import selectors, services
from coopforma.referentiel.forms import LEVEL_CHOICES, ObjectiveLinkForm, TrainerCompetencyForm
from coopforma.referentiel.models import TrainerCompetencyState


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class TrainingCompetenciesView(OrgViewMixin, TemplateView):
    """« Compétences visées »: each objective of the training with its competencies; editors link (suggestions,
    search) and unlink. `?panel=1` (or htmx): the panel alone, for the training's page."""

    template_name = "referentiel/training_competencies.html"
    panel_template = "referentiel/_training_panel.html"

    def get_template_names(self) -> list[str]:
        panel = self.request.GET.get("panel") or is_htmx(self.request)
        return [self.panel_template] if panel else [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        training = training_get(actor=self.actor, training_id=int(self.kwargs["training_id"]))
        can_edit = training_editable(actor=self.actor, training=training)
        context.update(
            training=training,
            can_edit=can_edit,
            rows=selectors.objectives_with_competencies(training=training, suggest=can_edit),
            versions=selectors.applicable_versions(organisation_id=training.organisation_id),
            level_choices=LEVEL_CHOICES,
            error=kwargs.get("error", ""),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        training_id = training_get(actor=self.actor, training_id=int(kwargs["training_id"])).pk  # 404 first
        error = ""
        try:
            if request.POST.get("action") == "unlink":
                services.objective_competency_unlink(
                    actor=self.actor, training_id=training_id, link_id=_int(request.POST.get("link"))
                )
            else:
                form = ObjectiveLinkForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choisissez un objectif, une compétence et un niveau connus."))
                services.objective_competency_link(
                    actor=self.actor,
                    training_id=training_id,
                    objective=form.cleaned_data["objective"],
                    competency_id=form.cleaned_data["competency"],
                    level=form.cleaned_data["level"],
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if is_htmx(request):
            return self.render_to_response(self.get_context_data(error=error), status=422 if error else 200)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Compétences visées enregistrées."))
        return redirect("referentiel_org:training", org=self.actor.organisation.slug, training_id=training_id)


class CompetencySearchView(OrgViewMixin, TemplateView):
    """The search of the « Compétences visées » control (htmx): competencies of the applicable référentiels whose
    code, label, other names or criteria hold every word typed, each with a « Lier » button."""

    template_name = "referentiel/_competency_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        training = training_get(actor=self.actor, training_id=int(self.kwargs["training_id"]))
        query = self.request.GET.get("q", "")[:200]
        context.update(
            training=training,
            can_edit=training_editable(actor=self.actor, training=training),
            objective=max(_int(self.request.GET.get("objective")), 0),
            query=query,
            results=selectors.competency_search(organisation_id=training.organisation_id, query=query),
            level_choices=LEVEL_CHOICES,
        )
        return context


class TrainerCompetenciesView(OrgViewMixin, TemplateView):
    """The competencies a trainer holds (validated by a network's committee) and the ones declared, with the form
    to declare one (the trainer themself, or whoever edits their profile). `?panel=1`: for the trainer's page."""

    template_name = "referentiel/trainer_competencies.html"
    panel_template = "referentiel/_trainer_panel.html"

    def get_template_names(self) -> list[str]:
        panel = self.request.GET.get("panel") or is_htmx(self.request)
        return [self.panel_template] if panel else [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        trainer = trainer_get(actor=self.actor, trainer_id=int(self.kwargs["trainer_id"]))
        may_declare = bool(trainer_editable_fields(actor=self.actor, trainer=trainer))
        lines = list(selectors.trainer_competencies(trainer=trainer))
        form = kwargs.get("form")
        if form is None and may_declare:
            form = TrainerCompetencyForm(
                competencies=selectors.linkable_competencies(organisation_id=trainer.organisation_id)
            )
        context.update(
            trainer=trainer,
            may_declare=may_declare,
            validated=[line for line in lines if line.state == TrainerCompetencyState.VALIDATED],
            others=[line for line in lines if line.state != TrainerCompetencyState.VALIDATED],
            form=form,
            states=TrainerCompetencyState,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trainer = trainer_get(actor=self.actor, trainer_id=int(kwargs["trainer_id"]))
        form = None
        if request.POST.get("action") == "withdraw":
            services.trainer_competency_withdraw(
                actor=self.actor, trainer_id=trainer.pk, line_id=_int(request.POST.get("line"))
            )
            messages.success(request, _("Compétence retirée."))
        else:
            form = TrainerCompetencyForm(
                request.POST, competencies=selectors.linkable_competencies(organisation_id=trainer.organisation_id)
            )
            if form.is_valid():
                try:
                    services.trainer_competency_declare(
                        actor=self.actor,
                        trainer_id=trainer.pk,
                        competency_id=form.cleaned_data["competency"],
                        level=form.cleaned_data["level"],
                        evidence=form.cleaned_data["evidence"],
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Compétence déclarée : le comité du réseau la validera."))
                    form = None
        if form is not None and form.errors:
            return self.render_to_response(self.get_context_data(form=form), status=422)
        if is_htmx(request):
            return self.render_to_response(self.get_context_data())
        return redirect("referentiel_org:trainer", org=self.actor.organisation.slug, trainer_id=trainer.pk)
