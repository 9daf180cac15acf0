# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the people app: thin views that parse, call a selector or a service, and render."""

import os
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgFormView, OrgListView, OrgViewMixin
from coopforma.accounts.models import MembershipState
from coopforma.core.forms import add_service_errors
from coopforma.core.log_actions import action_label
from coopforma.core.query import query_id
from coopforma.core.views import is_htmx
from coopforma.people import selectors, services
from coopforma.people.forms import (
    ClientFilterForm,
    ClientForm,
    ContactForm,
    ManagerAddForm,
    MemberFilterForm,
    MemberForm,
    TraineeFilterForm,
    TraineeForm,
    TrainerDecisionForm,
    TrainerFilterForm,
    TrainerForm,
    TrainerSelfForm,
)
from coopforma.people.models import Client, OnboardingState, Trainer
from coopforma.people.scope import actor_scope
from coopforma.registry import selectors as registry_selectors


def _url(view: OrgViewMixin, name: str, **kwargs: Any) -> str:
    return reverse(f"people:{name}", kwargs={"org": view.actor.organisation.slug, **kwargs})


# --- Member structures -------------------------------------------------------------------------------------


class MemberListView(OrgListView):
    template_name = "people/member_list.html"

    filter_form_class = MemberFilterForm

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.member_list(actor=self.actor, filters=filters)


class MemberDetailView(OrgViewMixin, TemplateView):
    template_name = "people/member_detail.html"
    manager_form: ManagerAddForm | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.member_page(actor=self.actor, member_id=int(kwargs["pk"]))
        context["page"] = page
        context["member"] = page.member
        context["managers"] = [(user, page.roles.get(user.pk, "")) for user in page.managers]
        context["history"] = page.history
        if self.actor.has("members.manage"):
            context["manager_form"] = self.manager_form or ManagerAddForm(
                candidates=selectors.member_manager_candidates(actor=self.actor, member=page.member)
            )
        return context


class MemberFormMixin(OrgFormView):
    template_name = "people/member_form.html"
    form_class = MemberForm
    required_flag = "members.manage"

    def success_url_for(self, obj: Model) -> str:
        return _url(self, "member_detail", pk=obj.pk)


class MemberCreateView(MemberFormMixin):
    success_message = gettext_lazy("Structure membre « %(name)s » créée.")

    def perform(self, form: Any) -> Model:
        return services.member_create(actor=self.actor, **form.service_data())


class MemberUpdateView(MemberFormMixin):
    success_message = gettext_lazy("Structure membre « %(name)s » enregistrée.")

    def get_object(self) -> Model | None:
        return selectors.member_get(actor=self.actor, member_id=int(self.kwargs["pk"]))

    def perform(self, form: Any) -> Model:
        return services.member_update(actor=self.actor, member_id=self.object.pk, **form.service_data())  # type: ignore[union-attr]


class MemberManagerAddView(MemberDetailView):
    """POST: add a manager; on error the member page again, with the message next to the select."""

    http_method_names = ["post"]
    required_flag = "members.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = selectors.member_get(actor=self.actor, member_id=int(kwargs["pk"]))
        form = ManagerAddForm(
            request.POST, candidates=selectors.member_manager_candidates(actor=self.actor, member=member)
        )
        if form.is_valid():
            try:
                services.member_manager_add(actor=self.actor, member_id=member.pk, user_id=form.cleaned_data["user"].pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(user)s gère désormais « %(member)s ».")
                    % {"user": form.cleaned_data["user"], "member": member},
                )
                return redirect("people:member_detail", org=self.actor.organisation.slug, pk=member.pk)
        self.manager_form = form
        return self.render_to_response(self.get_context_data(**kwargs))


