# SPDX-License-Identifier: AGPL-3.0-or-later
"""What `_ask.html` and `_consent.html` need from facilitation, whichever part's page includes them."""

from typing import Any

from django import template

from coopforma.exchanges import facilitation
from coopforma.exchanges.models import Exchange, Listing, Participant
from coopforma.networks.access import NetworkActor, actor_for

register = template.Library()


def _actor(context: template.Context, network: Any) -> NetworkActor | None:
    actor = context.get("network_actor")
    if isinstance(actor, NetworkActor) and actor.network.pk == network.pk:
        return actor
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return actor_for(request.user, network)


@register.simple_tag(takes_context=True)
def ask_options(context: template.Context, listing: Listing) -> list[Listing]:
    """The viewer's own open listings of the other kind, to ask for a meeting on `listing`."""
    actor = _actor(context, listing.network)
    return facilitation.ask_options(actor=actor, listing=listing) if actor is not None else []


@register.simple_tag(takes_context=True)
def exchange_contacts(context: template.Context, exchange: Exchange, participants: Any = None) -> dict[str, Any]:
    """The viewer's participations (their consent) and the contact details they may see in `exchange`."""
    actor = _actor(context, exchange.network)
    if actor is None:
        return {"mine": [], "contacts": [], "facilitator": False}
    rows = list(participants) if participants is not None else None
    if rows is not None and not all(isinstance(p, Participant) for p in rows):
        rows = None
    return facilitation.contacts_for(actor=actor, exchange=exchange, participants=rows)
