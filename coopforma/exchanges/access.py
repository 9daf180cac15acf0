# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what in a network's exchanges of know-how, on top of `networks.access`.

- join (state offers and requests, take part): a person with a role in the network (`exchanges.join`), or a
  manager of one of its partner structures (for their structure);
- facilitate (every suggestion, arrange meetings, plan exchanges, turn one into a training action):
  `exchanges.facilitate` (moderators and the network's facilitators);
- an exchange is read by its participants, its facilitator and the network's facilitators, nobody else.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from coopforma.networks.access import NetworkActor


def can_join(actor: NetworkActor) -> bool:
    return actor.has("exchanges.join") or bool(actor.managed_partner_ids)


def can_facilitate(actor: NetworkActor) -> bool:
    return actor.has("exchanges.facilitate")


def require_join(actor: NetworkActor) -> None:
    if not can_join(actor):
        raise PermissionDenied("exchanges.join")


def require_facilitate(actor: NetworkActor) -> None:
    if not can_facilitate(actor):
        raise PermissionDenied("exchanges.facilitate")
