# SPDX-License-Identifier: AGPL-3.0-or-later
"""The one way a service takes the row it changes: from a tenant-scoped queryset (a selector's scope, or
`Model.objects.for_actor(actor)`), locked with `select_for_update` until the transaction ends, and 404 for
"missing or not yours", as selectors answer. Services take ids, never instances: what they change is read
again, locked, inside their transaction."""

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from coopforma.core.query import MAX_ID

M = TypeVar("M", bound=models.Model)


def id_or_404(pk: Any) -> int:
    """`pk` as a row id; Http404 for what cannot be one (None, text, zero, beyond 64 bits). An instance is a
    programming error: services take ids."""
    if isinstance(pk, models.Model):
        raise TypeError("a service takes an id, not an instance")
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def lock_for_update(queryset: "models.QuerySet[M]", pk: Any) -> M:
    """The row `pk` of `queryset`, locked (only its own table: joined rows may be on the nullable side of an
    outer join, which PostgreSQL refuses to lock); Http404 when it is not in the queryset."""
    obj = queryset.select_for_update(of=("self",)).filter(pk=id_or_404(pk)).first()
    if obj is None:
        raise Http404
    return obj
