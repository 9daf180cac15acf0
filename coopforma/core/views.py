# SPDX-License-Identifier: AGPL-3.0-or-later
"""The health check, and the two bases of the pages every app builds on (`accounts.mixins.OrgFormView` and
`OrgListView` add the organisation scope: core imports no domain app).

- `ServiceFormView`: a form whose valid data goes to one service. The one hook is `perform(form)`, which calls the
  service and returns the object; the service's ValidationError is shown next to the fields it names (nothing
  typed is lost), otherwise a success message and a redirect.
- `FilteredListView`: a filtered, paginated list. `get_queryset(filters)` calls the selector; the filter form is
  shown by `templates/includes/filters.html`; with htmx the page's `#results` region is refreshed.
- `is_htmx(request)`: the one check for a request that htmx sends to swap part of a page.
"""

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from coopforma.core.forms import add_service_errors
from coopforma.core.pagination import paginate


def healthz(request: HttpRequest) -> JsonResponse:
    """For the proxy / orchestrator: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx sends to swap part of a page (a boosted link or form wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


class ServiceFormView(FormView):
    """A form answered by one service call.

    Override `perform(form)` (call the service, return the object it wrote). Optional: `get_object()` (the
    record edited, passed to the form as `instance` and to the template as `object`), `form_extra_kwargs()`,
    `success_message` (`%(name)s` is the object) or `get_success_message(obj)`, `success_url_for(obj)`
    (default: the same page).
    """

    success_message: Any = ""

    def get_object(self) -> Model | None:
        return None

    @cached_property
    def object(self) -> Model | None:
        return self.get_object()

    def form_extra_kwargs(self) -> dict[str, Any]:
        return {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        kwargs.update(self.form_extra_kwargs())
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("object", self.object)
        return context

    def perform(self, form: Any) -> Any:
        """Call the service with the form's data; return what it wrote (raise ValidationError to refuse)."""
        raise NotImplementedError

    def get_success_message(self, obj: Any) -> str:
        return str(self.success_message) % {"name": obj} if self.success_message else ""

    def success_url_for(self, obj: Any) -> str:
        return self.request.path

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            obj = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.done(obj)

    def done(self, obj: Any) -> HttpResponse:
        """After the service succeeded: the message, then the redirect (an htmx view may answer a fragment)."""
        message = self.get_success_message(obj)
        if message:
            messages.success(self.request, message)
        return redirect(self.success_url_for(obj))


def filter_values(form: BaseForm) -> dict[str, Any]:
    """A filter form's values for the selector ({} when what was typed is not valid: the unfiltered list)."""
    if hasattr(form, "filters"):
        return form.filters()  # type: ignore[no-any-return]
    return dict(form.cleaned_data) if form.is_valid() else {}


class FilteredListView(TemplateView):
    """A filtered, paginated list.

    Set `filter_form_class` (its `filters()` gives the selector's filters) and override `get_queryset(filters)`.
    The context has `filter_form`, `page_obj`, `filtered` (a filter is set) and, if `context_object_name` is
    set, the page's rows under that name. With `results_template_name`, an htmx request gets only the results.
    """

    filter_form_class: type[BaseForm] | None = None
    context_object_name: str | None = None
    results_template_name: str | None = None

    def filter_form_kwargs(self) -> dict[str, Any]:
        return {}

    def get_filter_form(self) -> BaseForm | None:
        if self.filter_form_class is None:
            return None
        return self.filter_form_class(self.request.GET or None, **self.filter_form_kwargs())

    def get_queryset(self, filters: dict[str, Any]) -> Any:
        raise NotImplementedError

    def get_template_names(self) -> list[str]:
        if self.results_template_name and is_htmx(self.request):
            return [self.results_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.get_filter_form()
        filters = filter_values(form) if form is not None and form.is_bound else {}
        page = paginate(self.request, self.get_queryset(filters))
        context.update(
            filter_form=form,
            page_obj=page,
            filtered=any(value for key, value in self.request.GET.items() if key != "page"),
        )
        if self.context_object_name:
            context[self.context_object_name] = page.object_list
        return context
