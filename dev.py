#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Coopforma in one command, from a clean clone with only Python 3.11+.

    python3 dev.py start   # install, migrate, load the demo cooperative, serve; prints URL and logins
    python3 dev.py test    # install with the test tools, then lint, type-check and run the whole test suite

Django 6.1 needs Python 3.12+: the newest Python >= 3.12 found on the machine is used for the virtual
environment (.venv). When only Python 3.11 is there, Django 5.2 LTS is installed instead (see README).
Set COOPFORMA_PYTHON to choose the interpreter yourself.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COOPFORMA_VENV", ROOT / ".venv"))


def say(message: str) -> None:
    print(f"[coopforma] {message}", flush=True)


def python_version(executable: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [executable, "-c", "import sys, venv; print('%d %d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def find_python() -> tuple[str, tuple[int, int]]:
    """The newest Python >= 3.12 on this machine, else this interpreter (>= 3.11)."""
    chosen = os.environ.get("COOPFORMA_PYTHON")
    if chosen:
        version = python_version(chosen)
        if version is None:
            sys.exit(f"COOPFORMA_PYTHON={chosen} does not run.")
        return chosen, version
    candidates: list[str] = [sys.executable]
    for minor in range(20, 11, -1):
        found = shutil.which(f"python3.{minor}")
        if found:
            candidates.append(found)
    home = Path.home()
    for pattern in (
        str(home / ".pyenv/versions/3.*/bin/python3"),
        "/usr/local/bin/python3.*",
        "/usr/bin/python3.*",
        "/opt/homebrew/bin/python3.*",
    ):
        candidates.extend(sorted(glob.glob(pattern)))
    best: tuple[str, tuple[int, int]] | None = None
    for candidate in dict.fromkeys(candidates):
        if candidate.endswith("-config"):
            continue
        version = python_version(candidate)
        if version and version >= (3, 11) and (best is None or version > best[1]):
            best = (candidate, version)
    if best is None:
        sys.exit("Coopforma needs Python 3.11 or newer.")
    return best


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(extras: str) -> Path:
    interpreter, version = find_python()
    py = venv_python()
    if py.exists() and python_version(str(py)) != version:
        say(f"recreating {VENV.name} for Python {version[0]}.{version[1]}")
        shutil.rmtree(VENV)
    if not py.exists():
        say(f"creating {VENV.name} with Python {version[0]}.{version[1]} ({interpreter})")
        if interpreter == sys.executable:
            venv.create(VENV, with_pip=True)
        else:
            subprocess.run([interpreter, "-m", "venv", str(VENV)], check=True)
    if version < (3, 12):
        say("Python 3.12+ not found: installing Django 5.2 LTS instead of 6.1 (supported, but not the target).")
    stamp = VENV / ".coopforma-installed"
    project = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(project + extras.encode()).hexdigest()
    # The test tools include everything `start` needs: an install with them serves both commands.
    accepted = {digest, hashlib.sha256(project + b"[dev]").hexdigest()}
    if not stamp.exists() or stamp.read_text() not in accepted:
        say("installing dependencies (first run only)…")
        pip = [str(py), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f".{extras}"], check=True, cwd=ROOT)
        stamp.write_text(digest)
    return py


def run(py: Path, *args: str, env: dict[str, str] | None = None) -> int:
    return subprocess.run([str(py), *args], cwd=ROOT, env=env).returncode


def start(argv: list[str]) -> int:
    py = ensure_venv("")
    port = argv[argv.index("--port") + 1] if "--port" in argv else os.environ.get("PORT", "8000")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    for step in (["migrate", "--no-input", "-v", "0"], ["demo"]):
        if run(py, "-m", "coopforma.core.cli", *step, env=env):
            return 1
    if "--no-serve" in argv:
        return 0
    say(mail_notice(port, env))
    return run(py, "-m", "coopforma.core.cli", "serve", "--port", port, env=env)


DEMO_MAILBOX = "/o/cooperative-demo/documents/outbox/test-mailbox/"  # the demo organisation's test mailbox


def mail_notice(port: str, env: dict[str, str]) -> str:
    """What `start` says about e-mails: they are sent by the worker `serve` starts, and where to read them."""
    if env.get("EMAIL_HOST"):
        host = env["EMAIL_HOST"]
        return f"e-mails are sent by the background worker through {host} (E-mails page: /o/<org>/documents/outbox/)."
    if env.get("MAIL_CATCHER", "true").strip().lower() not in {"1", "true", "yes", "on"}:
        return (
            "e-mails are sent by the background worker and printed on this console (no EMAIL_HOST, MAIL_CATCHER off)."
        )
    return (
        "e-mails are sent by the background worker; with no EMAIL_HOST nothing leaves this machine: each message is "
        f"caught, read it in the app at http://127.0.0.1:{port}{DEMO_MAILBOX} (« E-mails envoyés » → « Boîte de "
        "test », as the demo's admin or quality manager) or in var/mail/."
    )


def test(argv: list[str]) -> int:
    py = ensure_venv("[dev]")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "PYTHONDONTWRITEBYTECODE": "1"}
    bin_dir = venv_python().parent
    steps = [
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "lint-imports"), "--no-cache"],
        [str(py), "manage.py", "check", "--fail-level", "WARNING"],
        [str(py), "manage.py", "makemigrations", "--check", "--dry-run"],
        # Types of the services, selectors and API ([tool.mypy] in pyproject.toml).
        [str(py), "-m", "mypy"],
    ]
    if "--no-lint" not in argv:
        for step in steps:
            say(" ".join(Path(s).name if i == 0 else s for i, s in enumerate(step)))
            if subprocess.run(step, cwd=ROOT, env=env).returncode:
                return 1
    args = [a for a in argv if a != "--no-lint"]
    workers = [] if any(a.startswith("-n") for a in args) else ["-n", os.environ.get("TEST_WORKERS", "2")]
    say("pytest" + (f" (DATABASE_URL={env['DATABASE_URL']})" if env.get("DATABASE_URL") else " (SQLite)"))
    return subprocess.run([str(py), "-m", "pytest", *workers, *args], cwd=ROOT, env=env).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"start", "test"}:
        print(__doc__)
        return 2
    return {"start": start, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
