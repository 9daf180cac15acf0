# SPDX-License-Identifier: AGPL-3.0-or-later
"""core.views: the one htmx check, the form base (a service's refusal is shown on the form, nothing redirects),
the list base (filters, pagination, the htmx results template)."""

from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.test import RequestFactory

from coopforma.core.views import FilteredListView, ServiceFormView, filter_values, is_htmx


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str = "get", data: dict | None = None, **headers: str):  # type: ignore[no-untyped-def]
    request = getattr(RequestFactory(), method)("/x/", data or {}, headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_is_htmx_means_a_partial_swap():
    assert is_htmx(_request(**{"HX-Request": "true"}))
    assert not is_htmx(_request())
    assert not is_htmx(_request(**{"HX-Request": "true", "HX-Boosted": "true"}))


class Saving(ServiceFormView):
    form_class = NameForm
    template_name = "unused.html"
    success_message = "« %(name)s » enregistré."
    written: list[str] = []

    def perform(self, form: NameForm) -> str:
        if form.cleaned_data["name"] == "refusé":
            raise ValidationError({"name": "Ce nom est refusé par le service."})
        self.written.append(form.cleaned_data["name"])
        return form.cleaned_data["name"]

    def success_url_for(self, obj: str) -> str:
        return f"/done/{obj}/"


def test_the_service_refusal_is_shown_next_to_the_field_and_nothing_is_written():
    Saving.written = []
    response = Saving.as_view()(_request("post", {"name": "refusé"}))
    assert isinstance(response, TemplateResponse) and response.status_code == 200
    assert response.context_data["form"].errors == {"name": ["Ce nom est refusé par le service."]}
    assert Saving.written == []


def test_a_valid_form_calls_the_service_says_so_and_redirects():
    Saving.written = []
    request = _request("post", {"name": "Lou"})
    response = Saving.as_view()(request)
    assert response.status_code == 302 and response["Location"] == "/done/Lou/"
    assert Saving.written == ["Lou"]
    assert [str(m) for m in request._messages] == ["« Lou » enregistré."]


class FilterForm(forms.Form):
    q = forms.CharField(required=False)


class Listing(FilteredListView):
    template_name = "list.html"
    results_template_name = "_results.html"
    filter_form_class = FilterForm
    context_object_name = "rows"
    seen: list[dict] = []

    def get_queryset(self, filters: dict) -> list[str]:
        self.seen.append(filters)
        return [f"r{i}" for i in range(60)]


def test_the_list_base_filters_paginates_and_answers_htmx_with_the_results_only():
    Listing.seen = []
    response = Listing.as_view()(_request(data={"q": "cae", "page": "2"}))
    assert Listing.seen == [{"q": "cae"}]
    assert response.context_data["filtered"] is True
    assert list(response.context_data["rows"]) == [f"r{i}" for i in range(50, 60)]
    assert response.template_name == ["list.html"]
    assert Listing.as_view()(_request(**{"HX-Request": "true"})).template_name == ["_results.html"]
    unfiltered = Listing.as_view()(_request())
    assert unfiltered.context_data["filtered"] is False and Listing.seen[-1] == {}


def test_filter_values_ignore_an_invalid_filter():
    class Strict(forms.Form):
        year = forms.IntegerField(required=False)

    assert filter_values(Strict({"year": "abc"})) == {}
    assert filter_values(Strict({"year": "2026"})) == {"year": 2026}
