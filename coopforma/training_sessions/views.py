# SPDX-License-Identifier: AGPL-3.0-or-later
"""Session pages: thin views that parse, call one selector or service, and render (htmx partials on the detail)."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgFormView, OrgListView, OrgViewMixin
from coopforma.catalogue.models import Modality
from coopforma.core.links import absolute_url
from coopforma.core.log import history_for
from coopforma.core.pagination import paginate
from coopforma.core.query import query_id, query_text
from coopforma.core.views import is_htmx
from coopforma.training_sessions import selectors, services
from coopforma.training_sessions.forms import (
    AddDayForm,
    CalendarFilterForm,
    EnrolmentForm,
    FundingLineForm,
    ParticipantEditForm,
    ParticipantForm,
    PlaceForm,
    ProgrammeForm,
    SessionCreateForm,
    SessionEditForm,
    SessionEmailForm,
    SessionFilterForm,
    SlotForm,
    StatusForm,
)
from coopforma.training_sessions.ical import calendar_bytes
from coopforma.training_sessions.models import Session

T = "training_sessions/"


# --- Sessions -----------------------------------------------------------------------------------------------


class SessionListView(OrgListView):
    template_name = T + "session_list.html"
    filter_form_class = SessionFilterForm
    context_object_name = "sessions"

    def filter_form_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor}

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.session_list(actor=self.actor, filters=filters)


class SessionCreateView(OrgFormView):
    template_name = T + "session_create.html"
    form_class = SessionCreateForm
    required_flag = "sessions.create"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["actor"] = self.actor
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        training = query_id(self.request, "training")
        return {"training": training} if training else {}

    def perform(self, form: SessionCreateForm) -> Any:
        return services.session_create(actor=self.actor, **form.service_kwargs())

    def get_success_message(self, session: Any) -> str:
        return _("Session « %(title)s » créée.") % {"title": session.title}

    def success_url_for(self, session: Any) -> str:
        return reverse("sessions:detail", kwargs={"org": self.actor.organisation.slug, "pk": session.pk})


class SessionMixin(OrgViewMixin):
    """A page about one visible session (404 otherwise); `self.session` is loaded by the selector."""

    kwargs: dict[str, Any]
    request: HttpRequest

    @cached_property
    def session(self) -> Session:
        return selectors.session_get(actor=self.actor, session_id=int(self.kwargs["pk"]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session"] = self.session
        return context

    def detail_url(self, anchor: str = "") -> str:
        url = reverse("sessions:detail", kwargs={"org": self.actor.organisation.slug, "pk": self.session.pk})
        return f"{url}#{anchor}" if anchor else url


def detail_context(request: HttpRequest, session_id: int, **forms: Any) -> dict[str, Any]:
    actor = request.actor  # type: ignore[attr-defined]
    detail = selectors.session_detail(actor=actor, session_id=session_id)
    forms.setdefault("slot_form", SlotForm(actor=actor, session=detail.session, prefix="slot"))
    forms.setdefault("add_day_form", AddDayForm(prefix="day"))
    modality = (detail.programme or {}).get("modality")
    return {
        "detail": detail,
        "modality_label": Modality(modality).label if modality in Modality.values else modality,
        "session": detail.session,
        "actor": actor,
        "org": actor.organisation,
        "today": timezone.localdate(),
        **forms,
    }


def render_slots(request: HttpRequest, session_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    """The slots section (and the summary, out of band) after an htmx change."""
    context = detail_context(request, session_id, **forms)
    context["oob"] = True
    return render(request, T + "session_detail.html#slots-section", context, status=status)


class SessionDetailView(SessionMixin, TemplateView):
    template_name = T + "session_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.session.pk))
        return context


class SessionEditView(SessionMixin, OrgFormView):
    template_name = T + "session_form.html"
    form_class = SessionEditForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(actor=self.actor, session=self.session)
        return kwargs

    def perform(self, form: SessionEditForm) -> Any:
        return services.session_update(actor=self.actor, session_id=self.session.pk, **form.service_kwargs())

    def get_success_message(self, _obj: Any) -> str:
        return _("Session enregistrée.")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url()


class ProgrammeView(SessionMixin, OrgFormView):
    template_name = T + "programme_form.html"
    form_class = ProgrammeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["programme"] = self.session.programme or {}
        return kwargs

    def perform(self, form: ProgrammeForm) -> Any:
        return services.session_programme_update(
            actor=self.actor, session_id=self.session.pk, programme=form.programme()
        )

    def get_success_message(self, _obj: Any) -> str:
        return _("Programme de la session enregistré (la formation n'est pas modifiée).")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url("programme")


class StatusView(SessionMixin, OrgFormView):
    template_name = T + "status_form.html"
    form_class = StatusForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.session
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        wanted = self.request.GET.get("status")
        return {"status": wanted} if wanted else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["detail"] = selectors.session_detail(actor=self.actor, session_id=self.session.pk)
        context["today"] = timezone.localdate()
        return context

    def perform(self, form: StatusForm) -> Any:
        return services.session_transition(
            actor=self.actor,
            session_id=self.session.pk,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data.get("reason") or "",
            cancel_enrolments=form.cleaned_data.get("cancel_enrolments") or False,
        )

    def get_success_message(self, session: Any) -> str:
        return _("La session est maintenant « %(s)s ».") % {"s": session.get_status_display()}

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url()


class SessionEmailView(SessionMixin, OrgFormView):
    """« Écrire un e-mail »: a free message to the trainees, the clients' contacts and/or the trainers of a session
    the actor sees (admin and quality all; a manager and a trainer their own sessions)."""

    template_name = T + "session_email.html"
    form_class = SessionEmailForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        audience = selectors.session_mail_audience(actor=self.actor, session_id=self.session.pk)
        labels = dict(SessionEmailForm.GROUP_CHOICES)
        context["audience"] = [
            {
                "key": key,
                "label": labels[key],
                "with_email": [r for r in audience[key] if r.email],
                "without_email": [r for r in audience[key] if not r.email],
            }
            for key in selectors.MAIL_GROUPS
        ]
        return context

    def perform(self, form: SessionEmailForm) -> Any:
        return services.session_email_send(
            actor=self.actor,
            session_id=self.session.pk,
            subject=form.cleaned_data.get("subject") or "",
            body=form.cleaned_data.get("body") or "",
            groups=form.cleaned_data.get("groups") or [],
        )

    def get_success_message(self, count: Any) -> str:
        return _("Message mis en file d'envoi pour %(n)s destinataire(s) : suivez-le dans la page E-mails.") % {
            "n": count
        }

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url()


# --- Slots --------------------------------------------------------------------------------------------------


class SlotCreateView(SessionMixin, OrgFormView):
    template_name = T + "slot_form.html"
    form_class = SlotForm
    prefix = "slot"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(actor=self.actor, session=self.session)
        return kwargs

    def form_invalid(self, form: SlotForm) -> HttpResponse:
        if is_htmx(self.request):
            return render_slots(self.request, self.session.pk, slot_form=form)
        return super().form_invalid(form)

    def perform(self, form: SlotForm) -> Any:
        return services.slot_create(actor=self.actor, session_id=self.session.pk, **form.service_kwargs())

    def get_success_message(self, slot: Any) -> str:
        return _("Créneau du %(slot)s ajouté.") % {"slot": slot}

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url("slots")

    def done(self, obj: Any) -> HttpResponse:
        response = super().done(obj)
        return render_slots(self.request, self.session.pk) if is_htmx(self.request) else response


class SlotAddDayView(SessionMixin, OrgFormView):
    """The quick "add a day" button of the detail page (default hours, the session's place and trainers)."""

    template_name = T + "slot_add_day.html"
    form_class = AddDayForm
    prefix = "day"

    def form_invalid(self, form: AddDayForm) -> HttpResponse:
        if is_htmx(self.request):
            return render_slots(self.request, self.session.pk, add_day_form=form)
        return super().form_invalid(form)

    def perform(self, form: AddDayForm) -> Any:
        return services.slot_add_day(actor=self.actor, session_id=self.session.pk, **form.cleaned_data)

    def get_success_message(self, slots: Any) -> str:
        return _("%(n)s créneau(x) ajouté(s).") % {"n": len(slots)}

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url("slots")

    def done(self, obj: Any) -> HttpResponse:
        response = super().done(obj)
        return render_slots(self.request, self.session.pk) if is_htmx(self.request) else response


class SlotEditView(SessionMixin, OrgFormView):
    template_name = T + "slot_form.html"
    form_class = SlotForm
    prefix = "slot"

    @cached_property
    def slot(self) -> Any:
        return selectors.slot_get(actor=self.actor, session_id=self.session.pk, slot_id=int(self.kwargs["slot_pk"]))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(actor=self.actor, session=self.session, slot=self.slot)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["slot"] = self.slot
        return context

    def perform(self, form: SlotForm) -> Any:
        return services.slot_update(
            actor=self.actor, session_id=self.session.pk, slot_id=self.slot.pk, **form.service_kwargs()
        )

    def get_success_message(self, _obj: Any) -> str:
        return _("Créneau enregistré.")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url("slots")


class SlotDeleteView(SessionMixin, TemplateView):
    template_name = T + "confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        slot = selectors.slot_get(actor=self.actor, session_id=self.session.pk, slot_id=int(self.kwargs["slot_pk"]))
        context.update(object_label=_("le créneau du %(slot)s") % {"slot": slot}, cancel_url=self.detail_url("slots"))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.slot_delete(actor=self.actor, session_id=self.session.pk, slot_id=int(self.kwargs["slot_pk"]))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Créneau supprimé."))
        if is_htmx(request):
            return render_slots(request, self.session.pk)
        return redirect(self.detail_url("slots"))


# --- Enrolments and funding lines ---------------------------------------------------------------------------


class EnrolmentCreateView(SessionMixin, OrgFormView):
    template_name = T + "enrolment_form.html"
    form_class = EnrolmentForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["actor"] = self.actor
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        client = query_id(self.request, "client")
        return {"client": client} if client else {}

    def perform(self, form: EnrolmentForm) -> Any:
        return services.enrolment_create(actor=self.actor, session_id=self.session.pk, **form.service_kwargs())

    def get_success_message(self, enrolment: Any) -> str:
        return _("« %(client)s » est inscrit à la session.") % {"client": enrolment.client}

    def success_url_for(self, enrolment: Any) -> str:
        return self.detail_url(f"enrolment-{enrolment.pk}")


class EnrolmentEditView(SessionMixin, OrgFormView):
    template_name = T + "enrolment_form.html"
    form_class = EnrolmentForm

    @cached_property
    def enrolment(self) -> Any:
        return selectors.enrolment_get(
            actor=self.actor, enrolment_id=int(self.kwargs["enrolment_pk"]), session_id=self.session.pk
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(actor=self.actor, enrolment=self.enrolment)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lines = list(self.enrolment.funding_lines.all())
        funded = sum(line.amount_cents for line in lines)
        context.update(
            enrolment=self.enrolment,
            funding_lines=lines,
            funded_cents=funded,
            remaining_cents=self.enrolment.price_cents - funded,
            participants=list(self.enrolment.participants.select_related("trainee")),
            history=history_for(self.enrolment)[:50],
        )
        return context

    def perform(self, form: EnrolmentForm) -> Any:
        return services.enrolment_update(actor=self.actor, enrolment_id=self.enrolment.pk, **form.service_kwargs())

    def get_success_message(self, _obj: Any) -> str:
        return _("Inscription enregistrée.")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url(f"enrolment-{self.enrolment.pk}")


class FundingLineCreateView(SessionMixin, OrgFormView):
    template_name = T + "funding_line_form.html"
    form_class = FundingLineForm

    @cached_property
    def enrolment(self) -> Any:
        return selectors.enrolment_get(
            actor=self.actor, enrolment_id=int(self.kwargs["enrolment_pk"]), session_id=self.session.pk
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        funded = sum(line.amount_cents for line in self.enrolment.funding_lines.all())
        context.update(
            enrolment=self.enrolment, funded_cents=funded, remaining_cents=self.enrolment.price_cents - funded
        )
        return context

    def perform(self, form: FundingLineForm) -> Any:
        return services.funding_line_create(actor=self.actor, enrolment_id=self.enrolment.pk, **form.cleaned_data)

    def get_success_message(self, _obj: Any) -> str:
        return _("Ligne de financement ajoutée.")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url(f"enrolment-{self.enrolment.pk}")


class FundingLineEditView(SessionMixin, OrgFormView):
    template_name = T + "funding_line_form.html"
    form_class = FundingLineForm

    @cached_property
    def line(self) -> Any:
        return selectors.funding_line_get(
            actor=self.actor, funding_line_id=int(self.kwargs["line_pk"]), session_id=self.session.pk
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["line"] = self.line
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        enrolment = self.line.enrolment
        funded = sum(line.amount_cents for line in enrolment.funding_lines.all())
        context.update(
            enrolment=enrolment, line=self.line, funded_cents=funded, remaining_cents=enrolment.price_cents - funded
        )
        return context

    def perform(self, form: FundingLineForm) -> Any:
        return services.funding_line_update(actor=self.actor, funding_line_id=self.line.pk, **form.cleaned_data)

    def get_success_message(self, _obj: Any) -> str:
        return _("Ligne de financement enregistrée.")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url(f"enrolment-{self.line.enrolment_id}")


class FundingLineDeleteView(SessionMixin, TemplateView):
    template_name = T + "confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        line = selectors.funding_line_get(
            actor=self.actor, funding_line_id=int(self.kwargs["line_pk"]), session_id=self.session.pk
        )
        context.update(
            object_label=_("la ligne de financement « %(line)s »") % {"line": line},
            cancel_url=self.detail_url(f"enrolment-{line.enrolment_id}"),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        line = selectors.funding_line_get(
            actor=self.actor, funding_line_id=int(self.kwargs["line_pk"]), session_id=self.session.pk
        )
        try:
            services.funding_line_delete(actor=self.actor, funding_line_id=line.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Ligne de financement supprimée."))
        return redirect(self.detail_url(f"enrolment-{line.enrolment_id}"))


# --- Participants -------------------------------------------------------------------------------------------


class ParticipantCreateView(SessionMixin, OrgFormView):
    template_name = T + "participant_form.html"
    form_class = ParticipantForm

    @cached_property
    def enrolments(self) -> list[Any]:
        return [
            row.enrolment
            for row in selectors.session_detail(actor=self.actor, session_id=self.session.pk).direct_enrolments
        ]

    def get_initial(self) -> dict[str, Any]:
        enrolment = query_id(self.request, "enrolment")
        return {"enrolment": enrolment} if enrolment else {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            actor=self.actor,
            session=self.session,
            enrolments=self.enrolments,
            search=query_text(self.request, "q"),
        )
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(enrolments=self.enrolments, search=query_text(self.request, "q"))
        return context

    def perform(self, form: ParticipantForm) -> Any:
        return services.participant_add(actor=self.actor, session_id=self.session.pk, **form.service_kwargs())

    def get_success_message(self, participant: Any) -> str:
        return _("%(name)s est inscrit·e à la session.") % {"name": participant.trainee.full_name}

    def success_url_for(self, participant: Any) -> str:
        if self.request.POST.get("then") == "another":
            url = reverse(
                "sessions:participant_create", kwargs={"org": self.actor.organisation.slug, "pk": self.session.pk}
            )
            return f"{url}?enrolment={participant.enrolment_id}"
        return self.detail_url("participants")


class ParticipantEditView(SessionMixin, OrgFormView):
    template_name = T + "participant_edit.html"
    form_class = ParticipantEditForm

    @cached_property
    def participant(self) -> Any:
        return selectors.participant_get(
            actor=self.actor, participant_id=int(self.kwargs["participant_pk"]), session_id=self.session.pk
        )

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.participant.status, "bpf_trainee_type": self.participant.bpf_trainee_type}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(participant=self.participant, history=history_for(self.participant)[:50])
        return context

    def perform(self, form: ParticipantEditForm) -> Any:
        return services.participant_update(actor=self.actor, participant_id=self.participant.pk, **form.cleaned_data)

    def get_success_message(self, _obj: Any) -> str:
        return _("Participant·e enregistré·e.")

    def success_url_for(self, _obj: Any) -> str:
        return self.detail_url("participants")


# --- Calendar -----------------------------------------------------------------------------------------------


def parse_month(value: str | None) -> tuple[int, int]:
    """'2026-03' -> (2026, 3); anything else -> the current month."""
    try:
        year, month = (int(part) for part in (value or "").split("-", 1))
        dt.date(year, month, 1)
        if not 1900 <= year <= 2200:
            raise ValueError
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


class CalendarView(OrgViewMixin, TemplateView):
    template_name = T + "calendar.html"

    def get_template_names(self) -> list[str]:
        if is_htmx(self.request):
            return [self.template_name + "#calendar-region"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, month = parse_month(self.request.GET.get("month"))
        form = CalendarFilterForm(self.request.GET or None, actor=self.actor)
        filters = form.filters() if form.is_bound else {}
        context.update(
            month=selectors.calendar_month(actor=self.actor, year=year, month=month, filters=filters),
            filter_form=form,
            weekdays=[_("Lundi"), _("Mardi"), _("Mercredi"), _("Jeudi"), _("Vendredi"), _("Samedi"), _("Dimanche")],
        )
        return context


# --- Places -------------------------------------------------------------------------------------------------


class PlaceListView(OrgViewMixin, TemplateView):
    template_name = T + "place_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        q = query_text(self.request, "q")
        page = paginate(self.request, selectors.place_list(actor=self.actor, filters={"q": q}))
        context.update(page_obj=page, places=page.object_list, q=q, can_edit=selectors.place_can_edit(self.actor))
        return context


class PlaceCreateView(OrgFormView):
    template_name = T + "place_form.html"
    form_class = PlaceForm
    required_flag = "sessions.create"

    def perform(self, form: PlaceForm) -> Any:
        return services.place_create(actor=self.actor, **form.cleaned_data)

    def get_success_message(self, place: Any) -> str:
        return _("Lieu « %(name)s » créé.") % {"name": place.name}

    def success_url_for(self, _obj: Any) -> str:
        return reverse("sessions:place_list", kwargs={"org": self.actor.organisation.slug})


class PlaceEditView(OrgFormView):
    template_name = T + "place_form.html"
    form_class = PlaceForm

    @cached_property
    def place(self) -> Any:
        return selectors.place_get(actor=self.actor, place_id=int(self.kwargs["pk"]))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._check()
        return super().post(request, *args, **kwargs)

    def _check(self) -> None:
        self.place  # noqa: B018 - 404 first, then 403
        if not selectors.place_can_edit(self.actor):
            raise PermissionDenied

    def get_object(self) -> Any:
        return self.place

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(place=self.place, history=history_for(self.place)[:50])
        return context

    def perform(self, form: PlaceForm) -> Any:
        # The ModelForm already put the typed values on its instance: hand them to the service (which re-reads).
        data = {name: form.cleaned_data[name] for name in PlaceForm.Meta.fields}
        return services.place_update(actor=self.actor, place_id=self.place.pk, **data)

    def get_success_message(self, _obj: Any) -> str:
        return _("Lieu enregistré.")

    def success_url_for(self, _obj: Any) -> str:
        return reverse("sessions:place_list", kwargs={"org": self.actor.organisation.slug})


# --- The trainer's space and the iCalendar feeds -----------------------------------------------------------


def _feed_url(request: HttpRequest, token: str) -> str:
    return absolute_url(reverse("calendar_feed", kwargs={"token": token}))


class TrainerSpaceView(OrgViewMixin, TemplateView):
    """« Mon espace formateur·rice »: the actor's sessions as a trainer, their documents, their calendar
    address (shown once when made; renewing it stops the old one)."""

    template_name = T + "trainer_space.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["space"] = selectors.trainer_space(actor=self.actor)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trainer = selectors.trainer_space(actor=self.actor).trainer
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=self.actor, trainer_id=trainer.pk)
            messages.success(request, _("L'adresse de votre agenda ne fonctionne plus."))
            return redirect("sessions:trainer_space", org=self.actor.organisation.slug)
        token = services.calendar_feed_renew(actor=self.actor, trainer_id=trainer.pk)
        return self.render_to_response(self.get_context_data(new_url=_feed_url(request, token)))


class PlaceCalendarView(OrgViewMixin, TemplateView):
    """A place's calendar address (staff): every slot held there, for the place's own calendar."""

    template_name = T + "place_calendar.html"
    required_flag = "org.view_all"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["place"], context["feed"] = selectors.place_feed(actor=self.actor, place_id=self.kwargs["pk"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        place_id = self.kwargs["pk"]
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=self.actor, place_id=place_id)
            messages.success(request, _("L'adresse de l'agenda de ce lieu ne fonctionne plus."))
            return redirect("sessions:place_calendar", org=self.actor.organisation.slug, pk=place_id)
        token = services.calendar_feed_renew(actor=self.actor, place_id=place_id)
        return self.render_to_response(self.get_context_data(new_url=_feed_url(request, token)))


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar file of a secret address (no login: calendar apps cannot log in); 404 once renewed or
    revoked."""
    feed, slots = selectors.calendar_feed_slots(token=token)
    if feed.trainer is not None:
        name = _("Créneaux de %(name)s — %(org)s") % {"name": feed.trainer.full_name, "org": feed.organisation.name}
    else:
        name = _("Créneaux au lieu %(place)s — %(org)s") % {"place": feed.place, "org": feed.organisation.name}
    response = HttpResponse(calendar_bytes(name=name, slots=slots), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="creneaux.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
