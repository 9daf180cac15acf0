# SPDX-License-Identifier: AGPL-3.0-or-later
"""On the demo cooperative: every trainee's archive builds, erasing everyone leaves the proof true (attendance
chains verify, issued documents match their SHA-256, every year's BPF is identical), the purge runs."""

import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Membership, Organisation
from coopforma.accounts.roles import flags_for
from coopforma.attendance.verify import verify_all
from coopforma.dashboard.demo import DEMO_SLUG
from coopforma.documents.models import Document
from coopforma.people.models import Trainee
from coopforma.privacy import services
from coopforma.reporting.bpf import compute_bpf
from coopforma.reporting.outputs import bpf_json
from tests.module_data import load_once


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    var_dir, media = tmp_path_factory.mktemp("var"), tmp_path_factory.mktemp("media")

    def load() -> None:
        with override_settings(VAR_DIR=var_dir, MEDIA_ROOT=media):
            call_command("demo", stdout=io.StringIO())

    with load_once(django_db_blocker, load):
        yield var_dir, media


@pytest.fixture
def org(loaded_demo, db, settings):  # type: ignore[no-untyped-def]
    settings.VAR_DIR, settings.MEDIA_ROOT = loaded_demo
    return Organisation.objects.get(slug=DEMO_SLUG)


def admin_of(org):  # type: ignore[no-untyped-def]
    membership = Membership.objects.filter(organisation=org, role="admin").select_related("user").first()
    return Actor(user=membership.user, organisation=org, role="admin", flags=flags_for("admin"))


def bpfs(org):  # type: ignore[no-untyped-def]
    return {y: json.dumps(bpf_json(compute_bpf(org, y)), sort_keys=True, default=str) for y in (2025, 2026)}


def figures(org, year):  # type: ignore[no-untyped-def]
    return json.dumps(bpf_json(compute_bpf(org, year, with_anomalies=False)), sort_keys=True, default=str)


def documents_match() -> list[str]:
    wrong = []
    for document in Document.objects.exclude(sha256="").exclude(file=""):
        with document.file.open("rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != document.sha256:
                wrong.append(document.verification_code)
    return wrong


def test_every_demo_trainee_has_an_archive(org):
    actor = admin_of(org)
    trainee = max(Trainee.objects.filter(organisation=org), key=lambda t: t.participations.count())
    archive = services.privacy_export(actor=actor, person=trainee)
    assert archive.content[:2] == b"PK"


def test_erasing_everyone_keeps_the_proof_true(org):
    actor = admin_of(org)
    before = bpfs(org)
    figures_before = figures(org, 2026)
    assert verify_all()[1] == [] and documents_match() == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 11), tick=False):
        for trainee in Trainee.objects.filter(organisation=org).order_by("pk"):
            try:
                services.person_erase(actor=actor, person=trainee)
            except Exception as exc:  # an open invoice: refused with its reason
                assert "Effacement refusé" in str(exc)
    assert verify_all()[1] == []
    assert documents_match() == []
    after = bpfs(org)
    assert after[2025] == before[2025]  # a past year: identical, hints included
    assert figures(org, 2026) == figures_before  # this year: the figures (its hints name people by their record)


def test_purge_runs_on_the_demo(org, capsys):
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 11), tick=False):
        call_command("privacy", "purge", "--due", "--dry-run")
        listed = capsys.readouterr().out
        call_command("privacy", "purge", "--due")
        done = capsys.readouterr().out
    assert "simulation" in listed
    assert listed.count("\n") == done.count("\n")
    assert verify_all()[1] == []
