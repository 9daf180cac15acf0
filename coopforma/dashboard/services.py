# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dashboard's one write: whether a person receives the weekly digest of their alerts (dashboard/digest.py)."""

from django.db import transaction

from coopforma.accounts.actor import Actor
from coopforma.core.log import log_action
from coopforma.dashboard.models import DigestOptOut


def digest_subscription_set(*, actor: Actor, subscribed: bool) -> None:
    """The person chooses whether to receive the weekly digest of this organisation."""
    with transaction.atomic():
        if subscribed:
            deleted, _rows = DigestOptOut.objects.filter(organisation=actor.organisation, user=actor.user).delete()
            changed = bool(deleted)
        else:
            _row, changed = DigestOptOut.objects.get_or_create(organisation=actor.organisation, user=actor.user)
        if changed:
            log_action(
                actor=actor,
                obj=actor.organisation,
                action="dashboard.digest.subscribed" if subscribed else "dashboard.digest.unsubscribed",
            )
