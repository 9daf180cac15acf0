# SPDX-License-Identifier: AGPL-3.0-or-later
"""log_action: the one way business events are recorded (history = Qualiopi evidence later)."""

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from coopforma.core.models import ActivityLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, FieldFile):  # a stored file: its name
        return value.name or ""
    if isinstance(value, (bytes, memoryview)):  # a stored binary (a logo): its size, never its content
        return f"{len(value)} octets"
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": str(value)}
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "pk") and hasattr(value, "_meta"):
        return {"id": value.pk, "label": str(value)}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of obj, to diff before/after an update."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"created_at", "updated_at"}:
            continue
        result[field.attname] = _jsonable(getattr(obj, field.attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


# Functions called with each new entry, inside the caller's transaction (the webhooks app registers one in its
# AppConfig.ready to turn some actions into events; core imports no app above it).
_LISTENERS: list[Callable[[ActivityLog], object]] = []


def on_logged(listener: Callable[[ActivityLog], object]) -> None:
    """Call `listener(entry)` after each `log_action` (once, however often it is registered)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def log_action(*, actor: Any, obj: models.Model, action: str, data: dict[str, Any] | None = None) -> ActivityLog:
    """Record `action` ("domain.noun.verb") done by `actor` (a User, an Actor or None for the system)."""
    user = getattr(actor, "user", actor)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and obj._meta.label_lower == "accounts.organisation":
        organisation_id = obj.pk
    entry = ActivityLog.objects.create(
        organisation_id=organisation_id,
        actor=user,
        actor_label=(user.get_full_name() or user.email) if user else "système",
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        action=action,
        data=_jsonable(data or {}),
    )
    for listener in _LISTENERS:
        listener(entry)
    return entry


def history_for(obj: models.Model) -> models.QuerySet[ActivityLog]:
    """The timeline of one record, newest first."""
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
