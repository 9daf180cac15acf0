# SPDX-License-Identifier: AGPL-3.0-or-later
"""`{% exchange_bridge_box exchange as box %}`: what the exchange page shows of the bridge to a training action to
the person reading it (`exchanges.bridge.bridge_box`)."""

from typing import Any

from django import template

from coopforma.exchanges.bridge import BridgeBox, bridge_box
from coopforma.networks.access import actor_for

register = template.Library()


@register.simple_tag(takes_context=True)
def exchange_bridge_box(context: template.Context, exchange: Any) -> BridgeBox:
    if exchange is None:
        return BridgeBox()
    actor = context.get("network_actor")
    if actor is None or actor.network.pk != exchange.network_id:
        request = context.get("request")
        if request is None:
            return BridgeBox()
        actor = actor_for(request.user, exchange.network)
    return bridge_box(actor=actor, exchange=exchange)
