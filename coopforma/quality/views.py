# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the Qualiopi system under /o/<org>/quality/ (namespace `quality`)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgFormView, OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.core.log import history_for
from coopforma.core.pagination import paginate
from coopforma.quality import forms, indicator_statuses, selectors, services
from coopforma.quality.indicators import BY_NUMBER, CRITERIA
from coopforma.registry import selectors as registry_selectors

STATE_LABELS = {
    "received": gettext_lazy("Reçue"),
    "acknowledged": gettext_lazy("Accusé de réception envoyé"),
    "analysed": gettext_lazy("Analysée"),
    "answered": gettext_lazy("Réponse apportée"),
    "closed": gettext_lazy("Clôturée"),
}


def _period(request: HttpRequest) -> tuple[forms.PeriodForm, indicator_statuses.Period]:
    form = forms.PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, indicator_statuses.Period(form.cleaned_data.get("start"), form.cleaned_data.get("end"))
    return form, indicator_statuses.Period()


class DashboardView(OrgViewMixin, TemplateView):
    template_name = "quality/dashboard.html"
    required_flag = "quality.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period_form, period = _period(self.request)
        statuses = selectors.statuses_for(actor=self.actor, period=period)
        by_criterion = [
            (n, label, [s for s in statuses if s.indicator.criterion == n]) for n, label in CRITERIA.items()
        ]
        context.update(
            period_form=period_form,
            by_criterion=by_criterion,
            summary=indicator_statuses.summary(statuses),
            scoped=selectors.member_ids_for(self.actor) is not None,
            can_manage=self.actor.has("quality.manage"),
        )
        if self.actor.has("quality.manage"):
            audits = list(selectors.audit_list(actor=self.actor))
            context["calendar"] = selectors.audit_calendar(self.actor.organisation, audits)
            context["open_ncs"] = list(selectors.nonconformity_list(actor=self.actor).filter(closed_on__isnull=True))
            context["minors_alert"] = selectors.minors_alert(actor=self.actor)
            context["surveillance_scope"] = selectors.surveillance_scope_for(
                actor=self.actor, applicable=[s.number for s in statuses if s.applies], audits=audits
            )
        return context


class IndicatorView(OrgViewMixin, TemplateView):
    template_name = "quality/indicator.html"
    required_flag = "quality.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period_form, period = _period(self.request)
        status = selectors.indicator_status_get(actor=self.actor, number=int(str(self.kwargs["number"])), period=period)
        context.update(s=status, period_form=period_form, can_manage=self.actor.has("quality.manage"))
        if self.actor.has("quality.manage"):
            context.setdefault(
                "form",
                forms.EvidenceForm(
                    actor=self.actor, initial={"indicators": [status.number], "dated": timezone.localdate()}
                ),
            )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.actor.require("quality.manage")
        if int(str(kwargs["number"])) not in BY_NUMBER:
            raise Http404
        form = forms.EvidenceForm(request.POST, request.FILES, actor=self.actor)
        if form.is_valid():
            try:
                services.evidence_create(actor=self.actor, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Preuve enregistrée."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class EvidenceFileView(OrgViewMixin, TemplateView):
    required_flag = "quality.view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = selectors.evidence_get(actor=self.actor, evidence_id=int(str(kwargs["pk"])))
        if not item.file:
            raise Http404
        return FileResponse(
            default_storage.open(item.file.name, "rb"), as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1]
        )


class EvidenceDeleteView(OrgViewMixin, TemplateView):
    required_flag = "quality.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = selectors.evidence_get(actor=self.actor, evidence_id=int(str(kwargs["pk"])))
        number = item.indicators[0] if item.indicators else 1
        services.evidence_delete(actor=self.actor, evidence_id=item.pk)
        messages.success(request, _("Preuve supprimée."))
        return redirect("quality:indicator", org=self.actor.organisation.slug, number=number)


# --- Generic form pages ----------------------------------------------------------------------------------------


