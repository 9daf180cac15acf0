# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every document of a session shares, read once per batch (a bulk generation, the session documents page)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from coopforma.accounts.models import Organisation
from coopforma.training_sessions.models import (
    Enrolment,
    Participant,
    Session,
)

_BATCH: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("session_documents_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, what every document of a session shares (the organisation, the session with its slots,
    trainers and trainees, a client, the checks of missing data) is read and built once, not once per document:
    the documents engine enters it around a bulk generation and the session documents page (`hooks.batch`).
    Outside a batch nothing is cached, so a single document always reads fresh data."""
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def _memo(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    cache = _BATCH.get()
    if cache is None:
        return build()
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _organisation(obj: Session | Enrolment | Participant) -> Organisation:
    """The organisation of a record (read once per batch)."""
    return _memo(("organisation", obj.organisation_id), lambda: obj.organisation)
