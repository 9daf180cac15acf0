# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every page of the exchanges shares: the person in the network (`self.actor`, 404 when the network does not
exist), 403 unless they may join the exchanges (`exchanges.access.can_join`) or, with `facilitator_only`,
facilitate them."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from coopforma.exchanges.access import can_facilitate, require_facilitate, require_join
from coopforma.exchanges.mail_selectors import can_edit_texts, can_read_outbox
from coopforma.networks.access import NetworkActor, network_actor


class ExchangesMixin(LoginRequiredMixin):
    facilitator_only = False
    actor: NetworkActor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.actor = network_actor(request.user, str(kwargs["network"]), space=False)  # type: ignore[arg-type]
        if self.facilitator_only:
            require_facilitate(self.actor)
        else:
            require_join(self.actor)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["network_actor"] = self.actor
        context["network"] = self.actor.network
        context["is_facilitator"] = can_facilitate(self.actor)
        context["can_read_outbox"] = can_read_outbox(self.actor)  # the network's e-mails (views/mails.py)
        context["can_edit_texts"] = can_edit_texts(self.actor)
        return context  # type: ignore[no-any-return]

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"exchanges:{name}", kwargs={"network": self.actor.network.slug, **kwargs})
