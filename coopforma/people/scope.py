# SPDX-License-Identifier: AGPL-3.0-or-later
"""What an actor may see beyond their role: the member structures they manage, their trainer profile.

The visibility rules of the whole OF, in one place:
- admin and quality manager (flag `org.view_all`): everything in the organisation;
- member-structure manager: their structure(s) — its trainers, trainings, sessions, clients and trainees;
- trainer: their own profile; the trainings of their structure and those they teach; the sessions they
  teach; the clients of their structure and the clients enrolled in their sessions.
"""

from dataclasses import dataclass

from coopforma.accounts.actor import Actor
from coopforma.accounts.roles import Role
from coopforma.people.models import MemberStructure, Trainer


@dataclass(frozen=True)
class Scope:
    all: bool
    member_structure_ids: frozenset[int]
    trainer_id: int | None


def actor_scope(actor: Actor) -> Scope:
    """Computed once per actor (one or two queries), then cached on it."""
    cached = actor.cache.get("scope")
    if cached is not None:
        return cached
    if actor.sees_all:
        scope = Scope(all=True, member_structure_ids=frozenset(), trainer_id=None)
    elif actor.role == Role.MEMBER_MANAGER:
        ids = MemberStructure.objects.filter(organisation=actor.organisation, managers=actor.user).values_list(
            "pk", flat=True
        )
        scope = Scope(all=False, member_structure_ids=frozenset(ids), trainer_id=None)
    else:
        trainer = (
            Trainer.objects.filter(organisation=actor.organisation, user=actor.user)
            .values("pk", "member_structure_id")
            .first()
        )
        scope = Scope(
            all=False,
            member_structure_ids=frozenset([trainer["member_structure_id"]] if trainer else []) - {None},
            trainer_id=trainer["pk"] if trainer else None,
        )
    actor.cache["scope"] = scope
    return scope
