# SPDX-License-Identifier: AGPL-3.0-or-later
"""The `coopforma` console command: Django's commands plus serve, demo and createadmin."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coopforma.accounts.models import Membership, Organisation, User
from coopforma.core import cli

ROOT = Path(__file__).resolve().parents[3]


def test_the_console_script_is_declared():
    assert 'coopforma = "coopforma.core.cli:main"' in (ROOT / "pyproject.toml").read_text()


def test_cli_passes_other_commands_to_django(capsys):
    import django

    cli.main(["version"])
    assert capsys.readouterr().out.strip() == django.get_version()


def test_cli_help_lists_the_project_commands():
    out = subprocess.run(
        [sys.executable, "-m", "coopforma.core.cli"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings_test"},
    ).stdout
    for command in ("serve", "demo", "createadmin"):
        assert command in out


@pytest.mark.django_db
def test_createadmin_creates_the_organisation_and_prints_a_password(capsys):
    call_command("createadmin", email="Admin@Example.coop", org="mon-of", org_name="Mon OF")
    out = capsys.readouterr().out
    user = User.objects.get(email="admin@example.coop")
    org = Organisation.objects.get(slug="mon-of")
    assert Membership.objects.get(user=user, organisation=org).role == "admin"
    password = out.rsplit("password: ", 1)[1].strip()
    assert user.check_password(password)


@pytest.mark.django_db
def test_createadmin_refuses_an_unknown_organisation_without_a_name():
    with pytest.raises(CommandError, match="--org-name"):
        call_command("createadmin", email="a@example.coop", org="nowhere")


@pytest.mark.django_db
def test_createadmin_promotes_an_existing_person_without_touching_the_password(capsys, org, trainer_user):
    call_command("createadmin", email=trainer_user.email, org=org.slug)
    assert Membership.objects.get(user=trainer_user, organisation=org).role == "admin"
    trainer_user.refresh_from_db()
    assert trainer_user.check_password("correct horse battery")
    assert "password unchanged" in capsys.readouterr().out


def test_serve_runs_threaded_workers(monkeypatch):
    """A slow response (a PDF) holds one thread, not a whole process: gunicorn's gthread workers."""
    from coopforma.core.management.commands import serve

    monkeypatch.setenv("WEB_THREADS", "6")
    argv = serve.child_commands(host="127.0.0.1", port="8123", workers=2, worker=False)["web"]
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "6"
    assert argv[argv.index("--workers") + 1] == "2"
    assert int(argv[argv.index("--timeout") + 1]) >= 30
