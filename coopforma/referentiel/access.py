# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what in a network's référentiel: one function, `network_role`, reads the person's role.

Members of the network (any role) propose and comment; the committee (role committee or moderator) decides and
publishes; anyone reads published versions of a public network. `network_role` is the one place that reads
`NetworkPerson`: when networks/access.py lands, it becomes a call to it.
"""

from typing import Any

from coopforma.networks.models import Network, NetworkPerson, NetworkRole

COMMITTEE_ROLES = {NetworkRole.COMMITTEE, NetworkRole.MODERATOR}


def network_role(user: Any, network: Network) -> str | None:
    """The user's role in `network` (a NetworkRole value), or None (anonymous, or not in the network)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return NetworkPerson.objects.filter(network=network, user=user).values_list("role", flat=True).first()


def is_member(user: Any, network: Network) -> bool:
    return network_role(user, network) is not None


def is_committee(user: Any, network: Network) -> bool:
    return network_role(user, network) in COMMITTEE_ROLES
