# SPDX-License-Identifier: AGPL-3.0-or-later
"""One mixin for every organisation page: resolves the actor from the URL and checks a flag; the two bases
of the organisation's form and list pages (the mechanics are in `core.views`)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse

from coopforma.accounts.actor import Actor, actor_from_slug
from coopforma.core.views import FilteredListView, ServiceFormView


class OrgViewMixin(LoginRequiredMixin):
    """Views under /o/<org>/: `self.actor` is set; `required_flag` (if any) gives 403 when missing."""

    required_flag: str | None = None
    actor: Actor

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.actor = actor_from_slug(request.user, str(kwargs["org"]))
        request.actor = self.actor  # type: ignore[attr-defined]
        if self.required_flag:
            self.actor.require(self.required_flag)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["actor"] = self.actor
        context["org"] = self.actor.organisation
        return context


class OrgFormView(OrgViewMixin, ServiceFormView):
    """A form under /o/<org>/ answered by one service: override `perform(form)` (see `core.views`)."""


class OrgListView(OrgViewMixin, FilteredListView):
    """A filtered, paginated list under /o/<org>/: override `get_queryset(filters)` (see `core.views`)."""
