# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what in a network's référentiel, from the person's role in the network (`networks.access`).

Members of the network (any role) propose and comment (`referentiel.propose`); the committee (role committee or
moderator) decides and publishes (`referentiel.decide`); anyone reads published versions of a public network.
"""

from typing import Any

from coopforma.networks.access import flags_for, person_role
from coopforma.networks.models import Network


def network_role(user: Any, network: Network) -> str | None:
    """The user's role in `network` (a NetworkRole value), or None (anonymous, or not in the network)."""
    return person_role(user, network) or None


def is_member(user: Any, network: Network) -> bool:
    role = network_role(user, network)
    return role is not None and "referentiel.propose" in flags_for(role)


def is_committee(user: Any, network: Network) -> bool:
    role = network_role(user, network)
    return role is not None and "referentiel.decide" in flags_for(role)


def may_validate_trainers(user: Any, network: Network) -> bool:
    """Validates the competencies that trainers of member organisations declare (the committee)."""
    role = network_role(user, network)
    return role is not None and "referentiel.validate_trainer" in flags_for(role)
