# SPDX-License-Identifier: AGPL-3.0-or-later
"""The session's document kinds carry the typed hooks the documents engine reads (documents.registry.KindHooks)."""

import dataclasses

import pytest

from coopforma.documents.registry import KindHooks, get_kind
from coopforma.training_sessions import documents

SESSION_HOOKS = (
    "resolve",
    "session_id",
    "label",
    "resolve_session",
    "subjects_for_session",
    "operator_subjects",
    "preview_subjects",
    "batch",
)


@pytest.mark.parametrize("kind", documents.kinds(), ids=lambda kind: kind.code)
def test_every_session_kind_has_the_engine_hooks(kind):
    assert get_kind(kind.code).hooks.resolve is kind.hooks.resolve  # registered by TrainingSessionsConfig.ready()
    for name in SESSION_HOOKS:
        assert callable(getattr(kind.hooks, name)), name
    assert kind.hooks.batch is documents.batch
    assert (kind.hooks.applies is not None) == (kind.subject == "enrolment" or kind.code == "subcontracting")
    assert (kind.hooks.session_recipients is not None) == (kind.code in ("programme", "rules"))
    assert kind.hooks.attachments == (("programme", "rules") if kind.code == "convocation" else ())


def test_billing_pieces_are_resolved_but_not_produced_from_a_session():
    hooks = get_kind("invoice").hooks
    assert callable(hooks.resolve) and callable(hooks.label)
    assert hooks.operator_subjects is None and hooks.subjects_for_session is None and hooks.session_id is None


def test_hooks_are_frozen_and_empty_by_default():
    hooks = KindHooks()
    assert all(getattr(hooks, f.name) in (None, ()) for f in dataclasses.fields(hooks))
    with pytest.raises(dataclasses.FrozenInstanceError):
        hooks.resolve = print  # type: ignore[misc]
