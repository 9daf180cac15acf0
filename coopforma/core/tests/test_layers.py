# SPDX-License-Identifier: AGPL-3.0-or-later
"""The import contract of docs/architecture.md: an app imports only apps above it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # coopforma/
RANK = {
    "core": 0,
    "formats": 0,  # pure readers/writers of outside formats: import only core
    "accounts": 1,
    # Listens to core's activity log (action names only): imports core and accounts, no domain app.
    "webhooks": 1.5,
    "documents": 2,
    "people": 3,
    "catalogue": 4,
    "training_sessions": 5,
    "attendance": 6,
    "evaluations": 6,
    # Bills the hours delivered (L6354-1, the CPF's « service fait »): reads attendance's attended minutes.
    "billing": 6.5,
    "quality": 7,
    "reporting": 7,
    # Reads every domain app (a person's data, holds) and is read by the public portal and the API.
    "privacy": 7.5,
    "public": 8,
    "network": 8,
    "interop": 8,
    "dashboard": 8,
    "api": 8,
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _violations() -> list[str]:
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        app = parts[0]
        if app not in RANK or "tests" in parts or "migrations" in parts:
            continue
        for module in _imports(path):
            if not module.startswith("coopforma."):
                continue
            target = module.split(".")[1]
            if target == app or target not in RANK:
                continue
            if RANK[target] >= RANK[app]:
                problems.append(f"{path.relative_to(ROOT.parent)} imports {module}")
    return problems


def test_every_app_is_ranked():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps <= set(RANK), f"add {apps - set(RANK)} to RANK and docs/architecture.md"


def test_apps_import_only_apps_above_them():
    assert _violations() == []


def test_the_check_catches_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "coopforma"
    (fake / "core").mkdir(parents=True)
    (fake / "core" / "bad.py").write_text("from coopforma.people.models import Trainer\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake)
    assert _violations() == ["coopforma/core/bad.py imports coopforma.people.models"]


def test_every_app_is_described_in_the_architecture_page():
    docs = (ROOT.parent / "docs" / "architecture.md").read_text()
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert [app for app in sorted(apps) if f"`{app}`" not in docs] == []
