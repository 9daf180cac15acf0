# SPDX-License-Identifier: AGPL-3.0-or-later
"""The secret iCalendar addresses: a trainer's own (from their space) and a place's (staff)."""

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coopforma.accounts.actor import Actor
from coopforma.core.log import log_action
from coopforma.people.models import Trainer
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import CalendarFeed, Place


def _target(actor: Actor, *, trainer_id: int | None, place_id: int | None) -> Trainer | Place:
    """The trainer (only the actor themself) or the place (staff: `org.view_all`) the address is for."""
    if (trainer_id is None) == (place_id is None):
        raise ValueError("calendar feed: a trainer or a place")
    if trainer_id is not None:
        trainer = selectors.trainer_of_actor(actor)
        if trainer is None or trainer.pk != trainer_id:
            raise PermissionDenied("sessions.calendar_feed")
        return trainer
    actor.require("org.view_all")
    return selectors.place_get(actor=actor, place_id=int(place_id or 0))


@transaction.atomic
def calendar_feed_renew(*, actor: Actor, trainer_id: int | None = None, place_id: int | None = None) -> str:
    """A new secret address (the previous one stops working); returns the clear token, shown once."""
    target = _target(actor, trainer_id=trainer_id, place_id=place_id)
    token = secrets.token_urlsafe(32)
    field = "trainer" if isinstance(target, Trainer) else "place"
    lookup: dict[str, Any] = {"organisation": actor.organisation, field: target}
    CalendarFeed.objects.update_or_create(
        **lookup,
        defaults={"token_hash": CalendarFeed.hash_token(token), "last_read_at": None},
    )
    log_action(actor=actor, obj=target, action="sessions.calendar_feed.renewed", data={field: target.pk})
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: Actor, trainer_id: int | None = None, place_id: int | None = None) -> bool:
    """The address stops working (404); True when there was one."""
    target = _target(actor, trainer_id=trainer_id, place_id=place_id)
    field = "trainer" if isinstance(target, Trainer) else "place"
    deleted, _rows = CalendarFeed.objects.filter(organisation=actor.organisation, **{field: target}).delete()
    if deleted:
        log_action(actor=actor, obj=target, action="sessions.calendar_feed.revoked", data={field: target.pk})
    return bool(deleted)