class FormPage(OrgFormView):
    """GET shows the form; POST parses it and calls the service (`perform`); errors keep the input."""

    template_name = "quality/form.html"
    required_flag = "quality.manage"
    form_class: type | None = forms.WatchForm
    title: Any = ""
    success_message: Any = gettext_lazy("Enregistré.")
    with_actor = False

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor} if self.with_actor else {}

    def get_success_message(self, obj: Any) -> str:
        return str(self.success_message)

    def unbound_form(self) -> Any:
        """The form as on GET (another form of the page was posted)."""
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        return self.get_form_class()(**kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        if self.object is not None:
            context["history"] = history_for(self.object)[:50]
        return context


def _fields(form: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in form.Meta.fields if name in data}


class SettingsView(FormPage):
    form_class = forms.SettingsForm
    title = gettext_lazy("Périmètre de la certification")

    def get_object(self) -> Model | None:
        return selectors.settings_get(actor=self.actor)

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.settings_update(actor=self.actor, **_fields(forms.SettingsForm, data))

    def success_url_for(self, obj: Model) -> str:
        return reverse("quality:dashboard", kwargs={"org": self.actor.organisation.slug})


class ComplaintReportView(FormPage):
    form_class = forms.ComplaintReportForm
    required_flag = "quality.report"
    with_actor = True
    title = gettext_lazy("Signaler une réclamation ou un aléa")
    success_message = gettext_lazy(
        "Merci : la réclamation est enregistrée et transmise au ou à la responsable qualité."
    )

    def get_initial(self) -> dict[str, Any]:
        return {"received_on": timezone.localdate(), "kind": "complaint"}

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.complaint_report(actor=self.actor, **data)


class ComplaintEditView(FormPage):
    form_class = forms.ComplaintForm
    with_actor = True
    title = gettext_lazy("Réclamation ou aléa")

    def get_object(self) -> Model | None:
        return selectors.complaint_get(actor=self.actor, complaint_id=int(str(self.kwargs["pk"])))

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        obj = self.object
        return services.complaint_update(actor=self.actor, complaint_id=obj.pk, **data)  # type: ignore[union-attr]


class ImprovementCreateView(FormPage):
    form_class = forms.ImprovementForm
    with_actor = True
    title = gettext_lazy("Nouvelle action d'amélioration")

    def get_initial(self) -> dict[str, Any]:
        complaint = self.request.GET.get("complaint")
        return {"complaint": complaint, "source": "complaint"} if complaint and complaint.isdigit() else {}

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.improvement_create(actor=self.actor, **data)

    def success_url_for(self, obj: Model) -> str:
        return reverse("quality:improvements", kwargs={"org": self.actor.organisation.slug})


class ImprovementEditView(ImprovementCreateView):
    title = gettext_lazy("Action d'amélioration")

    def get_object(self) -> Model | None:
        return selectors.improvement_get(actor=self.actor, improvement_id=int(str(self.kwargs["pk"])))

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        obj = self.object
        return services.improvement_update(actor=self.actor, improvement_id=obj.pk, **data)  # type: ignore[union-attr]

    def success_url_for(self, obj: Model) -> str:
        return self.request.path


class WatchCreateView(FormPage):
    form_class = forms.WatchForm
    title = gettext_lazy("Nouvelle entrée de veille")

    def get_initial(self) -> dict[str, Any]:
        return {"seen_on": timezone.localdate()}

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.watch_create(actor=self.actor, **data)

    def success_url_for(self, obj: Model) -> str:
        return reverse("quality:watch", kwargs={"org": self.actor.organisation.slug})


class WatchEditView(WatchCreateView):
    title = gettext_lazy("Entrée de veille")

    def get_object(self) -> Model | None:
        return selectors.watch_get(actor=self.actor, entry_id=int(str(self.kwargs["pk"])))

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        obj = self.object
        return services.watch_update(actor=self.actor, entry_id=obj.pk, **data)  # type: ignore[union-attr]

    def success_url_for(self, obj: Model) -> str:
        return self.request.path


class NonConformityEditView(FormPage):
    form_class = forms.NonConformityCloseForm
    title = gettext_lazy("Non-conformité")

    def get_object(self) -> Model | None:
        return selectors.nonconformity_get(actor=self.actor, nonconformity_id=int(str(self.kwargs["pk"])))

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        obj = self.object
        return services.nonconformity_update(actor=self.actor, nonconformity_id=obj.pk, **data)  # type: ignore[union-attr]


# --- Register lists (a table and, for some, a form to add a row) ------------------------------------------------

Row = tuple[str, list[Any]]


class RegisterView(FormPage):
    """A paginated register with an optional form to add a row on the same page."""

    template_name = "quality/register.html"
    columns: list[Any] = []
    new_url_name: str | None = None
    new_label: Any = ""
    intro: Any = ""

    def queryset(self) -> Any:
        raise NotImplementedError

    def row(self, obj: Any) -> Row:
        raise NotImplementedError

    def get_form(self, form_class: Any = None) -> Any:
        return None if self.form_class is None else super().get_form(form_class)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.form_class is None:  # a register without a form on its page: rows are added on their own page
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, self.queryset())
        context.update(
            page_obj=page,
            rows=[self.row(obj) for obj in page],
            columns=self.columns,
            intro=self.intro,
            new_url=reverse(self.new_url_name, kwargs={"org": self.actor.organisation.slug})
            if self.new_url_name
            else "",
            new_label=self.new_label,
        )
        return context


