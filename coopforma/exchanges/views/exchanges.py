# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of an exchange's life (/reseaux/<network>/echanges/…): the exchanges (mine; all for the facilitators), an
exchange with its participants, plan, steps and attendance, milestones, shared log, debriefs and capitalisation;
the facilitators' edits; the creation of a learning expedition and of a compagnonnage; the public page of a
published artefact (no login, a public network only).

Who sees an exchange: its participants' persons, its facilitator, the network's facilitators (else 404,
`exchange_selectors.exchange_get`); who edits it: its facilitator and the network's facilitators (else 403)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coopforma.core.views import ServiceFormView
from coopforma.exchanges import artefact_files
from coopforma.exchanges import exchange_selectors as selectors
from coopforma.exchanges import exchange_services as services
from coopforma.exchanges.exchange_forms import (
    ArtefactForm,
    AttendanceForm,
    DebriefForm,
    ExchangeFilterForm,
    ExchangeForm,
    ExpeditionForm,
    LogEntryForm,
    MilestoneForm,
    StateForm,
    StepForm,
    TransferForm,
)
from coopforma.exchanges.models import Exchange, Licence
from coopforma.exchanges.views.base import ExchangesMixin
from coopforma.networks.models import Network

# The official page of each licence (shown with the licence's name).
LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/deed.fr",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.fr",
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def _messages_of(request: HttpRequest, exc: ValidationError) -> None:
    for error in exc.messages:
        messages.error(request, error)


class ExchangeListView(ExchangesMixin, TemplateView):
    template_name = "exchanges/exchange_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ExchangeFilterForm(self.request.GET or None)
        now = timezone.now()
        exchanges = list(selectors.exchange_list(actor=self.actor, filters=form.filters())[:500])
        for exchange in exchanges:
            exchange.next_step = next((s for s in exchange.steps.all() if s.starts_at >= now), None)  # type: ignore[attr-defined]
        context.update(filter_form=form, exchanges=exchanges, filtered=bool(self.request.GET))
        return context


