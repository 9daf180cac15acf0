# SPDX-License-Identifier: AGPL-3.0-or-later
"""Production settings are safe by default: body sizes, HTTPS and headers, the API docs offline, private files
in var/, and no e-mailed link to 127.0.0.1."""

import json
import os
import re
import secrets
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import ConnectionHandler
from django.urls import reverse

from coopforma.core.links import absolute_url
from coopforma.core.sqlite3.base import make_private
from coopforma.public.services import portal_link_request
from coopforma.public.tests.helpers import final_document, pdf_bytes

ROOT = Path(__file__).resolve().parents[3]
# Django 6's Content-Security-Policy; the Django 5.2 fallback (Python 3.11) sends none (README).
requires_csp = pytest.mark.skipif(django.VERSION < (6, 0), reason="no built-in CSP before Django 6.0")


# --- Settings, as the environment makes them ---------------------------------------------------------------


def readme_production_environment() -> dict[str, str]:
    """The variables that README.md's "Deployment" section exports, with a real secret for `SECRET_KEY=…`."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Deployment") :]
    env: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("export "):
            for word in shlex.split(line.removeprefix("export ")):
                name, _, value = word.partition("=")
                env[name] = value
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "BEHIND_PROXY", "DATABASE_URL"} <= env.keys()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the README shows "…"
    return env


def run_with(env: dict[str, str], *args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """A fresh Python with only `env` (no test settings), var/ in `var_dir`."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"PATH": os.environ["PATH"], "COOPFORMA_VAR_DIR": str(var_dir), **env},
    )


SHOWN = [
    "DEBUG",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_CSP",
    "SECURE_CSP_REPORT_ONLY",
    "MAX_REQUEST_BYTES",
    "MAX_UPLOAD_BYTES",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
]


