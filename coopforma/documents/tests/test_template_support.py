# SPDX-License-Identifier: AGPL-3.0-or-later
"""Small document kinds of the template editor's tests (they never depend on the real kinds)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from coopforma.documents import registry
from coopforma.documents.registry import DocumentKind, Keyword, Missing

DEFAULT_BODY = (
    "= Attestation de test\n"
    "\n"
    "{{ trainee.full_name }} a suivi « {{ session.title }} ».\n"
    "{% for slot in session.slots %}\n"
    "- {{ slot.date }} de {{ slot.start }}\n"
    "{% endfor %}\n"
)


def make_kind(code: str = "test_attestation", **overrides: Any) -> DocumentKind:
    values: dict[str, Any] = {
        "code": code,
        "label": f"Attestation de test {code}",
        "subject": "participant",
        "keywords": (
            Keyword("trainee.full_name", "Nom du ou de la stagiaire", "Camille Martin"),
            Keyword("session.title", "Intitulé de la session", "Coopérer sur un territoire"),
            Keyword("session.slots", "Créneaux", [{"date": "12/03/2026", "start": "09:00"}]),
        ),
        "build_context": lambda subject: {
            "trainee": {"full_name": subject["name"]},
            "session": {"title": "Session réelle", "slots": []},
        },
        "missing": lambda subject: (
            [Missing("Le SIRET du client", "/o/coop-test/people/clients/1/edit/")] if subject.get("incomplete") else []
        ),
        "default_template": DEFAULT_BODY,
        "default_signers": ("quality", "trainee"),
    }
    values.update(overrides)
    return DocumentKind(**values)


@contextmanager
def registered(*kinds: DocumentKind) -> Iterator[tuple[DocumentKind, ...]]:
    """Register `kinds` for the duration of a test, then remove them from the registry."""
    try:
        for kind in kinds:
            registry.register(kind)
        yield kinds
    finally:
        for kind in kinds:
            if registry._KINDS.get(kind.code) is kind:
                del registry._KINDS[kind.code]
