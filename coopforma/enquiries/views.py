# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public request forms (/f/<org>/…/demande/) and the back office's « Demandes » (/o/<org>/demandes/)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgFormView, OrgListView, OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.core.throttle import throttle
from coopforma.enquiries import selectors, services
from coopforma.enquiries.forms import (
    HONEYPOT,
    EnquiryConvertForm,
    EnquiryFilterForm,
    EnquiryStatusForm,
    PublicEnquiryForm,
    PublicEnrolmentForm,
    PublicQuoteForm,
    started_token,
)
from coopforma.enquiries.models import Enquiry, EnquiryKind

# --- Public forms -----------------------------------------------------------------------------------------------


def _public_form(
    request: HttpRequest,
    form_class: type[PublicEnquiryForm],
    context: dict[str, Any],
    submit: Any,
) -> HttpResponse:
    organisation = context["organisation"]
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            # A robot filled the field people never see: it reads the same thanks, nothing is written.
            return render(request, "enquiries/public_done.html", {**context, "kind": context["kind"]})
        form = form_class(request.POST)
        if form.is_valid():
            try:
                enquiry = submit(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render(request, "enquiries/public_done.html", {**context, "kind": enquiry.kind})
    else:
        form = form_class(initial={"started": started_token()})
    if form.is_bound:
        # The instant the form was first shown stays (the minimum time runs from it), unless it was refused.
        data = form.data.copy()
        if form.non_field_errors():
            data["started"] = started_token()
        form.data = data
    return render(
        request,
        "enquiries/public_form.html",
        {**context, "form": form, "honeypot": HONEYPOT, "organisation": organisation},
    )


@throttle("public_request", by=["ip", "email"])
def public_enrolment(request: HttpRequest, org: str, session: int) -> HttpResponse:
    """« Demander une inscription » on a public upcoming session; a waiting-list request when it is full."""
    found = selectors.public_session_get(organisation_slug=org, session_id=session)
    full = selectors.session_is_full(found)
    context = {
        "organisation": found.training.organisation,
        "training": found.training,
        "session": found,
        "full": full,
        "kind": EnquiryKind.WAITING_LIST if full else EnquiryKind.ENROLMENT,
        "places_left": selectors.places_left(found),
    }

    def submit(form: PublicEnquiryForm) -> Enquiry:
        return services.enquiry_submit(
            organisation_slug=org,
            session_id=found.pk,
            data=form.service_data(),
            consent=bool(form.cleaned_data.get("consent")),
        )

    return _public_form(request, PublicEnrolmentForm, context, submit)


@throttle("public_request", by=["ip", "email"])
def public_quote(request: HttpRequest, org: str, training: int) -> HttpResponse:
    """« Demander un devis / une session intra » on a published training."""
    found = selectors.public_training_get(organisation_slug=org, training_id=training)
    context = {"organisation": found.organisation, "training": found, "session": None, "kind": EnquiryKind.QUOTE}

    def submit(form: PublicEnquiryForm) -> Enquiry:
        return services.enquiry_submit(
            organisation_slug=org,
            training_id=found.pk,
            data=form.service_data(),
            consent=bool(form.cleaned_data.get("consent")),
        )

    return _public_form(request, PublicQuoteForm, context, submit)


# --- Back office ------------------------------------------------------------------------------------------------


class EnquiryListView(OrgListView):
    template_name = "enquiries/list.html"
    required_flag = "enquiries.view"
    filter_form_class = EnquiryFilterForm

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        return selectors.enquiry_list(actor=self.actor, filters=filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["counts"] = selectors.enquiry_counts(actor=self.actor)
        return context


class EnquiryDetailView(OrgViewMixin, TemplateView):
    template_name = "enquiries/detail.html"
    required_flag = "enquiries.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = selectors.enquiry_page(actor=self.actor, enquiry_id=int(kwargs["pk"]))
        context.update(
            page=page,
            enquiry=page.enquiry,
            history=page.history,
            status_form=EnquiryStatusForm(initial={"status": page.enquiry.status}),
            convert_form=EnquiryConvertForm(sessions=page.sessions, initial={"session": page.enquiry.session_id}),
        )
        return context


class _EnquiryFormView(OrgFormView):
    """A form about one request: the request is found (404 for « missing or not yours ») before anything else."""

    required_flag = "enquiries.manage"

    @cached_property
    def page(self) -> selectors.EnquiryPage:
        return selectors.enquiry_page(actor=self.actor, enquiry_id=int(self.kwargs["pk"]))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.page  # noqa: B018 - 404 before the form
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.page  # noqa: B018 - 404 before the form
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(page=self.page, enquiry=self.page.enquiry)
        return context

    def success_url_for(self, obj: Any) -> str:
        return reverse("enquiries_office:detail", kwargs={"org": self.actor.organisation.slug, "pk": self.kwargs["pk"]})


class EnquiryStatusView(_EnquiryFormView):
    template_name = "enquiries/status_form.html"
    form_class = EnquiryStatusForm

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.page.enquiry.status}

    def perform(self, form: Any) -> Any:
        return services.enquiry_set_status(
            actor=self.actor,
            enquiry_id=self.page.enquiry.pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data.get("note") or "",
        )

    def get_success_message(self, obj: Any) -> str:
        return _("État de la demande : « %(status)s ».") % {"status": obj.get_status_display()}


class EnquiryConvertView(_EnquiryFormView):
    """Conversion in one step: `into` is client, enrolment or quote."""

    template_name = "enquiries/convert.html"
    form_class = EnquiryConvertForm
    into = "client"

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {"sessions": self.page.sessions, "with_session": self.into != "client"}

    def get_initial(self) -> dict[str, Any]:
        return {"session": self.page.enquiry.session_id}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["into"] = self.into
        return context

    def perform(self, form: Any) -> Any:
        pk = self.page.enquiry.pk
        if self.into == "client":
            return services.enquiry_convert_client(actor=self.actor, enquiry_id=pk)
        session = form.cleaned_data.get("session")
        arguments = {
            "actor": self.actor,
            "enquiry_id": pk,
            "session_id": session.pk if session else None,
            "confirm_full": bool(form.cleaned_data.get("confirm_full")),
        }
        if self.into == "enrolment":
            return services.enquiry_convert_enrolment(**arguments)
        return services.enquiry_convert_quote(**arguments)

    def get_success_message(self, obj: Any) -> str:
        if self.into == "client":
            return _("Demande convertie : client « %(name)s ».") % {"name": obj}
        if self.into == "enrolment":
            return _("Demande convertie : pré-inscription de « %(client)s » à « %(session)s ».") % {
                "client": obj.client,
                "session": obj.session,
            }
        return _("Demande convertie : devis en brouillon pour « %(client)s ».") % {"client": obj.recipient_name}
