# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the certifiers directory (docs/certifiers.md).

The network's (/reseaux/<network>/certificateurs/…, flag `certifiers.view`, agreements `certifiers.manage`): the
directory with the network's figures, a certifier's page, the audit calendar, the group agreements, a consented
review. The organisation's (/o/<org>/certificateur/…, flag `quality.manage`): « Mon certificateur et mes
audits », its reviews and their consent.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgFormView, OrgViewMixin
from coopforma.networks.views import NetworkFormView, NetworkPostView, NetworkViewMixin
from coopforma.registry import selectors_certifiers as selectors
from coopforma.registry import services_certifiers as services
from coopforma.registry.forms import (
    AgreementForm,
    CalendarFilterForm,
    CertifierChoiceForm,
    DirectoryFilterForm,
    ReviewForm,
    review_initial,
)

VIEW = "certifiers.view"
MANAGE = "certifiers.manage"
REVIEW = "quality.manage"


# --- the network's pages --------------------------------------------------------------------------------------


class DirectoryView(NetworkViewMixin, TemplateView):
    template_name = "registry/directory.html"
    required_flag = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = DirectoryFilterForm(self.request.GET)
        kind = form.cleaned_data["type"] if form.is_valid() else ""
        certifiers = list(selectors.certifier_list(kind=kind))
        figures = selectors.network_figures(actor=self.actor, certifiers=certifiers)
        context.update(
            filter_form=form,
            rows=[figures[c.pk] for c in certifiers],
            agreements=selectors.agreement_list(actor=self.actor),
            min_reviews=selectors.MIN_REVIEWS,
            can_manage=self.actor.has(MANAGE),
        )
        return context


class CertifierView(NetworkViewMixin, TemplateView):
    template_name = "registry/certifier.html"
    required_flag = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        certifier = selectors.certifier_get(code=str(self.kwargs["code"]))
        context.update(
            certifier=certifier,
            figures=selectors.network_figures(actor=self.actor, certifiers=[certifier])[certifier.pk],
            members=selectors.certifier_members(actor=self.actor, certifier=certifier),
            reviews=selectors.network_reviews(actor=self.actor, certifier=certifier),
            agreements=selectors.agreement_list(actor=self.actor, certifier=certifier),
            calendar=selectors.network_calendar(actor=self.actor, today=timezone.localdate(), certifier=certifier),
            min_reviews=selectors.MIN_REVIEWS,
        )
        return context


class CalendarView(NetworkViewMixin, TemplateView):
    template_name = "registry/calendar.html"
    required_flag = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = CalendarFilterForm(self.request.GET)
        by = (form.cleaned_data["par"] if form.is_valid() else "") or "mois"
        calendar = selectors.network_calendar(actor=self.actor, today=timezone.localdate())
        context.update(
            filter_form=form,
            by=by,
            calendar=calendar,
            groups=calendar.by_certifier() if by == "certificateur" else calendar.by_month(),
        )
        return context


class ReviewView(NetworkViewMixin, TemplateView):
    """One consented review of a member organisation (404 for any other, even by id)."""

    template_name = "registry/review.html"
    required_flag = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["review"] = selectors.network_review_get(actor=self.actor, review_id=int(self.kwargs["review_id"]))
        return context