class MemberManagerRemoveView(OrgViewMixin, View):
    http_method_names = ["post"]
    required_flag = "members.manage"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            member = services.member_manager_remove(
                actor=self.actor, member_id=int(kwargs["pk"]), user_id=int(kwargs["user_id"])
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Gérant·e retiré·e de « %(member)s ».") % {"member": member})
        return redirect("people:member_detail", org=self.actor.organisation.slug, pk=int(kwargs["pk"]))


# --- Trainers ----------------------------------------------------------------------------------------------


class TrainerListView(OrgListView):
    template_name = "people/trainer_list.html"

    filter_form_class = TrainerFilterForm

    def filter_form_kwargs(self) -> dict[str, Any]:
        return {"members": selectors.member_queryset(actor=self.actor).order_by("name")}

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.trainer_list(actor=self.actor, filters=filters)


class TrainerDetailView(OrgViewMixin, TemplateView):
    template_name = "people/trainer_detail.html"
    decision_form: TrainerDecisionForm | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.trainer_page(actor=self.actor, trainer_id=int(kwargs["pk"]))
        trainer = page.trainer
        context.update(
            trainer=trainer,
            history=page.history,
            timeline=[(entry, action_label(entry.action)) for entry in page.onboarding],
            may_edit=bool(services.trainer_editable_fields(actor=self.actor, trainer=trainer)),
        )
        if self.actor.has("trainers.validate"):
            labels = services.decision_labels()
            choices = [(name, labels[name]) for name in services.decisions_for(trainer)]
            if self.decision_form is not None:
                context["decision_form"] = self.decision_form
            elif choices:
                context["decision_form"] = TrainerDecisionForm(choices=choices)
            access = selectors.trainer_access(actor=self.actor, trainer=trainer)
            context["access"] = access
            context["may_invite"] = trainer.onboarding_state not in {
                OnboardingState.REJECTED,
                OnboardingState.SUSPENDED,
            } and (access is None or access.state in {MembershipState.INVITED, MembershipState.DECLINED})
        return context


class TrainerDecisionView(TrainerDetailView):
    """POST: a decision of the comité de validation; on error the trainer page again, with the message."""

    http_method_names = ["post"]
    required_flag = "trainers.validate"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trainer = selectors.trainer_get(actor=self.actor, trainer_id=int(kwargs["pk"]))
        labels = services.decision_labels()
        form = TrainerDecisionForm(request.POST, choices=list(labels.items()))
        if form.is_valid():
            try:
                trainer = services.trainer_decide(actor=self.actor, trainer_id=trainer.pk, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s : %(state)s.") % {"name": trainer, "state": trainer.get_onboarding_state_display()},
                )
                return redirect("people:trainer_detail", org=self.actor.organisation.slug, pk=trainer.pk)
        form.fields["decision"].choices = [(n, labels[n]) for n in services.decisions_for(trainer)]  # type: ignore[attr-defined]
        self.decision_form = form
        return self.render_to_response(self.get_context_data(**kwargs))


class TrainerInviteView(OrgViewMixin, View):
    """POST: invite the trainer to Coopforma (an e-mail to their address; no link is ever shown here)."""

    http_method_names = ["post"]
    required_flag = "trainers.validate"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            trainer, membership = services.trainer_invite(actor=self.actor, trainer_id=int(kwargs["pk"]))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("people:trainer_detail", org=self.actor.organisation.slug, pk=int(kwargs["pk"]))
        if membership.state == MembershipState.ACTIVE:
            messages.success(
                request,
                _("%(name)s est lié·e à son accès existant dans l'organisme (%(email)s).")
                % {"name": trainer, "email": membership.user.email},
            )
        else:
            messages.success(
                request,
                _(
                    "Invitation envoyée à %(email)s : %(name)s reçoit un lien personnel pour l'accepter ou la "
                    "refuser, et n'a accès qu'après avoir accepté."
                )
                % {"name": trainer, "email": membership.user.email},
            )
        return redirect("people:trainer_detail", org=self.actor.organisation.slug, pk=trainer.pk)


class TrainerCvView(OrgViewMixin, View):
    """The CV, downloaded by those who may see the trainer (never served as a public media file)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trainer = selectors.trainer_get(actor=self.actor, trainer_id=int(kwargs["pk"]))
        if not trainer.cv:
            raise Http404
        try:
            handle = trainer.cv.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=os.path.basename(trainer.cv.name))


class TrainerCreateView(OrgFormView):
    template_name = "people/trainer_form.html"
    form_class = TrainerForm
    required_flag = "trainers.propose"
    success_message = gettext_lazy(
        "Candidature de %(name)s enregistrée : elle attend la décision du comité de validation."
    )

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"members": selectors.member_choices(actor=self.actor)}

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if structure := query_id(self.request, "member_structure"):
            initial["member_structure"] = structure
        return initial

    def perform(self, form: Any) -> Model:
        return services.trainer_propose(actor=self.actor, **form.service_data())

    def success_url_for(self, obj: Model) -> str:
        return _url(self, "trainer_detail", pk=obj.pk)


class TrainerUpdateView(OrgFormView):
    template_name = "people/trainer_form.html"
    success_message = gettext_lazy("Profil de %(name)s enregistré.")

    def get_object(self) -> Trainer:
        return selectors.trainer_get(actor=self.actor, trainer_id=int(self.kwargs["pk"]))

    @cached_property
    def editable(self) -> set[str]:
        fields = services.trainer_editable_fields(actor=self.actor, trainer=self.object)
        if not fields:
            raise PermissionDenied
        return fields

    def get_form_class(self) -> type[BaseForm]:
        return TrainerForm if "member_structure_id" in self.editable else TrainerSelfForm

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"members": selectors.member_choices(actor=self.actor, include_id=self.object.member_structure_id)}

    def perform(self, form: Any) -> Model:
        return services.trainer_update(actor=self.actor, trainer_id=self.object.pk, **form.service_data())

    def success_url_for(self, obj: Model) -> str:
        return _url(self, "trainer_detail", pk=obj.pk)


# --- Clients and contacts ----------------------------------------------------------------------------------


class ClientListView(OrgListView):
    template_name = "people/client_list.html"

    filter_form_class = ClientFilterForm

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.client_list(actor=self.actor, filters=filters)


class ClientDetailView(OrgViewMixin, TemplateView):
    template_name = "people/client_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.client_page(actor=self.actor, client_id=int(kwargs["pk"]))
        context.update(
            page=page, client=page.client, contacts=page.contacts, may_edit=page.may_edit, history=page.history
        )
        return context


class ClientFormMixin(OrgFormView):
    template_name = "people/client_form.html"
    form_class = ClientForm
    required_flag = "clients.create"

    def success_url_for(self, obj: Model) -> str:
        return _url(self, "client_detail", pk=obj.pk)


class ClientCreateView(ClientFormMixin):
    success_message = gettext_lazy("Client « %(name)s » créé.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        scope = actor_scope(self.actor)
        if scope.all or len(scope.member_structure_ids) > 1:
            return {"members": selectors.member_choices(actor=self.actor)}
        return {"members": None}  # their only structure, set by the service

    def get_form(self, form_class: Any = None) -> BaseForm:
        form = super().get_form(form_class)
        if "member_structure" in form.fields and not actor_scope(self.actor).all:
            form.fields["member_structure"].required = True
        return form

    def perform(self, form: Any) -> Model:
        return services.client_create(actor=self.actor, **form.service_data())


class ClientUpdateView(ClientFormMixin):
    success_message = gettext_lazy("Client « %(name)s » enregistré.")

    def get_object(self) -> Client:
        client = selectors.client_get(actor=self.actor, client_id=int(self.kwargs["pk"]))
        if not selectors.client_may_edit(actor=self.actor, client=client):
            raise PermissionDenied
        return client

    def form_extra_kwargs(self) -> dict[str, Any]:
        if actor_scope(self.actor).all:
            return {"members": selectors.member_choices(actor=self.actor, include_id=self.object.member_structure_id)}
        return {"members": None}

    def perform(self, form: Any) -> Model:
        return services.client_update(actor=self.actor, client_id=self.object.pk, **form.service_data())


class ClientRegistryLookupView(OrgViewMixin, TemplateView):
    """The client form's « Chercher dans la liste publique »: the OF of this SIRET or NDA in the DGEFP list,
    with a button that copies its identity into the form (an htmx fragment; a page of its own without htmx)."""

    template_name = "people/_registry_lookup.html"
    required_flag = "clients.create"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        siret = self.request.GET.get("siret", "")[:30]
        nda = self.request.GET.get("nda", "")[:30]
        found = registry_selectors.find(siret=siret, nda=nda) if siret or nda else None
        context.update(
            asked=bool(siret.strip() or nda.strip()),
            found=found,
            fill=selectors.client_fields_from_registry(found) if found else None,
            registry_import=registry_selectors.latest_import(),
        )
        return context


class ContactViewMixin(OrgViewMixin):
    """Contacts are edited on the client's page: with htmx the contacts section is swapped in place; without
    JavaScript the form is a page of its own and the client's page comes back after saving."""

    required_flag = "clients.create"

    @cached_property
    def client(self) -> Client:
        client = selectors.client_get(actor=self.actor, client_id=int(self.kwargs["pk"]))
        if not selectors.client_may_edit(actor=self.actor, client=client):
            raise PermissionDenied
        return client

    def section(self, form: ContactForm | None = None, editing: int | None = None, form_url: str = "") -> HttpResponse:
        context = {
            "client": self.client,
            "contacts": selectors.client_contacts(client=self.client),
            "may_edit": True,
            "contact_form": form,
            "editing": editing,
            "form_url": form_url,
            "org": self.actor.organisation,
            "actor": self.actor,
        }
        return render(self.request, "people/_contacts.html", context)

    def page(self, form: ContactForm, form_url: str) -> HttpResponse:
        context = {
            "client": self.client,
            "contact_form": form,
            "form_url": form_url,
            "org": self.actor.organisation,
            "actor": self.actor,
        }
        return render(self.request, "people/contact_form.html", context)

    def done(self, message: str) -> HttpResponse:
        if is_htmx(self.request):
            return self.section()
        messages.success(self.request, message)
        return redirect("people:client_detail", org=self.actor.organisation.slug, pk=self.client.pk)

    def form_or_section(self, form: ContactForm, form_url: str, editing: int | None) -> HttpResponse:
        if is_htmx(self.request):
            return self.section(form, editing=editing, form_url=form_url)
        return self.page(form, form_url)


class ContactCreateView(ContactViewMixin, View):
    def form_url(self) -> str:
        return reverse("people:contact_create", kwargs={"org": self.actor.organisation.slug, "pk": self.client.pk})

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.form_or_section(ContactForm(), self.form_url(), editing=None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact = services.contact_create(actor=self.actor, client_id=self.client.pk, **form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.done(_("Contact %(name)s ajouté.") % {"name": contact})
        return self.form_or_section(form, self.form_url(), editing=None)


class ContactUpdateView(ContactViewMixin, View):
    def form_url(self) -> str:
        return reverse(
            "people:contact_update",
            kwargs={
                "org": self.actor.organisation.slug,
                "pk": self.client.pk,
                "contact_id": int(self.kwargs["contact_id"]),
            },
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = selectors.contact_get(actor=self.actor, client=self.client, contact_id=int(kwargs["contact_id"]))
        return self.form_or_section(ContactForm(instance=contact), self.form_url(), editing=contact.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = selectors.contact_get(actor=self.actor, client=self.client, contact_id=int(kwargs["contact_id"]))
        form = ContactForm(request.POST, instance=contact)
        if form.is_valid():
            try:
                contact = services.contact_update(
                    actor=self.actor, client_id=self.client.pk, contact_id=contact.pk, **form.service_data()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.done(_("Contact %(name)s enregistré.") % {"name": contact})
        return self.form_or_section(form, self.form_url(), editing=contact.pk)


class ContactDeleteView(ContactViewMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.contact_delete(actor=self.actor, client_id=self.client.pk, contact_id=int(kwargs["contact_id"]))
        return self.done(_("Contact retiré."))


# --- Trainees ----------------------------------------------------------------------------------------------


class TraineeListView(OrgListView):
    template_name = "people/trainee_list.html"

    filter_form_class = TraineeFilterForm

    def filter_form_kwargs(self) -> dict[str, Any]:
        return {"clients": selectors.client_filter_choices(actor=self.actor)}

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.trainee_list(actor=self.actor, filters=filters)


class TraineeDetailView(OrgViewMixin, TemplateView):
    template_name = "people/trainee_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.trainee_page(actor=self.actor, trainee_id=int(kwargs["pk"]))
        context.update(page=page, trainee=page.trainee, history=page.history)
        return context


class TraineeFormMixin(OrgFormView):
    template_name = "people/trainee_form.html"
    form_class = TraineeForm
    required_flag = "clients.create"

    def form_extra_kwargs(self) -> dict[str, Any]:
        current = getattr(self.object, "client_id", None)
        return {"clients": selectors.client_filter_choices(actor=self.actor, include_id=current)}

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if self.object is None and (client := query_id(self.request, "client")):
            initial["client"] = client
        return initial

    def get_form(self, form_class: Any = None) -> BaseForm:
        form = super().get_form(form_class)
        if not actor_scope(self.actor).all:
            form.fields["client"].required = True
        return form

    def success_url_for(self, obj: Model) -> str:
        return _url(self, "trainee_detail", pk=obj.pk)


class TraineeCreateView(TraineeFormMixin):
    success_message = gettext_lazy("Stagiaire %(name)s enregistré·e.")

    def perform(self, form: Any) -> Model:
        return services.trainee_create(actor=self.actor, **form.service_data())


class TraineeUpdateView(TraineeFormMixin):
    success_message = gettext_lazy("Stagiaire %(name)s enregistré·e.")

    def get_object(self) -> Model | None:
        return selectors.trainee_get(actor=self.actor, trainee_id=int(self.kwargs["pk"]))

    def perform(self, form: Any) -> Model:
        return services.trainee_update(actor=self.actor, trainee_id=self.object.pk, **form.service_data())  # type: ignore[union-attr]