def settings_with(env: dict[str, str], var_dir: Path) -> dict:
    code = f"import json, config.settings as s; print(json.dumps({{n: getattr(s, n, None) for n in {SHOWN!r}}}))"
    done = run_with(env, "-c", code, var_dir=var_dir)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_production_defaults_are_safe(tmp_path):
    production = settings_with(readme_production_environment(), tmp_path / "var")
    assert production["DEBUG"] is False and production["SITE_URL"] == "https://formation.example.coop"
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000 and production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False  # the domain owner's decision
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["MAX_REQUEST_BYTES"] == production["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 2_621_440
    assert production["MAX_UPLOAD_BYTES"] == 26_214_400
    # Nothing set at all: production still, so HTTPS on and no invented address.
    bare = settings_with({}, tmp_path / "var")
    assert bare["SITE_URL"] == "" and bare["SECURE_SSL_REDIRECT"] is True


def test_each_protection_is_switched_by_the_environment(tmp_path):
    local = settings_with({"DEBUG": "true"}, tmp_path / "var")
    assert local["SITE_URL"] == "http://127.0.0.1:8000"
    assert local["SECURE_SSL_REDIRECT"] is False and local["SECURE_HSTS_SECONDS"] == 0
    assert local["SESSION_COOKIE_SECURE"] is False
    # `dev.py start`: DEBUG off, the local address.
    started = settings_with({"SITE_URL": "http://127.0.0.1:8000"}, tmp_path / "var")
    assert started["SECURE_SSL_REDIRECT"] is False and started["SESSION_COOKIE_SECURE"] is False
    switched = settings_with(
        {
            **readme_production_environment(),
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "3600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
            "MAX_REQUEST_BYTES": "1000",
            "MAX_UPLOAD_BYTES": "5000",
        },
        tmp_path / "var",
    )
    assert switched["SECURE_SSL_REDIRECT"] is False and switched["SECURE_HSTS_SECONDS"] == 3600
    assert switched["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert switched["MAX_REQUEST_BYTES"] == switched["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 1000
    assert switched["MAX_UPLOAD_BYTES"] == 5000


@requires_csp
def test_the_content_security_policy_is_enforced_by_default_and_switchable(tmp_path):
    production = settings_with(readme_production_environment(), tmp_path / "var")
    policy = production["SECURE_CSP"]
    assert policy["default-src"] == ["'self'"] and "'unsafe-inline'" not in json.dumps(policy)
    assert production["SECURE_CSP_REPORT_ONLY"] == {}
    assert settings_with({}, tmp_path / "var")["SECURE_CSP"] == policy
    local = settings_with({"DEBUG": "true"}, tmp_path / "var")
    assert local["SECURE_CSP"] == {} and local["SECURE_CSP_REPORT_ONLY"] == policy
    reported = settings_with(
        {**readme_production_environment(), "CSP": "report-only", "CSP_REPORT_URI": "https://reports.example/csp"},
        tmp_path / "var",
    )
    assert reported["SECURE_CSP"] == {}
    assert reported["SECURE_CSP_REPORT_ONLY"]["report-uri"] == "https://reports.example/csp"
    off = settings_with({**readme_production_environment(), "CSP": "off"}, tmp_path / "var")
    assert off["SECURE_CSP"] == {} and off["SECURE_CSP_REPORT_ONLY"] == {}
    typo = settings_with({**readme_production_environment(), "CSP": "enforced"}, tmp_path / "var")
    assert typo["SECURE_CSP"] == policy  # a typo never switches the policy off


def test_check_deploy_is_clean_with_the_readme_production_environment(tmp_path):
    done = run_with(
        readme_production_environment(), "-m", "coopforma.core.cli", "check", "--deploy", var_dir=tmp_path / "var"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr
    assert "WARNING" not in done.stderr + done.stdout
    # And it does say when something is missing: here SITE_URL.
    env = {k: v for k, v in readme_production_environment().items() if k != "SITE_URL"}
    missing = run_with(env, "-m", "coopforma.core.cli", "check", "--deploy", var_dir=tmp_path / "var")
    assert "coopforma.W001" in missing.stderr + missing.stdout


# --- Headers -----------------------------------------------------------------------------------------------


@requires_csp
def test_pages_carry_the_content_security_policy_and_no_inline_code(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "form-action 'self'" in policy
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script: the policy would block it"
    assert "<style" not in page and " style=" not in page and " onsubmit=" not in page


def test_no_template_of_ours_has_inline_script_style_or_handler():
    """What a Content-Security-Policy without 'unsafe-inline' blocks: inline <script>, <style>, style= and on…=
    attributes. (The audit pack's pages are files in a zip, opened offline: no policy there.)"""
    offenders = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("coopforma/*/templates/**/*.html")]:
        if "quality/pack/" in path.as_posix():
            continue
        text = path.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text)
            or "<style" in text
            or re.search(r"\sstyle=", text)
            or re.search(r"\son[a-z]+=", text)
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- The API docs, offline ---------------------------------------------------------------------------------


def test_the_api_docs_page_loads_swagger_from_our_static_files(client, db):
    page = client.get("/api/v1/docs").content.decode()
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in scripts), page
    assert all(s.startswith("/static/") for s in scripts), scripts
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(name), name


# --- Request sizes -----------------------------------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):  # type: ignore[no-untyped-def]
        raise AssertionError("the body was read")

    readline = read


def test_a_too_large_anonymous_upload_is_refused_before_its_body_is_read(client, db, settings):
    response = client.generic(
        "POST",
        reverse("public:verify"),
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",  # set here: the test client sets none without a body
        CONTENT_LENGTH=str(settings.MAX_UPLOAD_BYTES + 1),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "La requête dépasse la taille maximale acceptée (25 Mo)." in page and "Rien n'a été enregistré" in page
    english = client.generic(
        "POST",
        reverse("public:verify"),
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(settings.MAX_UPLOAD_BYTES + 1),
        HTTP_ACCEPT_LANGUAGE="en",
        **{"wsgi.input": Unreadable()},
    )
    assert "The request exceeds the largest size accepted (25 MB)." in english.content.decode()


def test_uploads_up_to_the_limit_pass_and_above_are_refused(client, org, settings):
    document = final_document(org, title="Convention Limite")
    data = pdf_bytes("Convention Limite")
    settings.MAX_UPLOAD_BYTES = len(data) + 1000  # the file and the form around it
    ok = client.post(reverse("public:verify"), {"file": SimpleUploadedFile("c.pdf", data)})
    assert ok.status_code == 200 and document.sha256 in ok.content.decode()
    settings.MAX_UPLOAD_BYTES = len(data) - 1
    refused = client.post(reverse("public:verify"), {"file": SimpleUploadedFile("c.pdf", data)})
    assert refused.status_code == 413 and document.sha256 not in refused.content.decode()


def test_other_bodies_have_the_smaller_limit(client, db, settings):
    settings.MAX_REQUEST_BYTES = 2000
    form = "application/x-www-form-urlencoded"  # what a browser sends for a form without a file
    small = client.post(reverse("accounts:login"), "username=a%40example.org&password=" + "x" * 100, form)
    assert small.status_code == 200  # the login form again, with its error
    large = client.post(reverse("accounts:login"), "username=a%40example.org&password=" + "x" * 3000, form)
    assert large.status_code == 413
    assert "La requête dépasse la taille maximale acceptée (2 Ko)." in large.content.decode()
    # A multipart body (which may carry files) has the upload limit.
    multipart = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x" * 3000})
    assert multipart.status_code == 200


def test_the_api_answers_413_in_json(client, db, settings):
    settings.MAX_REQUEST_BYTES = 100
    response = client.post("/api/v1/sessions", data=json.dumps({"notes": "x" * 200}), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large" and "taille maximale" in response.json()["detail"]


def test_a_body_without_length_or_with_a_false_one_is_refused(client, db):
    chunked = client.generic(
        "POST", reverse("public:verify"), b"", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": Unreadable()}
    )
    assert chunked.status_code == 411 and "Content-Length" in chunked.content.decode()
    for length in ("-1", "12abc"):
        response = client.generic("POST", reverse("public:verify"), b"", CONTENT_LENGTH=length)
        assert response.status_code == 400, length


# --- Links that leave the browser --------------------------------------------------------------------------


def test_no_link_is_built_without_site_url_in_production(db, org, settings):
    settings.DEBUG = False
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        absolute_url("/v/ABC")
    from coopforma.people.tests.factories import TraineeFactory

    TraineeFactory(organisation=org, email="lea@example.org")
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        portal_link_request(email="lea@example.org")
    assert mail.outbox == []
    assert [m.id for m in run_checks() if not m.is_silenced()] == ["coopforma.W001"]
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("demo")
    settings.SITE_URL = "https://formation.example.coop/"
    assert absolute_url("/v/ABC") == "https://formation.example.coop/v/ABC"
    assert [m.id for m in run_checks() if not m.is_silenced()] == []


def test_dev_start_sets_site_url():
    assert 'env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")' in (ROOT / "dev.py").read_text()


# --- Private files in var/ ---------------------------------------------------------------------------------


def test_var_and_the_secret_key_are_created_for_the_owner_only(tmp_path):
    var_dir = tmp_path / "new" / "var"
    settings_with({"DEBUG": "true"}, var_dir)
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((var_dir / "secret_key").stat().st_mode) == 0o600


def test_the_sqlite_database_and_its_wal_files_are_the_owners_only(tmp_path, django_db_blocker):
    path = tmp_path / "coopforma.sqlite3"
    connections = ConnectionHandler(
        {
            "default": {
                "ENGINE": "coopforma.core.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            }
        }
    )
    old_umask = os.umask(0o022)  # what most systems have: new files readable by everyone
    try:
        with django_db_blocker.unblock():
            connection = connections["default"]
            with connection.cursor() as cursor:
                cursor.execute("CREATE TABLE t (x INTEGER)")
                cursor.execute("INSERT INTO t VALUES (1)")
            files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            assert all(f.exists() for f in files)
            assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}
            connection.close()
    finally:
        os.umask(old_umask)
    # A database made readable by others (an older installation) is made private when opened.
    path.chmod(0o644)
    make_private(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
