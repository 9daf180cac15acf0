# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Actor: who acts, in which organisation, with which role. Every selector and service takes one."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from coopforma.accounts.models import Membership, Organisation, User
from coopforma.accounts.roles import Role, flags_for


@dataclass
class Actor:
    user: User
    organisation: Organisation
    role: str
    flags: frozenset[str]
    # Filled lazily by the people app (member structures managed, trainer profile): see people.selectors.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def require(self, flag: str) -> None:
        if flag not in self.flags:
            raise PermissionDenied(flag)

    @property
    def sees_all(self) -> bool:
        return "org.view_all" in self.flags

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def organisation_id(self) -> int:
        return self.organisation.pk

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) @ {self.organisation.slug}"


def actor_for(user: User, organisation: Organisation, role: str) -> Actor:
    return Actor(user=user, organisation=organisation, role=role, flags=flags_for(role))


def actor_from_slug(user: User, slug: str) -> Actor:
    """The user's actor in the organisation `slug`; 404 when it does not exist or is not theirs."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=slug, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return actor_for(user, membership.organisation, membership.role)
