# SPDX-License-Identifier: AGPL-3.0-or-later
"""Data loaded once for a whole test module (the demo takes seconds to load: once per module, not per test)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import time_machine
from django.db import transaction

from tests.clock import frozen_now

T = TypeVar("T")


@contextmanager
def load_once(django_db_blocker: Any, load: Callable[[], T]) -> Iterator[T]:
    """Run `load` at the suite's frozen instant inside a transaction kept open for the module, then roll it back.

    Each test's own transaction (pytest-django's `db`) nests in it as a savepoint: what a test changes in the
    database is undone after it, and the next test sees the data as loaded. Files written outside the database
    (var/) are the module fixture's to restore."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with time_machine.travel(frozen_now(), tick=True):
                result = load()
        except BaseException as error:
            atomic.__exit__(type(error), error, error.__traceback__)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
