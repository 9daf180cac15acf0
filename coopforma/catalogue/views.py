# SPDX-License-Identifier: AGPL-3.0-or-later
"""Catalogue pages: list, programme sheet, create/edit, and the validation workflow's buttons."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from coopforma.accounts.mixins import OrgFormView, OrgListView, OrgViewMixin
from coopforma.catalogue import selectors, services
from coopforma.catalogue.forms import ReturnForm, TrainingFilterForm, TrainingForm
from coopforma.catalogue.models import Training, TrainingStatus
from coopforma.catalogue.public_page import public_missing, success_rate_text
from coopforma.core.log import history_for


def _detail(view: OrgViewMixin, training_id: int) -> HttpResponse:
    return redirect("catalogue:detail", org=view.actor.organisation.slug, pk=training_id)


def _detail_url(view: OrgViewMixin, training_id: int) -> str:
    return reverse("catalogue:detail", kwargs={"org": view.actor.organisation.slug, "pk": training_id})


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class TrainingListView(OrgListView):
    template_name = "catalogue/training_list.html"
    results_template_name = "catalogue/_training_results.html"  # htmx refreshes only the results
    context_object_name = "trainings"

    def get_filter_form(self) -> TrainingFilterForm:
        return TrainingFilterForm(self.request.GET, actor=self.actor)  # always bound: its filters() has defaults

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.training_list(actor=self.actor, filters=filters)


class TrainingDetailView(OrgViewMixin, TemplateView):
    template_name = "catalogue/training_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        training = selectors.training_get(actor=self.actor, training_id=int(kwargs["pk"]))
        can_edit = selectors.training_editable(actor=self.actor, training=training)
        context.update(
            training=training,
            can_edit=can_edit,
            can_validate=self.actor.has("catalogue.validate"),
            missing_fields=training.missing_programme_fields(),
            # What its public page (catalogue.public_page, the items indicator 1 is judged on) still lacks.
            public_missing=public_missing(training) + public_missing(training, indicator=3),
            success_rate=success_rate_text(training),
            qualiopi_warning=selectors.qualiopi_warning(
                organisation=self.actor.organisation, category=training.action_category, day=timezone.localdate()
            ),
            sessions=selectors.training_session_list(actor=self.actor, training=training)[:50],
            history=history_for(training)[:50],
            return_form=ReturnForm(),
            statuses=TrainingStatus,
        )
        return context


class TrainingCreateView(OrgFormView):
    template_name = "catalogue/training_form.html"
    form_class = TrainingForm
    required_flag = "catalogue.create"

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor}

    def perform(self, form: TrainingForm) -> Training:
        return services.training_create(actor=self.actor, **form.service_data())

    def get_success_message(self, training: Training) -> str:
        return _("Formation « %(title)s » créée en brouillon.") % {"title": training.title}

    def success_url_for(self, training: Training) -> str:
        return _detail_url(self, training.pk)


class TrainingUpdateView(OrgFormView):
    template_name = "catalogue/training_form.html"
    form_class = TrainingForm

    @cached_property
    def training(self) -> Training:
        training = selectors.training_get(actor=self.actor, training_id=int(self.kwargs["pk"]))
        if not selectors.training_editable(actor=self.actor, training=training):
            raise PermissionDenied("catalogue.edit")
        return training

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "training": self.training}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(training=self.training, **kwargs)

    def perform(self, form: TrainingForm) -> Training:
        self.was_validated = self.training.status == TrainingStatus.VALIDATED
        return services.training_update(actor=self.actor, training_id=self.training.pk, **form.service_data())

    def done(self, training: Training) -> HttpResponse:
        if self.was_validated and training.status == TrainingStatus.DRAFT:
            messages.warning(
                self.request,
                _(
                    "Modifications enregistrées. Le programme étant modifié, la formation repasse en brouillon : "
                    "soumettez-la à nouveau pour validation."
                ),
            )
        else:
            messages.success(self.request, _("Modifications enregistrées."))
        return _detail(self, training.pk)


class TrainingActionView(OrgViewMixin, View):
    """A button on the programme sheet: POST, call one service, back to the sheet with a message."""

    http_method_names = ["post"]
    success_message: Any = ""

    def perform(self, training_id: int) -> Training:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        training_id = int(kwargs["pk"])
        try:
            training = self.perform(training_id)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return _detail(self, training_id)
        messages.success(request, self.success_message)
        return _detail(self, training.pk)


class TrainingSubmitView(TrainingActionView):
    success_message = gettext_lazy("Programme soumis à validation.")

    def perform(self, training_id: int) -> Training:
        return services.training_submit(actor=self.actor, training_id=training_id)


class TrainingValidateView(TrainingActionView):
    required_flag = "catalogue.validate"
    success_message = gettext_lazy("Programme validé : la formation peut être programmée et publiée.")

    def perform(self, training_id: int) -> Training:
        return services.training_validate(actor=self.actor, training_id=training_id)


class TrainingArchiveView(TrainingActionView):
    def perform(self, training_id: int) -> Training:
        archived = self.request.POST.get("archived", "1") != "0"
        training = services.training_archive(actor=self.actor, training_id=training_id, archived=archived)
        self.success_message = (
            _("Formation archivée : elle n'apparaît plus au catalogue.")
            if archived
            else _("Formation désarchivée : elle repasse en brouillon, à soumettre de nouveau pour validation.")
        )
        return training


class TrainingDuplicateView(TrainingActionView):
    required_flag = "catalogue.create"

    def perform(self, training_id: int) -> Training:
        copy = services.training_duplicate(actor=self.actor, training_id=training_id)
        self.success_message = _("Copie créée en brouillon : « %(title)s ».") % {"title": copy.title}
        return copy


class TrainingReturnView(OrgFormView):
    """Back to draft with a comment (flag `catalogue.validate`)."""

    template_name = "catalogue/training_return.html"
    form_class = ReturnForm
    required_flag = "catalogue.validate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        training = selectors.training_get(actor=self.actor, training_id=int(self.kwargs["pk"]))
        return super().get_context_data(training=training, **kwargs)

    def perform(self, form: ReturnForm) -> Training:
        return services.training_return_to_draft(
            actor=self.actor, training_id=int(self.kwargs["pk"]), comment=form.cleaned_data["comment"]
        )

    def get_success_message(self, training: Training) -> str:
        return _("Formation renvoyée en brouillon avec votre commentaire.")

    def success_url_for(self, training: Training) -> str:
        return _detail_url(self, training.pk)
