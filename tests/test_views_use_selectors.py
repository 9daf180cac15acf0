# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tenancy by construction: the web views and the API never query an organisation's records themselves.

Every read of tenant data goes through a selector that takes the actor (docs/architecture.md, Tenancy): a view
that wrote `Session.objects.get(pk=pk)` would serve any organisation's session. This test reads the source of
every web view module (`views.py`, `*_views.py`) and API module (`coopforma/api/*.py`) and fails on a manager of
a tenant model (`Model.objects`, `_default_manager`, `_base_manager`) or a `get_object_or_404(Model, …)`.
A tenant model is one with a foreign key `organisation` to Organisation. The only exception is the API's
authentication (`api/auth.py`), which turns a token into the actor every selector then takes.
"""

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from coopforma.accounts.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
ALLOWED = {"coopforma/api/auth.py"}  # the token → actor step itself


def tenant_models() -> set[type[models.Model]]:
    """Every model whose rows belong to one organisation (a foreign key named `organisation`)."""
    found = set()
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
        if field is not None and field.related_model is Organisation:
            found.add(model)
    return found


def interface_modules() -> list[Path]:
    views = [*ROOT.glob("coopforma/*/views.py"), *ROOT.glob("coopforma/*/*_views.py")]
    api = [p for p in ROOT.glob("coopforma/api/*.py") if p.name != "__init__.py"]
    return sorted(p for p in views + api if str(p.relative_to(ROOT)) not in ALLOWED)


def _resolve(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """What a name or a dotted name (`selectors.Invoice`) stands for in the module, or None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def tenant_queries(source: str, namespace: dict[str, Any], tenants: set[type[models.Model]]) -> list[str]:
    """`line: code` of each direct query of a tenant model in `source` (names resolved in `namespace`)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        target = None
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            target = node.value
        elif isinstance(node, ast.Call) and node.args:
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if func in SHORTCUTS:
                target = node.args[0]
        if target is not None and _resolve(target, namespace) in tenants:
            found.append((node.lineno, f"{node.lineno}: {ast.unparse(node)}"))
    return [text for _line, text in sorted(found)]


@pytest.mark.parametrize("path", interface_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_and_api_query_tenant_models_only_through_selectors(path):  # type: ignore[no-untyped-def]
    relative = path.relative_to(ROOT)
    module = importlib.import_module(".".join(relative.with_suffix("").parts))
    found = tenant_queries(path.read_text(), vars(module), tenant_models())
    assert not found, f"{relative} queries tenant models directly (use a selector taking the actor):\n" + "\n".join(
        found
    )


def test_the_scan_finds_direct_queries():
    """The scan is not blind: each form it must refuse is refused, and a selector call passes."""
    from coopforma.billing import selectors as billing_selectors
    from coopforma.training_sessions.models import Session

    namespace = {"Session": Session, "billing_selectors": billing_selectors, "Organisation": Organisation}
    source = "\n".join(
        [
            "a = Session.objects.get(pk=1)",
            "b = billing_selectors.Invoice.objects.filter(pk=1)",
            "c = Session._default_manager.all()",
            "d = get_object_or_404(Session, pk=1)",
            "e = shortcuts.get_object_or_404(Session.objects.all(), pk=1)",
            "f = billing_selectors.invoice_get(actor=actor, invoice_id=1)",
            "g = Organisation.objects.get(slug='x')",
        ]
    )
    found = tenant_queries(source, namespace, tenant_models())
    assert [line.split(":")[0] for line in found] == ["1", "2", "3", "4", "5"], found
    assert len(interface_modules()) >= 20
