# SPDX-License-Identifier: AGPL-3.0-or-later
"""The import contract of docs/architecture.md, held by import-linter (`[tool.importlinter]` in pyproject.toml,
run by `lint-imports` in `python3 dev.py test`); these tests keep the contract complete and show it bites."""

import ast
import re
import sys
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]  # coopforma/
PYPROJECT = ROOT.parent / "pyproject.toml"


def _contract() -> dict:
    return tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"][0]


def _layered_apps() -> set[str]:
    return {name.split(".")[1] for line in _contract()["layers"] for name in re.split(r"[|:]", line.replace(" ", ""))}


def _apps() -> set[str]:
    return {p.name for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "formats"}


def test_every_app_has_its_place_in_the_layers():
    assert _apps() - _layered_apps() == set(), "add the app to [tool.importlinter] and docs/architecture.md"


def test_the_contract_is_kept():
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_the_contract_catches_an_import_of_an_app_below_through_its_package(tmp_path, monkeypatch, capsys):
    """The same layers over a copy of the tree's shape: `from <root> import billing` in core is refused."""
    fake = tmp_path / "fakecoop"
    for app in _layered_apps():
        (fake / app).mkdir(parents=True)
        (fake / app / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "core" / "bad.py").write_text("from fakecoop import billing\n")
    layers = [line.replace("coopforma.", "fakecoop.") for line in _contract()["layers"]]
    config = tmp_path / "importlinter.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "fakecoop"\n[[tool.importlinter.contracts]]\nname = "layers"\n'
        f'type = "layers"\nlayers = {layers!r}\n'.replace("'", '"')
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("fakecoop", None)
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1
    assert "fakecoop.core is not allowed to import fakecoop.billing" in capsys.readouterr().out


def _dynamic_imports(path: Path) -> list[str]:
    """`importlib.import_module("coopforma.…")` escapes static analysis: only tests and migrations may use it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and str(node.args[0].value).startswith("coopforma.")
    ]


def _dynamic_violations(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root.parent)} imports {module}"
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
        for module in _dynamic_imports(path)
    ]


def test_no_app_imports_another_by_name_at_run_time():
    assert _dynamic_violations(ROOT) == []


def test_the_dynamic_import_check_catches_one(tmp_path):
    (tmp_path / "coopforma" / "core").mkdir(parents=True)
    (tmp_path / "coopforma" / "core" / "bad.py").write_text(
        'import importlib\nbilling = importlib.import_module("coopforma.billing.services")\n'
    )
    assert _dynamic_violations(tmp_path / "coopforma") == ["coopforma/core/bad.py imports coopforma.billing.services"]


def test_every_app_is_described_in_the_architecture_page():
    docs = (ROOT.parent / "docs" / "architecture.md").read_text()
    assert [app for app in sorted(_apps()) if f"`{app}`" not in docs] == []
