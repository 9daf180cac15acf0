# SPDX-License-Identifier: AGPL-3.0-or-later
"""The member catalogues follow the catalogue and the sessions (source a of the map); the suggested competencies
follow the référentiel's published versions.

Offers sit above catalogue, training_sessions and networks, which know nothing of the map: their saves are
listened to here (connected in `OffersConfig.ready`), and the organisation's catalogue is synchronised once its
transaction is committed (`sync_member_catalogue` is idempotent: a second run in the same request finds nothing
to write; the hourly job catches anything missed).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction


def _schedule(organisation_id: int | None) -> None:
    if not organisation_id:
        return

    def run() -> None:
        from coopforma.offers.services import sync_member_catalogue

        sync_member_catalogue(organisation_id)

    # robust: a failing synchronisation is logged, it never turns a saved training into an error page.
    transaction.on_commit(run, robust=True)


def catalogue_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A training, a session or a network membership was saved or deleted."""
    _schedule(getattr(instance, "organisation_id", None))


def referentiel_published(sender: Any, network_id: int, **kwargs: Any) -> None:
    """A référentiel version was published (sent after its commit): the network's offers' suggested competencies
    are recomputed against it in the background (`tasks.suggest_competencies_task`)."""
    from coopforma.offers.tasks import suggest_competencies_task

    suggest_competencies_task.enqueue(network_id)
