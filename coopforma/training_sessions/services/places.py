# SPDX-License-Identifier: AGPL-3.0-or-later
"""Places: the organisation's training rooms, shared by its sessions."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import diff, log_action, snapshot
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    Place,
)

# --- Places -------------------------------------------------------------------------------------------------

PLACE_FIELDS = ("name", "street", "postal_code", "city", "access_notes", "accessibility", "capacity")


@transaction.atomic
def place_create(*, actor: Actor, name: str, **fields: Any) -> Place:
    actor.require("sessions.create")
    place = Place(organisation=actor.organisation, name=(name or "").strip())
    for key, value in fields.items():
        if key not in PLACE_FIELDS:
            raise ValueError(f"place_create: unknown field {key}")
        setattr(place, key, value if value is not None or key == "capacity" else "")
    if not place.name:
        raise ValidationError({"name": _("Donnez un nom au lieu (ex. : « Salle du Marché, Rennes »).")})
    place.full_clean()
    place.save()
    log_action(actor=actor, obj=place, action="sessions.place.created", data={"name": place.name})
    return place


@transaction.atomic
def place_update(*, actor: Actor, place_id: int, **fields: Any) -> Place:
    """Places are shared by every session of the organisation: admin, quality and managers edit them."""
    place = selectors.place_get(actor=actor, place_id=place_id)
    if not selectors.place_can_edit(actor):
        raise PermissionDenied("sessions.place.edit")
    before = snapshot(place)
    for key, value in fields.items():
        if key not in PLACE_FIELDS:
            raise ValueError(f"place_update: unknown field {key}")
        setattr(place, key, value if value is not None or key == "capacity" else "")
    place.name = (place.name or "").strip()
    if not place.name:
        raise ValidationError({"name": _("Donnez un nom au lieu.")})
    place.full_clean()
    place.save()
    changes = diff(before, snapshot(place))
    if changes:
        log_action(actor=actor, obj=place, action="sessions.place.updated", data={"changes": changes})
    return place
