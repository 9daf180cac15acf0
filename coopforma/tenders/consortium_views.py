# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the consortium builder (/reseaux/<network>/appels-d-offres/groupements/…): the groupements I may
read (consortium_selectors), the moderators' forms (consortium_services) and the response kit (page and JSON)."""

import os
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.core.links import absolute_url
from coopforma.core.views import ServiceFormView
from coopforma.tenders import consortium_selectors as cs
from coopforma.tenders import consortium_services as svc
from coopforma.tenders import selectors
from coopforma.tenders.consortium_pdf import kit_pdf
from coopforma.tenders.consortium_reminders import calendar_bytes
from coopforma.tenders.forms import (
    BuyerClientForm,
    ConsortiumCreateForm,
    ConsortiumMemberAddForm,
    ConsortiumMemberRemoveForm,
    ConsortiumSharesForm,
    ConsortiumStateForm,
    ContractDraftsForm,
    ContractStartForm,
    MilestoneForm,
)
from coopforma.tenders.models import ConsortiumState
from coopforma.tenders.views import TendersMixin


class ConsortiumListView(TendersMixin, TemplateView):
    template_name = "tenders/consortium_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["consortiums"] = cs.consortium_list(actor=self.actor)
        return context


class ModeratorFormMixin:
    """A form page of the moderators only (403 for the others, before the form is shown)."""

    actor: Any

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._moderator_only()
        return super().get(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._moderator_only()
        return super().post(request, *args, **kwargs)  # type: ignore[misc,no-any-return]

    def _moderator_only(self) -> None:
        if not self.actor.is_moderator:
            raise PermissionDenied("network.moderate")


class ConsortiumCreateView(TendersMixin, ModeratorFormMixin, ServiceFormView):
    """From a notice: a moderator forms a groupement with the interested member organisations."""

    template_name = "tenders/consortium_form.html"
    form_class = ConsortiumCreateForm
    success_message = _("Groupement formé.")

    def get_notice(self) -> Any:
        return selectors.notice_get(actor=self.actor, idweb=str(self.kwargs["idweb"]))

    def form_extra_kwargs(self) -> dict[str, Any]:
        orgs = cs.interested_organisations(network_id=self.actor.network.pk, notice=self.get_notice())
        return {"organisations": [(o.pk, o.name) for o in orgs]}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["notice"] = self.get_notice()
        return context

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return svc.consortium_create(
            actor=self.actor,
            notice=self.get_notice(),
            form=data["form"],
            mandataire_id=data["mandataire"],
            member_ids=data["members"],
            period_start=data["period_start"],
            period_end=data["period_end"],
        )

    def success_url_for(self, obj: Any) -> str:
        return self.url("consortium", consortium_id=obj.pk)


class ConsortiumMixin(TendersMixin):
    def get_consortium(self) -> Any:
        if not hasattr(self, "_consortium"):
            self._consortium = cs.consortium_get(actor=self.actor, consortium_id=int(self.kwargs["consortium_id"]))
        return self._consortium

    def back(self) -> HttpResponse:
        return redirect(self.url("consortium", consortium_id=self.get_consortium().pk))


class ConsortiumView(ConsortiumMixin, TemplateView):
    template_name = "tenders/consortium_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        consortium = self.get_consortium()
        moderator = self.actor.is_moderator
        team = list(consortium.team.select_related("trainer", "trainer__organisation"))
        context.update(
            consortium=consortium,
            shares=cs.share_rows(consortium),
            team=team,
            proposals=cs.team_proposals(consortium) if moderator else [],
            picked={t.trainer_id for t in team},
            milestones=list(consortium.milestones.select_related("rectified_by")),
            can_edit=moderator,
            forming=consortium.state == ConsortiumState.FORMING,
            state_form=ConsortiumStateForm(initial={"price_cents": consortium.price_cents}),
            milestone_form=MilestoneForm(),
            member_add_form=ConsortiumMemberAddForm(organisations=cs.member_candidates(consortium))
            if moderator and consortium.state == ConsortiumState.FORMING
            else None,
            mandataire_choices=[
                (m.organisation_id, m.organisation.name)
                for m in cs.members(consortium)
                if m.organisation_id != consortium.mandataire_id
            ],
            client_form=BuyerClientForm()
            if consortium.state == ConsortiumState.WON and not consortium.client
            else None,
        )
        return context


class ConsortiumSharesView(ConsortiumMixin, ModeratorFormMixin, ServiceFormView):
    template_name = "tenders/consortium_shares.html"
    form_class = ConsortiumSharesForm
    success_message = _("Parts enregistrées.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        table = cs.share_rows(self.get_consortium())
        return {"rows": table["rows"], "columns": table["columns"]}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["consortium"] = self.get_consortium()
        context["columns"] = cs.share_rows(self.get_consortium())["columns"]
        return context

    def perform(self, form: Any) -> Any:
        return svc.consortium_shares_set(actor=self.actor, consortium=self.get_consortium(), shares=form.shares())

    def success_url_for(self, obj: Any) -> str:
        return self.url("consortium", consortium_id=obj.pk)


class _PostView(ConsortiumMixin, View):
    """A small form of the groupement's page: the service's refusal comes back as a message."""

    http_method_names = ["post"]
    form_class: Any = None
    done_message = ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        consortium = self.get_consortium()
        form = self.form_class(request.POST, **self.form_kwargs(consortium)) if self.form_class else None
        if form is not None and not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label} : {error}" if label else error)
            return self.back()
        try:
            self.perform(consortium, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, self.done_message)
        return self.back()

    def form_kwargs(self, consortium: Any) -> dict[str, Any]:
        return {}

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError


class ConsortiumStateView(_PostView):
    form_class = ConsortiumStateForm
    done_message = _("État du groupement enregistré.")

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        svc.consortium_state_set(
            actor=self.actor,
            consortium=consortium,
            state=data["state"],
            price_cents=data["price_cents"],
            feedback=data["feedback"],
        )


class ConsortiumTeamView(_PostView):
    done_message = _("Équipe enregistrée.")

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        ids = []
        for value in self.request.POST.getlist("trainers"):
            if not value.isdigit():
                raise ValidationError(_("Choisissez l'équipe parmi les formateur·rices proposé·es pour cet avis."))
            ids.append(int(value))
        svc.consortium_team_set(actor=self.actor, consortium=consortium, trainer_ids=ids)


class MemberAddView(_PostView):
    """Add an interested member organisation while the groupement is forming (moderators)."""

    form_class = ConsortiumMemberAddForm
    done_message = _("Membre ajouté au groupement. Donnez-lui ses parts avec « Répartir les lots ».")

    def form_kwargs(self, consortium: Any) -> dict[str, Any]:
        self._moderator_only()
        return {"organisations": cs.member_candidates(consortium)}

    def _moderator_only(self) -> None:
        if not self.actor.is_moderator:
            raise PermissionDenied("network.moderate")

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        svc.consortium_member_add(actor=self.actor, consortium=consortium, organisation_id=data["organisation"])


class MemberRemoveView(MemberAddView):
    """Remove a member while forming; the mandataire with another member named in its place."""

    form_class = ConsortiumMemberRemoveForm
    done_message = _("Membre retiré du groupement.")

    def form_kwargs(self, consortium: Any) -> dict[str, Any]:
        self._moderator_only()
        return {"organisations": [(m.organisation_id, m.organisation.name) for m in cs.members(consortium)]}

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        svc.consortium_member_remove(
            actor=self.actor,
            consortium=consortium,
            organisation_id=int(self.kwargs["organisation_id"]),
            new_mandataire_id=data["mandataire"],
        )


class MilestoneCreateView(_PostView):
    form_class = MilestoneForm
    done_message = _("Étape ajoutée au calendrier.")

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        svc.milestone_create(actor=self.actor, consortium=consortium, **data)


class MilestoneDeleteView(_PostView):
    done_message = _("Étape retirée.")

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        svc.milestone_delete(actor=self.actor, consortium=consortium, milestone_id=int(self.kwargs["milestone_id"]))


class BuyerClientView(_PostView):
    form_class = BuyerClientForm
    done_message = _("L'acheteur est client de l'organisation mandataire.")

    def perform(self, consortium: Any, data: dict[str, Any]) -> None:
        svc.consortium_client_create(actor=self.actor, consortium=consortium, **data)


class ContractStartView(ConsortiumMixin, ServiceFormView):
    """A won groupement: its draft sessions per lot in the mandataire's organisation and the lots' billing data.
    Readable by those who read the groupement; the service lets only a person of the mandataire do it."""

    template_name = "tenders/consortium_contract.html"
    form_class = ContractStartForm
    success_message = _("Sessions créées en brouillon dans l'organisation mandataire ; facturation par lot prête.")

    def form_extra_kwargs(self) -> dict[str, Any]:
        consortium = self.get_consortium()
        return {
            "lots": cs.answered_lots(consortium),
            "trainings": [(t.pk, t.title) for t in cs.mandataire_trainings(consortium)],
        }

    def get_initial(self) -> dict[str, Any]:
        client = self.get_consortium().client
        return {"buyer_siret": client.siret if client else ""}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        consortium = self.get_consortium()
        context["consortium"] = consortium
        context["contracts"] = cs.lot_contracts(consortium)
        context["ready"] = consortium.state == ConsortiumState.WON and consortium.client_id is not None
        return context

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        consortium = self.get_consortium()
        svc.contract_start(
            actor=self.actor,
            consortium=consortium,
            lots=form.lots(),
            buyer_siret=data["buyer_siret"],
            chorus_service_code=data["chorus_service_code"],
            commitment_number=data["commitment_number"],
        )
        return consortium

    def get_success_message(self, obj: Any) -> str:
        return str(self.success_message)

    def success_url_for(self, obj: Any) -> str:
        return self.url("consortium_contract", consortium_id=obj.pk)


class ContractDraftsView(ConsortiumMixin, ServiceFormView):
    """A started contract: the lots' draft invoices to the buyer, and its provisional enrolments when its
    trainees are known (else the planned headcount). Readable by those who read the groupement; the service lets
    only a person of the mandataire allowed to bill do it."""

    template_name = "tenders/consortium_contract_drafts.html"
    form_class = ContractDraftsForm

    def contracts(self) -> list[Any]:
        return cs.lot_contracts(self.get_consortium())

    def form_extra_kwargs(self) -> dict[str, Any]:
        consortium = self.get_consortium()
        return {
            "contracts": self.contracts(),
            "trainees": [(t.pk, t.full_name) for t in cs.buyer_trainees(consortium)],
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contracts = self.contracts()
        context["consortium"] = self.get_consortium()
        context["contracts"] = contracts
        context["done"] = any(c.invoice_id or c.enrolment_id for c in contracts)
        return context

    def perform(self, form: Any) -> Any:
        consortium = self.get_consortium()
        svc.contract_drafts_create(
            actor=self.actor, consortium=consortium, trainees=form.trainees(), headcounts=form.headcounts()
        )
        return consortium

    def get_success_message(self, obj: Any) -> str:
        return _("Brouillons préparés dans l'organisation mandataire : émettez les factures depuis la facturation.")

    def success_url_for(self, obj: Any) -> str:
        return self.url("consortium_contract_drafts", consortium_id=obj.pk)


class KitView(ConsortiumMixin, TemplateView):
    """The response kit, from the records: a readable page."""

    template_name = "tenders/consortium_kit.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["consortium"] = self.get_consortium()
        context["kit"] = cs.response_kit(self.get_consortium())
        return context


class CalendarView(ConsortiumMixin, View):
    """The groupement's dates as an iCalendar file (for the people who read the groupement, logged in)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(calendar_bytes(self.get_consortium()), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="groupement.ics"'
        return response


class CalendarFeedView(ConsortiumMixin, TemplateView):
    """My secret address of the groupement's calendar (for a calendar app): made or renewed (shown once), or
    revoked. For those who read the groupement."""

    template_name = "tenders/consortium_feed.html"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        consortium = self.get_consortium()
        if request.POST.get("action") == "revoke":
            svc.calendar_feed_revoke(actor=self.actor, consortium=consortium)
            messages.success(request, _("L'adresse d'agenda de ce groupement ne fonctionne plus."))
            return self.back()
        token = svc.calendar_feed_renew(actor=self.actor, consortium=consortium)
        url = absolute_url(
            reverse("tenders:calendar_feed", kwargs={"network": self.actor.network.slug, "token": token})
        )
        return self.render_to_response(self.get_context_data(consortium=consortium, new_url=url))


def calendar_feed(request: HttpRequest, network: str, token: str) -> HttpResponse:
    """The groupement's iCalendar file at a secret address (no login: calendar apps cannot log in); 404 under
    another network's slug."""
    consortium = cs.consortium_by_feed_token(token=token)
    if consortium.network.slug != network:
        raise Http404
    response = HttpResponse(calendar_bytes(consortium), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="groupement.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _file_response(field: Any) -> HttpResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field.name))


class KitCvView(ConsortiumMixin, View):
    """The CV file of a team trainer, for those who read the groupement (never a public media file)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        trainer = cs.kit_cv_file(self.get_consortium(), int(kwargs["trainer_id"]))
        return _file_response(trainer.cv)


class KitCertificateView(ConsortiumMixin, View):
    """A member's Qualiopi certificate file, for those who read the groupement."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proof = cs.kit_certificate_file(self.get_consortium(), int(kwargs["organisation_id"]))
        return _file_response(proof.file)


class KitPdfView(ConsortiumMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        consortium = self.get_consortium()
        response = HttpResponse(kit_pdf(cs.response_kit(consortium)), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="dossier-{consortium.notice.idweb}.pdf"'
        return response


class KitJsonView(ConsortiumMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return JsonResponse(cs.response_kit(self.get_consortium()), json_dumps_params={"ensure_ascii": False})