class ExchangeMixin(ExchangesMixin):
    """`self.exchange`: the exchange the person sees (404 otherwise); `manage_only`: 403 unless they edit it."""

    manage_only = False

    @cached_property
    def exchange(self) -> Exchange:
        exchange = selectors.exchange_get(actor=self.actor, exchange_id=int(self.kwargs["exchange_id"]))
        if self.manage_only and not selectors.can_manage(self.actor, exchange):
            raise PermissionDenied("exchanges.facilitate")
        return exchange

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.exchange  # noqa: B018 (404 / 403 before anything else)
        return super().get(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.exchange  # noqa: B018
        return super().post(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["exchange"] = self.exchange
        context["can_manage"] = selectors.can_manage(self.actor, self.exchange)
        return context

    def exchange_url(self) -> str:
        return self.url("exchange", exchange_id=self.exchange.pk)

    def success_url_for(self, obj: Any) -> str:
        return self.exchange_url()


class ExchangeView(ExchangeMixin, TemplateView):
    template_name = "exchanges/exchange_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        exchange = self.exchange
        now = timezone.now()
        participants = selectors.participants_of(exchange=exchange)
        mine = next((p for p in participants if p.member.user_id == self.request.user.pk), None)
        detail = selectors.exchange_detail(exchange=exchange)
        past = any(step.ends_at <= now for step in detail["steps"])  # type: ignore[attr-defined]
        artefacts = detail["artefacts"]
        for artefact in artefacts:  # type: ignore[attr-defined]
            agreed = {a.author_id for a in artefact.agreements.all()}
            artefact.pending = [m for m in artefact.authors.all() if m.pk not in agreed]
            artefact.is_mine = mine is not None and any(m.pk == mine.member_id for m in artefact.authors.all())
            artefact.licence_url = LICENCE_URLS.get(artefact.licence, "")
        context.update(
            detail,
            participants=participants,
            my_participant=mine,
            my_debrief=next((d for d in detail["debriefs"] if mine and d.participant_id == mine.pk), None),  # type: ignore[attr-defined]
            has_past_step=past,
            now=now,
            log_form=LogEntryForm() if mine else None,
            host_steps={s.pk for s in detail["steps"] if s.host and s.host.user_id == self.request.user.pk},  # type: ignore[attr-defined]
        )
        return context


def _competency_choices(view: ExchangesMixin) -> list[tuple[Any, str]]:
    return [(i.pk, f"{i.code} · {i.label}") for i in selectors.competency_choices(network=view.actor.network)]


class ExchangeEditView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/exchange_form.html"
    form_class = ExchangeForm
    manage_only = True
    success_message = gettext_lazy("Échange « %(name)s » enregistré.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        choices = _competency_choices(self)
        current = [(i.pk, f"{i.code} · {i.label}") for i in self.exchange.competencies.all()]
        known = {pk for pk, _label in choices}
        return {"competencies": choices + [c for c in current if c[0] not in known]}

    def get_initial(self) -> dict[str, Any]:
        e = self.exchange
        return {
            "title": e.title,
            "format": e.format,
            "starts_on": e.starts_on,
            "ends_on": e.ends_on,
            "plan": e.plan,
            "themes": e.themes,
            "logistics": e.logistics,
            "attendance_required": e.attendance_required,
            "is_public": e.is_public,
            "competency_ids": list(e.competencies.values_list("pk", flat=True)),
        }

    def perform(self, form: Any) -> Any:
        return services.exchange_update(actor=self.actor, exchange=self.exchange, **form.cleaned_data)


class ExchangeStateView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/exchange_state.html"
    form_class = StateForm
    manage_only = True

    def perform(self, form: Any) -> Any:
        return services.exchange_set_state(actor=self.actor, exchange=self.exchange, **form.cleaned_data)

    def get_success_message(self, obj: Any) -> str:
        return _("Échange désormais « %(state)s ».") % {"state": obj.get_state_display()}


# --- steps -----------------------------------------------------------------------------------------------------


def _host_choices(exchange: Exchange) -> list[tuple[Any, str]]:
    return [(p.member_id, f"{p.member} ({p.get_role_display()})") for p in selectors.participants_of(exchange=exchange)]


class StepCreateView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/step_form.html"
    form_class = StepForm
    manage_only = True
    success_message = gettext_lazy("Étape « %(name)s » ajoutée.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"hosts": _host_choices(self.exchange)}

    def perform(self, form: Any) -> Any:
        return services.step_create(actor=self.actor, exchange=self.exchange, **form.cleaned_data)


class StepEditView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/step_form.html"
    form_class = StepForm
    manage_only = True
    success_message = gettext_lazy("Étape « %(name)s » enregistrée.")

    def get_object(self) -> Any:
        return selectors.step_get(exchange=self.exchange, step_id=int(self.kwargs["step_id"]))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"hosts": _host_choices(self.exchange)}

    def get_initial(self) -> dict[str, Any]:
        step = self.object
        return {
            "title": step.title,
            "starts_at": timezone.localtime(step.starts_at),
            "ends_at": timezone.localtime(step.ends_at),
            "host_id": step.host_id,
            "place": step.place,
            "is_remote": step.is_remote,
            "notes": step.notes,
        }

    def perform(self, form: Any) -> Any:
        return services.step_update(actor=self.actor, step=self.object, **form.cleaned_data)


class StepDeleteView(ExchangeMixin, View):
    http_method_names = ["post"]
    manage_only = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = selectors.step_get(exchange=self.exchange, step_id=int(kwargs["step_id"]))
        try:
            services.step_delete(actor=self.actor, step=step)
        except ValidationError as exc:
            _messages_of(request, exc)
        else:
            messages.success(request, _("Étape supprimée."))
        return redirect(self.exchange_url())


class AttendanceView(ExchangeMixin, ServiceFormView):
    """The facilitators or the step's host record who was present (after the step started)."""

    template_name = "exchanges/step_attendance.html"
    form_class = AttendanceForm
    success_message = gettext_lazy("Émargement de « %(name)s » enregistré.")

    def get_object(self) -> Any:
        step = selectors.step_get(exchange=self.exchange, step_id=int(self.kwargs["step_id"]))
        if not services.can_take_attendance(self.actor, step):
            raise PermissionDenied("exchanges.attendance")
        return step

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def form_extra_kwargs(self) -> dict[str, Any]:
        participants = selectors.participants_of(exchange=self.exchange)
        return {"participants": [(p.pk, f"{p.member} ({p.get_role_display()})") for p in participants]}

    def get_initial(self) -> dict[str, Any]:
        return {"present": list(self.object.present.values_list("pk", flat=True))}

    def perform(self, form: Any) -> Any:
        return services.attendance_record(
            actor=self.actor, step=self.object, participant_ids=form.cleaned_data["present"]
        )


# --- debriefs, log, milestones ---------------------------------------------------------------------------------


class DebriefView(ExchangeMixin, ServiceFormView):
    """My own debrief (a participant only: the others read it on the exchange page)."""

    template_name = "exchanges/debrief_form.html"
    form_class = DebriefForm
    success_message = gettext_lazy("Votre bilan est enregistré.")

    @cached_property
    def participant(self) -> Any:
        participant = selectors.my_participant(actor=self.actor, exchange=self.exchange)
        if participant is None:
            raise PermissionDenied("exchanges.debrief")
        return participant

    def form_extra_kwargs(self) -> dict[str, Any]:
        self.participant  # noqa: B018 (403 for who does not take part)
        choices = _competency_choices(self)
        debrief = getattr(self.participant, "debrief", None)
        if debrief is not None:
            known = {pk for pk, _label in choices}
            choices += [
                (line.competency_id, f"{line.competency.code} · {line.competency.label}")
                for line in debrief.competencies.select_related("competency")
                if line.competency_id not in known
            ]
        return {"competencies": choices}

    def get_initial(self) -> dict[str, Any]:
        debrief = getattr(self.participant, "debrief", None)
        return DebriefForm.initial_for(debrief) if debrief is not None else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_write"] = selectors.has_past_step(exchange=self.exchange)
        return context

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.debrief_save(
            actor=self.actor,
            exchange=self.exchange,
            learnt=data["learnt"],
            next_steps=data["next_steps"],
            rating=data["rating"],
            competencies=form.competencies(),
        )


class LogEntryCreateView(ExchangeMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LogEntryForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Le message du journal est vide."))
            return redirect(self.exchange_url() + "#journal")
        try:
            services.log_entry_create(actor=self.actor, exchange=self.exchange, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _messages_of(request, exc)
        else:
            messages.success(request, _("Message ajouté au journal."))
        return redirect(self.exchange_url() + "#journal")


class MilestoneCreateView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/transfer_milestone_form.html"
    form_class = MilestoneForm
    manage_only = True
    success_message = gettext_lazy("Jalon « %(name)s » ajouté.")

    def perform(self, form: Any) -> Any:
        return services.milestone_create(actor=self.actor, exchange=self.exchange, **form.cleaned_data)


class MilestoneEditView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/transfer_milestone_form.html"
    form_class = MilestoneForm
    manage_only = True
    success_message = gettext_lazy("Jalon « %(name)s » enregistré.")

    def get_object(self) -> Any:
        return selectors.milestone_get(exchange=self.exchange, milestone_id=int(self.kwargs["milestone_id"]))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        m = self.object
        return {"title": m.title, "deliverable": m.deliverable, "due_on": m.due_on}

    def perform(self, form: Any) -> Any:
        return services.milestone_update(actor=self.actor, milestone=self.object, **form.cleaned_data)


class MilestoneMarkView(ExchangeMixin, View):
    http_method_names = ["post"]
    manage_only = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        milestone = selectors.milestone_get(exchange=self.exchange, milestone_id=int(kwargs["milestone_id"]))
        done = request.POST.get("done", "1") != "0"
        services.milestone_mark(actor=self.actor, milestone=milestone, done=done)
        messages.success(request, _("Jalon atteint.") if done else _("Jalon de nouveau à atteindre."))
        return redirect(self.exchange_url() + "#jalons")


class MilestoneDeleteView(ExchangeMixin, View):
    http_method_names = ["post"]
    manage_only = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        milestone = selectors.milestone_get(exchange=self.exchange, milestone_id=int(kwargs["milestone_id"]))
        services.milestone_delete(actor=self.actor, milestone=milestone)
        messages.success(request, _("Jalon supprimé."))
        return redirect(self.exchange_url() + "#jalons")


# --- capitalisation --------------------------------------------------------------------------------------------


def _coauthor_choices(exchange: Exchange, me: Any) -> list[tuple[Any, str]]:
    return [(p.member_id, str(p.member)) for p in selectors.participants_of(exchange=exchange) if p.member_id != me]


class ArtefactCreateView(ExchangeMixin, ServiceFormView):
    template_name = "exchanges/artefact_form.html"
    form_class = ArtefactForm
    success_message = gettext_lazy("Capitalisation « %(name)s » enregistrée : ses co-auteur·rices sont sollicité·es.")

    @cached_property
    def participant(self) -> Any:
        participant = selectors.my_participant(actor=self.actor, exchange=self.exchange)
        if participant is None:
            raise PermissionDenied("exchanges.artefact")
        return participant

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"coauthors": _coauthor_choices(self.exchange, self.participant.member_id)}

    def perform(self, form: Any) -> Any:
        return services.artefact_create(actor=self.actor, exchange=self.exchange, **form.cleaned_data)


class ArtefactView(ExchangeMixin, ServiceFormView):
    """An artefact: read by whoever sees the exchange; its authors edit the draft (the others agree again)."""

    template_name = "exchanges/artefact_detail.html"
    form_class = ArtefactForm
    success_message = gettext_lazy("Capitalisation « %(name)s » enregistrée : ses co-auteur·rices sont sollicité·es.")

    def get_object(self) -> Any:
        return selectors.artefact_get(exchange=self.exchange, artefact_id=int(self.kwargs["artefact_id"]))

    @cached_property
    def my_member(self) -> Any:
        return next((m for m in self.object.authors.all() if m.user_id == self.request.user.pk), None)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def form_extra_kwargs(self) -> dict[str, Any]:
        me = self.my_member.pk if self.my_member else None
        return {"coauthors": _coauthor_choices(self.exchange, me), "has_file": bool(self.object.file)}

    def get_initial(self) -> dict[str, Any]:
        a = self.object
        me = self.my_member.pk if self.my_member else None
        return {
            "kind": a.kind,
            "title": a.title,
            "body": a.body,
            "licence": a.licence,
            "coauthor_ids": [m.pk for m in a.authors.all() if m.pk != me],
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.exchange  # noqa: B018
        if self.my_member is None:
            raise PermissionDenied("exchanges.artefact")
        if self.object.published_at is not None:
            messages.error(request, _("Cette capitalisation est publiée : elle ne change plus."))
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        artefact = self.object
        agreed = {a.author_id: a.agreed_at for a in artefact.agreements.all()}
        context.update(
            artefact=artefact,
            authors=[(m, agreed.get(m.pk)) for m in artefact.authors.all()],
            is_author=self.my_member is not None,
            i_agreed=self.my_member is not None and self.my_member.pk in agreed,
            licence_url=LICENCE_URLS.get(artefact.licence, ""),
            file_type=artefact_files.file_type_of(artefact.file.name) if artefact.file else None,
        )
        return context

    def perform(self, form: Any) -> Any:
        return services.artefact_update(actor=self.actor, artefact=self.object, **form.cleaned_data)

    def success_url_for(self, obj: Any) -> str:
        return self.request.path


class ArtefactAgreeView(ExchangeMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        artefact = selectors.artefact_get(exchange=self.exchange, artefact_id=int(kwargs["artefact_id"]))
        services.artefact_agree(actor=self.actor, artefact=artefact)
        if artefact.published_at:
            messages.success(request, _("Tous les auteur·rices sont d'accord : la capitalisation est publiée."))
        else:
            messages.success(request, _("Votre accord est enregistré."))
        return redirect(self.url("artefact", exchange_id=self.exchange.pk, artefact_id=artefact.pk))


class ArtefactFileView(ExchangeMixin, View):
    """The file of an artefact, for whoever sees the exchange (its participants and facilitators; else 404)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        artefact = selectors.artefact_get(exchange=self.exchange, artefact_id=int(kwargs["artefact_id"]))
        return artefact_files.download_response(artefact.file.name, title=artefact.title)


def artefact_public_file(request: HttpRequest, network: str, artefact_id: int) -> HttpResponse:
    """The file of a published artefact of a public network (no login), else 404."""
    network_obj = get_object_or_404(Network, slug=network)
    artefact = selectors.artefact_public_get(network=network_obj, artefact_id=artefact_id)
    return artefact_files.download_response(artefact.file.name, title=artefact.title)


def artefact_public(request: HttpRequest, network: str, artefact_id: int) -> HttpResponse:
    """The public page of a published artefact (no login): its authors and its licence, only if the network's
    pages are public."""
    network_obj = get_object_or_404(Network, slug=network)
    artefact = selectors.artefact_public_get(network=network_obj, artefact_id=artefact_id)
    return render(
        request,
        "exchanges/artefact_public.html",
        {
            "network": network_obj,
            "artefact": artefact,
            "authors": list(artefact.authors.all()),
            "licence_url": LICENCE_URLS.get(artefact.licence, ""),
            "file_type": artefact_files.file_type_of(artefact.file.name) if artefact.file else None,
        },
    )


# --- expeditions and compagnonnage -----------------------------------------------------------------------------


def _member_choices(view: ExchangesMixin) -> list[tuple[Any, str]]:
    return [
        (m.pk, f"{m} ({m.partner})" if m.partner_id else str(m))
        for m in selectors.network_members(network=view.actor.network)
    ]


class ExpeditionCreateView(ExchangesMixin, ServiceFormView):
    template_name = "exchanges/expedition_form.html"
    form_class = ExpeditionForm
    facilitator_only = True
    success_message = gettext_lazy("Expédition « %(name)s » créée : ajoutez ses étapes, chacune avec son hôte.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"members": _member_choices(self)}

    def perform(self, form: Any) -> Any:
        return services.expedition_create(actor=self.actor, **form.cleaned_data)

    def success_url_for(self, obj: Any) -> str:
        return self.url("exchange", exchange_id=obj.pk)


class TransferCreateView(ExchangesMixin, ServiceFormView):
    template_name = "exchanges/transfer_form.html"
    form_class = TransferForm
    facilitator_only = True
    success_message = gettext_lazy("Compagnonnage « %(name)s » créé : ajoutez ses jalons et leurs livrables.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"members": _member_choices(self)}

    def perform(self, form: Any) -> Any:
        return services.transfer_create(actor=self.actor, **form.cleaned_data)

    def success_url_for(self, obj: Any) -> str:
        return self.url("exchange", exchange_id=obj.pk)


E = "<int:exchange_id>/"
urls = [
    path("liste/", ExchangeListView.as_view(), name="exchanges"),
    path("expeditions/nouvelle/", ExpeditionCreateView.as_view(), name="expedition_create"),
    path("compagnonnages/nouveau/", TransferCreateView.as_view(), name="transfer_create"),
    path("capitalisations/<int:artefact_id>/", artefact_public, name="artefact_public"),
    path("capitalisations/<int:artefact_id>/fichier/", artefact_public_file, name="artefact_public_file"),
    path(E, ExchangeView.as_view(), name="exchange"),
    path(E + "modifier/", ExchangeEditView.as_view(), name="exchange_edit"),
    path(E + "etat/", ExchangeStateView.as_view(), name="exchange_state"),
    path(E + "etapes/ajouter/", StepCreateView.as_view(), name="step_create"),
    path(E + "etapes/<int:step_id>/", StepEditView.as_view(), name="step_edit"),
    path(E + "etapes/<int:step_id>/supprimer/", StepDeleteView.as_view(), name="step_delete"),
    path(E + "etapes/<int:step_id>/emargement/", AttendanceView.as_view(), name="step_attendance"),
    path(E + "bilan/", DebriefView.as_view(), name="debrief"),
    path(E + "journal/", LogEntryCreateView.as_view(), name="log_entry_create"),
    path(E + "jalons/ajouter/", MilestoneCreateView.as_view(), name="milestone_create"),
    path(E + "jalons/<int:milestone_id>/", MilestoneEditView.as_view(), name="milestone_edit"),
    path(E + "jalons/<int:milestone_id>/atteint/", MilestoneMarkView.as_view(), name="milestone_mark"),
    path(E + "jalons/<int:milestone_id>/supprimer/", MilestoneDeleteView.as_view(), name="milestone_delete"),
    path(E + "capitalisations/ajouter/", ArtefactCreateView.as_view(), name="artefact_create"),
    path(E + "capitalisations/<int:artefact_id>/", ArtefactView.as_view(), name="artefact"),
    path(E + "capitalisations/<int:artefact_id>/fichier/", ArtefactFileView.as_view(), name="artefact_file"),
    path(E + "capitalisations/<int:artefact_id>/accord/", ArtefactAgreeView.as_view(), name="artefact_agree"),
]
