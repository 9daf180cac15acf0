# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every reason the application sends an e-mail for has a French label in the outbox (core.models.EMAIL_PURPOSES)."""

import ast
from pathlib import Path

from django.conf import settings

from coopforma.core.models import EMAIL_PURPOSES, OutboundEmail

ROOT = Path(settings.BASE_DIR) / "coopforma"


def _values(node: ast.expr, constants: dict[str, str]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _values(node.body, constants) + _values(node.orelse, constants)
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    raise AssertionError(f"a purpose the test cannot read: {ast.unparse(node)}")


def sent_purposes() -> dict[str, str]:
    """{purpose: where} of every `send_mail_logged(…, purpose=…)` of the code base."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name != "send_mail_logged":
                continue
            for keyword in node.keywords:
                if keyword.arg == "purpose":
                    for value in _values(keyword.value, constants):
                        found.setdefault(value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_purpose_sent_has_a_french_label():
    purposes = sent_purposes()
    assert {"signature_request", "billing.reminder", "evaluations.reminder"} <= set(purposes)
    missing = {purpose: where for purpose, where in purposes.items() if purpose not in EMAIL_PURPOSES}
    assert missing == {}, "add these purposes to core.models.EMAIL_PURPOSES"


def test_the_outbox_shows_the_label_never_the_code():
    assert OutboundEmail(purpose="signature_request").purpose_label == "Demande de signature"
    assert OutboundEmail(purpose="some_new_purpose").purpose_label == "Autre message"
    assert OutboundEmail(purpose="").purpose_label == "—"