class AgreementCreateView(NetworkFormView):
    template_name = "registry/agreement_form.html"
    form_class = AgreementForm
    required_flag = MANAGE

    def perform(self, form: Any) -> Any:
        return services.agreement_create(actor=self.actor, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _("Accord « %(name)s » enregistré : les membres du réseau le voient.") % {"name": obj.title}

    def success_url_for(self, obj: Any) -> str:
        return reverse("certifiers:agreement", kwargs={"network": self.actor.network.slug, "agreement_id": obj.pk})


class AgreementView(NetworkViewMixin, TemplateView):
    template_name = "registry/agreement.html"
    required_flag = VIEW

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["agreement"] = selectors.agreement_get(actor=self.actor, agreement_id=int(self.kwargs["agreement_id"]))
        context["can_manage"] = self.actor.has(MANAGE)
        return context


class AgreementDocumentView(NetworkViewMixin, View):
    required_flag = VIEW

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agreement = selectors.agreement_get(actor=self.actor, agreement_id=int(kwargs["agreement_id"]))
        if not agreement.document:
            raise Http404
        return FileResponse(
            agreement.document.open("rb"), as_attachment=True, filename=f"accord-{agreement.pk}.pdf",
            content_type="application/pdf",
        )  # fmt: skip


class AgreementDeleteView(NetworkPostView):
    required_flag = MANAGE

    def next_url(self) -> str:
        return reverse("certifiers:directory", kwargs={"network": self.actor.network.slug})

    def act(self) -> str:
        agreement = selectors.agreement_get(actor=self.actor, agreement_id=int(self.kwargs["agreement_id"]))
        services.agreement_delete(actor=self.actor, agreement_id=agreement.pk)
        return _("Accord « %(name)s » supprimé.") % {"name": agreement.title}


# --- the organisation's pages ---------------------------------------------------------------------------------


class MyCertifierView(OrgFormView):
    """« Mon certificateur et mes audits »: the certifier (chosen, or suggested from the free-text name of the
    settings), the certificate's audit calendar, the reviews."""

    template_name = "registry/my_certifier.html"
    form_class = CertifierChoiceForm
    required_flag = REVIEW

    def own(self) -> selectors.OwnCertifier:
        if not hasattr(self, "_own"):
            self._own = selectors.own_certifier(actor=self.actor, today=timezone.localdate())
        return self._own

    def get_initial(self) -> dict[str, Any]:
        own = self.own()
        certifier = own.certifier
        return {
            "certifier": certifier.pk if certifier else None,
            "visible_to_network": own.choice.visible_to_network if own.choice else False,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["own"] = self.own()
        context["reviews"] = selectors.own_reviews(actor=self.actor)
        return context

    def perform(self, form: Any) -> Any:
        return services.certifier_choose(actor=self.actor, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _("Certificateur enregistré : %(name)s.") % {"name": obj.certifier}


class ReviewCreateView(OrgFormView):
    template_name = "registry/review_form.html"
    form_class = ReviewForm
    required_flag = REVIEW

    def get_initial(self) -> dict[str, Any]:
        certifier = selectors.own_certifier(actor=self.actor, today=timezone.localdate()).certifier
        return {"certifier": certifier.pk if certifier else None}

    def perform(self, form: Any) -> Any:
        return services.review_create(actor=self.actor, **form.service_fields())

    def get_success_message(self, obj: Any) -> str:
        return _("Avis enregistré.")

    def success_url_for(self, obj: Any) -> str:
        return reverse("org_certifier:mine", kwargs={"org": self.actor.organisation.slug})


class ReviewEditView(OrgFormView):
    template_name = "registry/review_form.html"
    form_class = ReviewForm
    required_flag = REVIEW

    def review(self) -> Any:
        return selectors.own_review_get(actor=self.actor, review_id=int(self.kwargs["review_id"]))

    def get_initial(self) -> dict[str, Any]:
        return review_initial(self.review())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["review"] = self.review()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.review()  # 404 before the form is read
        return super().post(request, *args, **kwargs)

    def perform(self, form: Any) -> Any:
        return services.review_update(
            actor=self.actor, review_id=int(self.kwargs["review_id"]), **form.service_fields()
        )

    def get_success_message(self, obj: Any) -> str:
        return _("Avis modifié.")

    def success_url_for(self, obj: Any) -> str:
        return reverse("org_certifier:mine", kwargs={"org": self.actor.organisation.slug})


class ReviewDeleteView(OrgViewMixin, View):
    required_flag = REVIEW
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        review = selectors.own_review_get(actor=self.actor, review_id=int(kwargs["review_id"]))
        try:
            services.review_delete(actor=self.actor, review_id=review.pk)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Avis supprimé."))
        return redirect("org_certifier:mine", org=self.actor.organisation.slug)
