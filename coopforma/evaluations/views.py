# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff pages under /o/<org>/evaluations/ (namespace `evaluations`): results (charts, CSV), questionnaires
(builder), a session's surveys (send, remind, close, new link), the trainer's skills assessment, the
published indicators."""

import csv
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from coopforma.accounts.mixins import OrgFormView, OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.core.log import history_for
from coopforma.evaluations import selectors, services
from coopforma.evaluations.forms import (
    IndicatorForm,
    QuestionForm,
    QuestionnaireCreateForm,
    QuestionnaireForm,
    ResultsFilterForm,
    answer_fields,
)
from coopforma.evaluations.models import PublishedIndicator, QuestionnaireKind

T = "evaluations/"


def _url(actor: Any, name: str, **kwargs: Any) -> str:
    return reverse(f"evaluations:{name}", kwargs={"org": actor.organisation.slug, **kwargs})


# --- Results ----------------------------------------------------------------------------------------------------


def _filters(view: OrgViewMixin, request: HttpRequest) -> tuple[ResultsFilterForm, dict[str, Any], str]:
    trainings, trainers, members = selectors.results_filter_choices(actor=view.actor)
    form = ResultsFilterForm(request.GET or None, trainings=trainings, trainers=trainers, members=members)
    filters: dict[str, Any] = {}
    grouping = "session"
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if k != "by" and v not in (None, "")}
        grouping = form.cleaned_data.get("by") or "session"
    return form, filters, grouping


def _bar(value: Decimal | None) -> int:
    return int(value) if value is not None else 0


class ResultsView(OrgViewMixin, TemplateView):
    required_flag = "evaluations.view"
    template_name = T + "results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, filters, grouping = _filters(self, self.request)
        results = selectors.results_get(actor=self.actor, filters=filters, grouping=grouping)
        metrics = []
        for key, label in selectors.METRICS:
            value, n, unit = selectors.metric_value(results.total, key)
            metrics.append({"key": key, "label": label, "value": value, "n": n, "unit": unit})
        rates = [
            {
                "kind": kind,
                "label": label,
                "invitations": results.total.invitations.get(kind, 0),
                "answered": results.total.answered.get(kind, 0),
                "rate": results.total.response_rate(kind),
            }
            for kind, label in QuestionnaireKind.choices
        ]
        groups = []
        for group in results.groups:
            sat, n_sat, _unit = selectors.metric_value(group.figures, "satisfaction")
            skills, n_skills, _unit = selectors.metric_value(group.figures, "skills")
            groups.append(
                {
                    "label": group.label,
                    "sessions": group.figures.sessions,
                    "satisfaction": sat,
                    "n_satisfaction": n_sat,
                    "skills": skills,
                    "n_skills": n_skills,
                    "completion": group.figures.completion_rate,
                    "dropout": group.figures.dropout_rate,
                    "response_rate": group.figures.response_rate(QuestionnaireKind.HOT),
                    "bar": _bar(sat),
                }
            )
        top = max([count for _v, count in results.distribution] or [0]) or 1
        distribution = []
        for i, (v, c) in enumerate(results.distribution):
            height = round(120 * c / top)
            distribution.append({"value": v, "count": c, "height": height, "x": 15 + 60 * i, "y": 140 - height})
        for i, group in enumerate(groups):
            group.update(y=24 * i, width=round(group["bar"] * Decimal("1.8")))
        context.update(
            form=form,
            results=results,
            metrics=metrics,
            rates=rates,
            groups=groups,
            grouping_label=selectors.GROUPINGS[results.grouping],
            distribution=distribution,
            groups_height=24 * len(groups) + 4,
            distribution_total=sum(c for _v, c in results.distribution),
            query=self.request.GET.urlencode(),
        )
        return context


class ResultsCsvView(OrgViewMixin, View):
    """One line per group (session, training…) then the whole selection; `;`-separated, UTF-8 with BOM."""

    required_flag = "evaluations.view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _form, filters, grouping = _filters(self, request)
        results = selectors.results_get(actor=self.actor, filters=filters, grouping=grouping)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="evaluations-resultats.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        header = [str(selectors.GROUPINGS[results.grouping]), _("sessions")]
        for _key, label in selectors.METRICS:
            header += [str(label), _("n")]
        for _kind, label in QuestionnaireKind.choices:
            header += [_("%(q)s : invitations") % {"q": label}, _("%(q)s : réponses") % {"q": label}]
        writer.writerow(header)
        rows = [(g.label, g.figures) for g in results.groups] + [(_("Total"), results.total)]
        for label, figures in rows:
            line: list[Any] = [label, figures.sessions]
            for key, _label in selectors.METRICS:
                value, n, _unit = selectors.metric_value(figures, key)
                line += ["" if value is None else str(value), n]
            for kind in QuestionnaireKind.values:
                line += [figures.invitations.get(kind, 0), figures.answered.get(kind, 0)]
            writer.writerow(line)
        return response


# --- Questionnaires ---------------------------------------------------------------------------------------------


class QuestionnaireListView(OrgFormView):
    required_flag = "evaluations.manage"
    template_name = T + "questionnaire_list.html"
    form_class = QuestionnaireCreateForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.questionnaires_ensure_defaults(self.actor.organisation)
        context = super().get_context_data(**kwargs)
        context["questionnaires"] = selectors.questionnaire_list(actor=self.actor)
        return context

    def perform(self, form: QuestionnaireCreateForm) -> Any:
        data = dict(form.cleaned_data)
        return services.questionnaire_create(actor=self.actor, **data)

    def get_success_message(self, questionnaire: Any) -> str:
        return _("Questionnaire créé : ajoutez ses questions.")

    def success_url_for(self, questionnaire: Any) -> str:
        return _url(self.actor, "questionnaire", questionnaire_id=questionnaire.pk)


class QuestionnaireView(OrgViewMixin, TemplateView):
    """The builder: the questionnaire's settings, its questions (edit, move, archive), a new question."""

    required_flag = "evaluations.manage"
    template_name = T + "questionnaire.html"

    def questionnaire(self) -> Any:
        return selectors.questionnaire_get(actor=self.actor, questionnaire_id=self.kwargs["questionnaire_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        questionnaire = self.questionnaire()
        context.update(
            questionnaire=questionnaire,
            questions=selectors.questionnaire_questions(questionnaire),
            form=getattr(self, "form", None) or QuestionnaireForm(instance=questionnaire),
            question_form=getattr(self, "question_form", None) or QuestionForm(prefix="new"),
            history=history_for(questionnaire)[:20],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        questionnaire = self.questionnaire()
        if "new-label" in request.POST:
            self.question_form = QuestionForm(request.POST, prefix="new")
            if self.question_form.is_valid():
                try:
                    services.question_add(
                        actor=self.actor, questionnaire_id=questionnaire.pk, **self.question_form.values()
                    )
                except ValidationError as exc:
                    add_service_errors(self.question_form, exc)
                else:
                    messages.success(request, _("Question ajoutée."))
                    return redirect(_url(self.actor, "questionnaire", questionnaire_id=questionnaire.pk))
        else:
            self.form = QuestionnaireForm(
                request.POST, instance=selectors.questionnaire_get(actor=self.actor, questionnaire_id=questionnaire.pk)
            )
            if self.form.is_valid():
                values = {name: self.form.cleaned_data[name] for name in QuestionnaireForm.Meta.fields}
                try:
                    services.questionnaire_update(actor=self.actor, questionnaire_id=questionnaire.pk, **values)
                except ValidationError as exc:
                    add_service_errors(self.form, exc)
                else:
                    messages.success(request, _("Questionnaire enregistré."))
                    return redirect(_url(self.actor, "questionnaire", questionnaire_id=questionnaire.pk))
        return self.render_to_response(self.get_context_data(), status=200)


class QuestionEditView(OrgFormView):
    required_flag = "evaluations.manage"
    template_name = T + "question_form.html"
    form_class = QuestionForm

    @cached_property
    def question(self) -> Any:
        return selectors.question_get(actor=self.actor, question_id=self.kwargs["question_id"])

    def form_extra_kwargs(self) -> dict[str, Any]:
        # The form edits its own instance: the service gets the question as it is stored.
        return {"instance": selectors.question_get(actor=self.actor, question_id=self.question.pk)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        question = selectors.question_get(actor=self.actor, question_id=self.kwargs["question_id"])
        context.update(question=question, frozen=services.question_was_sent(question))
        return context

    def perform(self, form: QuestionForm) -> Any:
        services.question_update(actor=self.actor, question_id=self.question.pk, **form.values())
        return self.question

    def get_success_message(self, question: Any) -> str:
        return _("Question enregistrée.")

    def success_url_for(self, question: Any) -> str:
        return _url(self.actor, "questionnaire", questionnaire_id=question.questionnaire_id)


class QuestionActionView(OrgViewMixin, View):
    """POST action=up|down|remove."""

    required_flag = "evaluations.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        question = selectors.question_get(actor=self.actor, question_id=kwargs["question_id"])
        action = request.POST.get("action")
        if action in ("up", "down"):
            services.question_move(actor=self.actor, question_id=question.pk, direction=action)
        elif action == "remove":
            done = services.question_remove(actor=self.actor, question_id=question.pk)
            messages.success(
                request,
                _("Question archivée : elle a déjà été envoyée, ses réponses restent lisibles.")
                if done == "archived"
                else _("Question supprimée."),
            )
        else:
            messages.error(request, _("Action inconnue."))
        return redirect(_url(self.actor, "questionnaire", questionnaire_id=question.questionnaire_id))


# --- A session's surveys ---------------------------------------------------------------------------------------


class SessionSurveysView(OrgViewMixin, TemplateView):
    """The session's surveys: state, response rate, send now, remind, close; `?panel=1` for the session page."""

    required_flag = "evaluations.view"
    template_name = T + "session_surveys.html"

    def get_template_names(self) -> list[str]:
        return [T + "_session_panel.html"] if self.request.GET.get("panel") else [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        session, surveys = selectors.surveys_of_session(actor=self.actor, session_id=self.kwargs["session_id"])
        context.update(session=session, surveys=surveys, new_link=self.request.session.pop("evaluations_link", None))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session, _surveys = selectors.surveys_of_session(actor=self.actor, session_id=kwargs["session_id"])
        action = request.POST.get("action")
        try:
            if action == "plan":
                created = services.surveys_plan(session_id=session.pk, actor=self.actor)
                messages.success(request, _("%(n)s envoi(s) programmé(s).") % {"n": len(created)})
            else:
                survey = selectors.survey_get(actor=self.actor, survey_id=int(request.POST.get("survey") or 0))
                if survey.session_id != session.pk:
                    raise Http404
                if action == "send":
                    sent = services.survey_send_now(actor=self.actor, survey_id=survey.pk)
                    messages.success(request, _("Questionnaire envoyé (%(n)s e-mail(s)).") % {"n": sent})
                elif action == "remind":
                    count = services.survey_remind_now(actor=self.actor, survey_id=survey.pk)
                    messages.success(request, _("%(n)s relance(s) envoyée(s).") % {"n": count})
                elif action == "close":
                    services.survey_close(actor=self.actor, survey_id=survey.pk)
                    messages.success(request, _("Questionnaire clos."))
                else:
                    messages.error(request, _("Action inconnue."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ValueError:
            raise Http404 from None
        return redirect(_url(self.actor, "session_surveys", session_id=session.pk))


class SurveyView(OrgViewMixin, TemplateView):
    """One survey: who was asked and whether they answered; the answers per question (aggregated, texts
    sorted alphabetically, never with a name)."""

    required_flag = "evaluations.view"
    template_name = T + "survey.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        survey = selectors.survey_get(actor=self.actor, survey_id=self.kwargs["survey_id"])
        invitations = selectors.survey_invitations(survey)
        for invitation in invitations:
            invitation.person = selectors.invitation_person(invitation)
        context.update(
            survey=survey,
            invitations=invitations,
            questions=selectors.survey_question_results(survey),
            new_link=self.request.session.pop("evaluations_link", None),
        )
        return context


class InvitationLinkView(OrgViewMixin, View):
    """« Nouveau lien »: a fresh link for one person, e-mailed to them; shown once only to hand it to a person
    without an address who is not a trainee (a funder). The previous link stops working."""

    required_flag = "evaluations.view"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        survey = selectors.survey_get(actor=self.actor, survey_id=kwargs["survey_id"])
        invitation = survey.invitations.filter(pk=kwargs["invitation_id"]).first()
        if invitation is None:
            raise Http404
        try:
            link = services.invitation_new_link(actor=self.actor, invitation_id=invitation.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            person = selectors.invitation_person(invitation)
            if link.email:
                messages.success(
                    request,
                    _("Nouveau lien envoyé par e-mail à %(person)s (%(email)s) ; le précédent ne fonctionne plus.")
                    % {"person": person, "email": link.email},
                )
            else:
                request.session["evaluations_link"] = {"person": person, "url": link.url}
        return redirect(_url(self.actor, "survey", survey_id=survey.pk))


# --- Skills assessment by the trainer --------------------------------------------------------------------------


class AssessListView(OrgViewMixin, TemplateView):
    required_flag = "evaluations.view"
    template_name = T + "assess_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitations"] = selectors.skills_to_assess(actor=self.actor)
        return context


class AssessView(OrgViewMixin, TemplateView):
    required_flag = "evaluations.view"
    template_name = T + "assess.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invitation = services.assessment_get(actor=self.actor, invitation_id=self.kwargs["invitation_id"])
        errors = getattr(self, "errors", {})
        context.update(
            invitation=invitation,
            survey=invitation.survey,
            snapshot=invitation.survey.snapshot,
            fields=answer_fields(invitation.survey, getattr(self, "data", None), errors),
            errors=errors,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = services.assessment_get(actor=self.actor, invitation_id=kwargs["invitation_id"])
        try:
            services.skills_assess(actor=self.actor, invitation_id=invitation.pk, data=request.POST)
        except ValidationError as exc:
            self.data = request.POST
            self.errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
            if "token" in self.errors:
                messages.error(request, self.errors["token"])
                return redirect(_url(self.actor, "assess_list"))
            return self.render_to_response(self.get_context_data())
        messages.success(
            request, _("Évaluation des acquis de %(name)s enregistrée.") % {"name": invitation.participant.trainee}
        )
        return redirect(_url(self.actor, "assess_list"))


# --- Published indicators --------------------------------------------------------------------------------------


class IndicatorListView(OrgFormView):
    required_flag = "evaluations.manage"
    template_name = T + "indicators.html"
    form_class = IndicatorForm

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"organisation": self.actor.organisation}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for indicator in selectors.indicator_list(actor=self.actor):
            result, value, n = selectors.indicator_result(indicator, training=indicator.training)
            rows.append(
                {
                    "indicator": indicator,
                    "result": result,
                    "value": value,
                    "n": n,
                    "label": selectors.PUBLISHABLE.get(indicator.measure, indicator.measure),
                }
            )
        context.update(rows=rows)
        return context

    def perform(self, form: IndicatorForm) -> Any:
        return services.indicator_save(actor=self.actor, **form.values())

    def get_success_message(self, indicator: Any) -> str:
        return _("Indicateur ajouté.")

    def success_url_for(self, indicator: Any) -> str:
        return _url(self.actor, "indicators")


class IndicatorEditView(OrgFormView):
    required_flag = "evaluations.manage"
    template_name = T + "indicator_form.html"
    form_class = IndicatorForm

    def indicator(self) -> PublishedIndicator:
        return selectors.indicator_get(actor=self.actor, indicator_id=self.kwargs["indicator_id"])

    def form_extra_kwargs(self) -> dict[str, Any]:
        # The form edits its own instance: the service gets the indicator as it is stored.
        return {"instance": self.indicator(), "organisation": self.actor.organisation}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        indicator = self.indicator()
        context.update(indicator=indicator, history=history_for(indicator)[:20])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        indicator = self.indicator()
        if request.POST.get("action") == "delete":
            services.indicator_delete(actor=self.actor, indicator_id=indicator.pk)
            messages.success(request, _("Indicateur retiré."))
            return redirect(_url(self.actor, "indicators"))
        self.stored = indicator
        return super().post(request, *args, **kwargs)

    def perform(self, form: IndicatorForm) -> Any:
        indicator = self.stored
        services.indicator_save(actor=self.actor, indicator_id=indicator.pk if indicator else None, **form.values())
        return indicator

    def get_success_message(self, indicator: Any) -> str:
        return _("Indicateur enregistré.")

    def success_url_for(self, indicator: Any) -> str:
        return _url(self.actor, "indicators")