def _d(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


class ComplaintListView(RegisterView):
    title = gettext_lazy("Réclamations et aléas")
    intro = gettext_lazy("Indicateurs 12 et 31 : réception, accusé de réception, analyse, réponse, clôture.")
    columns = [
        gettext_lazy("Reçue le"),
        gettext_lazy("Nature"),
        gettext_lazy("Émise par"),
        gettext_lazy("État"),
        gettext_lazy("Réponse attendue le"),
    ]
    new_url_name = "quality:complaint_new"
    new_label = gettext_lazy("Signaler une réclamation ou un aléa")
    form_class = None  # type: ignore[assignment]

    def queryset(self) -> Any:
        return selectors.complaint_list(actor=self.actor)

    def row(self, c: Any) -> Row:
        url = reverse("quality:complaint_edit", kwargs={"org": self.actor.organisation.slug, "pk": c.pk})
        late = not c.answered_on and c.answer_due < timezone.localdate()
        due = _d(c.answer_due) + (" — " + _("en retard") if late else "")
        return url, [_d(c.received_on), c.get_kind_display(), c.source, STATE_LABELS[c.state], due]


class ImprovementListView(RegisterView):
    title = gettext_lazy("Actions d'amélioration")
    intro = gettext_lazy("Indicateur 32 : origine, cause, action, pilote, échéance, effet constaté.")
    columns = [
        gettext_lazy("Action"),
        gettext_lazy("Origine"),
        gettext_lazy("Pilote"),
        gettext_lazy("Échéance"),
        gettext_lazy("Réalisée le"),
        gettext_lazy("Effet"),
    ]
    new_url_name = "quality:improvement_new"
    new_label = gettext_lazy("Nouvelle action d'amélioration")
    form_class = None  # type: ignore[assignment]

    def queryset(self) -> Any:
        return selectors.improvement_list(actor=self.actor)

    def row(self, a: Any) -> Row:
        url = reverse("quality:improvement_edit", kwargs={"org": self.actor.organisation.slug, "pk": a.pk})
        owner = a.owner.get_full_name() if a.owner else "—"
        return url, [str(a), a.get_source_display(), owner, _d(a.due_on), _d(a.done_on), a.effect or "—"]


class WatchListView(RegisterView):
    title = gettext_lazy("Veille (indicateurs 23, 24, 25)")
    intro = gettext_lazy("La source, la date, ce qui change et ce que nous avons changé dans nos pratiques.")
    columns = [
        gettext_lazy("Date"),
        gettext_lazy("Veille"),
        gettext_lazy("Source"),
        gettext_lazy("Ce que nous avons changé"),
    ]
    new_url_name = "quality:watch_new"
    new_label = gettext_lazy("Nouvelle entrée de veille")
    form_class = None  # type: ignore[assignment]

    def queryset(self) -> Any:
        return selectors.watch_list(actor=self.actor)

    def row(self, w: Any) -> Row:
        url = reverse("quality:watch_edit", kwargs={"org": self.actor.organisation.slug, "pk": w.pk})
        return url, [_d(w.seen_on), w.get_indicator_display(), w.source, w.practice_change or _("Non exploitée")]


class CheckListView(RegisterView):
    template_name = "quality/checks.html"
    title = gettext_lazy("Suivi des sous-traitant·es (indicateur 27)")
    intro = gettext_lazy("Contrat, déclaration d'activité et engagement qualité vérifiés, au moins une fois par an.")
    columns = [
        gettext_lazy("Intervenant·e"),
        gettext_lazy("Vérifié le"),
        gettext_lazy("Contrat"),
        gettext_lazy("NDA"),
        gettext_lazy("Qualité"),
        gettext_lazy("Prochaine"),
    ]
    form_class = forms.CheckForm
    with_actor = True
    success_message = gettext_lazy("Vérification enregistrée.")

    def get_initial(self) -> dict[str, Any]:
        return {"checked_on": timezone.localdate()}

    def queryset(self) -> Any:
        return selectors.check_list(actor=self.actor)

    def row(self, c: Any) -> Row:
        url = reverse("people:trainer_detail", kwargs={"org": self.actor.organisation.slug, "pk": c.trainer_id})
        yes, no = _("oui"), _("non")
        flags = [yes if v else no for v in (c.contract_signed, c.nda_checked, c.qualiopi_checked)]
        return url, [str(c.trainer), _d(c.checked_on), *flags, _d(c.next_check_on)]

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.check_create(actor=self.actor, **data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            registry_rows=selectors.subcontractors_with_registry_check(actor=self.actor),
            registry_import=registry_selectors.latest_import(),
        )
        return context


class RegistryCheckView(OrgViewMixin, TemplateView):
    """« Vérifier dans la liste publique »: look the subcontractor up, keep the result as evidence (indicator 27)."""

    required_flag = "quality.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            check = services.registry_check_create(actor=self.actor, trainer_id=int(str(kwargs["trainer_id"])))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if check.conforms:
                messages.success(
                    request,
                    _("%(name)s : NDA trouvé dans la liste publique, certifié Qualiopi pour les actions de formation.")
                    % {"name": check.trainer},
                )
            elif check.found:
                messages.warning(
                    request,
                    _(
                        "%(name)s : NDA trouvé dans la liste publique, mais sans certification Qualiopi "
                        "pour les actions de formation."
                    )
                    % {"name": check.trainer},
                )
            else:
                messages.warning(
                    request,
                    _("%(name)s : absent de la liste publique des organismes de formation.") % {"name": check.trainer},
                )
        return redirect("quality:checks", org=self.actor.organisation.slug)


class AuditListView(RegisterView):
    template_name = "quality/audits.html"
    title = gettext_lazy("Audits et non-conformités")
    columns = [
        gettext_lazy("Audit"),
        gettext_lazy("Prévu le"),
        gettext_lazy("Réalisé le"),
        gettext_lazy("Certificateur"),
        gettext_lazy("Non-conformités"),
    ]
    form_class = forms.AuditForm
    success_message = gettext_lazy("Audit enregistré.")

    def queryset(self) -> Any:
        from django.db.models import Count

        return (
            selectors.audit_list(actor=self.actor)
            .annotate(nc_count=Count("nonconformities"))
            .order_by("-planned_on", "-id")
        )

    def row(self, a: Any) -> Row:
        url = reverse("quality:audit_edit", kwargs={"org": self.actor.organisation.slug, "pk": a.pk})
        return url, [a.get_kind_display(), _d(a.planned_on), _d(a.done_on), a.certifier or "—", a.nc_count]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["calendar"] = selectors.audit_calendar(
            self.actor.organisation, list(selectors.audit_list(actor=self.actor))
        )
        context["nonconformities"] = list(selectors.nonconformity_list(actor=self.actor))
        context["today"] = timezone.localdate()
        return context

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.audit_create(actor=self.actor, **data)


class AuditEditView(FormPage):
    template_name = "quality/audit.html"
    form_class = forms.AuditForm
    title = gettext_lazy("Audit")

    def get_object(self) -> Model | None:
        return selectors.audit_get(actor=self.actor, audit_id=int(str(self.kwargs["pk"])))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("nc_form", forms.NonConformityForm(prefix="nc"))
        context["nonconformities"] = list(self.object.nonconformities.all())  # type: ignore[union-attr]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "nc-indicator" not in request.POST:
            return super().post(request, *args, **kwargs)
        nc_form = forms.NonConformityForm(request.POST, prefix="nc")
        if nc_form.is_valid():
            try:
                services.nonconformity_create(
                    actor=self.actor,
                    audit_id=self.object.pk,  # type: ignore[union-attr]
                    **nc_form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(nc_form, exc)
            else:
                messages.success(request, _("Non-conformité enregistrée."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=self.unbound_form(), nc_form=nc_form))

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        obj = self.object
        return services.audit_update(actor=self.actor, audit_id=obj.pk, **data)  # type: ignore[union-attr]


class AuditPackListView(RegisterView):
    template_name = "quality/packs.html"
    title = gettext_lazy("Dossiers d'audit")
    intro = gettext_lazy(
        "Un fichier zip à ouvrir dans un navigateur : une page par indicateur (statut, explication, liens), "
        "les preuves déposées et les documents définitifs ou signés de la période."
    )
    columns = [gettext_lazy("Demandé le"), gettext_lazy("Période"), gettext_lazy("État")]
    form_class = forms.PeriodForm
    success_message = gettext_lazy("Le dossier d'audit est en préparation ; il apparaîtra ici une fois prêt.")

    def queryset(self) -> Any:
        return selectors.audit_pack_list(actor=self.actor)

    def row(self, p: Any) -> Row:
        url = ""
        if p.status == "ready":
            url = reverse("quality:pack_download", kwargs={"org": self.actor.organisation.slug, "pk": p.pk})
        period = f"{_d(p.period_start)} → {_d(p.period_end)}"
        state = p.get_status_display() + (f" ({p.error})" if p.error else "")
        return url, [timezone.localtime(p.created_at).strftime("%d/%m/%Y %H:%M"), period, state]

    def perform(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.audit_pack_request(actor=self.actor, period_start=data.get("start"), period_end=data.get("end"))


class AuditPackDownloadView(OrgViewMixin, TemplateView):
    required_flag = "quality.manage"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pack = selectors.audit_pack_get(actor=self.actor, pack_id=int(str(kwargs["pk"])))
        if not pack.file:
            raise Http404
        name = pack.file.name.rsplit("/", 1)[-1]
        return FileResponse(default_storage.open(pack.file.name, "rb"), as_attachment=True, filename=name)
