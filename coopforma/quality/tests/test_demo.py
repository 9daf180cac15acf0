# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's quality system: honest, mixed statuses; its audit pack opens and its links resolve."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from coopforma.accounts.models import Organisation, User
from coopforma.core.dates import add_months
from coopforma.dashboard.demo import DEMO_SLUG, demo_load
from coopforma.quality import indicator_statuses
from coopforma.quality.models import Audit, Complaint, NonConformity
from tests.module_data import load_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo, loaded once for the module; returns the directory of its uploaded files (MEDIA_ROOT)."""
    var_dir = tmp_path_factory.mktemp("var")

    def load() -> None:
        with override_settings(MEDIA_ROOT=var_dir / "media"):
            demo_load(var_dir=var_dir, site_url="https://demo.coopforma.example")

    with load_once(django_db_blocker, load):
        yield var_dir / "media"


@pytest.fixture
def demo_org(loaded_demo, db, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = loaded_demo
    return Organisation.objects.get(slug=DEMO_SLUG)


def test_demo_statuses_are_mixed_and_explained(demo_org):
    statuses = indicator_statuses.compute(demo_org)
    by_status = indicator_statuses.summary(statuses)
    assert (
        by_status[indicator_statuses.MET] >= 5
        and by_status[indicator_statuses.MISSING] >= 1
        and by_status[indicator_statuses.PARTIAL] >= 1
    )
    assert by_status[indicator_statuses.NOT_APPLICABLE] >= 1
    s = {x.number: x for x in statuses}
    assert (
        s[31].status == indicator_statuses.MET
        and s[23].status == indicator_statuses.MET
        and s[25].status == indicator_statuses.PARTIAL
    )
    assert s[22].status == indicator_statuses.MISSING
    # The subcontracted trainer is checked; the session entrusted to them has SIRET and NDA but no contract issued.
    assert s[27].status == indicator_statuses.PARTIAL
    assert [link.label for link in s[27].missing if "contrat de sous-traitance émis" in link.label]
    assert s[14].status == indicator_statuses.NOT_APPLICABLE  # no apprenticeship
    assert all(x.explanation for x in statuses)


def test_demo_audits_match_the_certificate(demo_org):
    initial = Audit.objects.get(organisation=demo_org, kind="initial")
    surveillance = Audit.objects.get(organisation=demo_org, kind="surveillance")
    assert initial.done_on < demo_org.qualiopi_valid_from
    start = demo_org.qualiopi_valid_from
    assert add_months(start, 14) <= surveillance.done_on <= add_months(start, 22)
    nc = NonConformity.objects.get(audit=surveillance)
    assert nc.severity == "minor" and nc.closed_on and nc.closure_note
    assert Complaint.objects.filter(organisation=demo_org, closed_on__isnull=False).count() >= 2


def test_demo_dashboard_and_audit_pack(demo_org, tmp_path):
    quality = User.objects.get(email="hugo.marchand@ensemble.example")
    client = Client()
    client.force_login(quality)
    page = client.get(f"/o/{DEMO_SLUG}/quality/")
    assert page.status_code == 200
    assert page.content.decode().count('href="/o/cooperative-demo/quality/indicators/') >= 32
    out = tmp_path / "pack.zip"
    call_command("quality", "audit-pack", "--out", str(out), "--org", DEMO_SLUG, stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        index = archive.read("index.html").decode()
        for target in re.findall(r'href="([^"]+)"', index):
            assert target in names, target
        page31 = archive.read("indicators/31.html").decode()
        files = [t.removeprefix("../") for t in re.findall(r'href="(\.\./[^"]+)"', page31)]
        assert any(f.startswith("evidence/") for f in files)
        for name in files:
            assert name in names, name
        procedure = next(f for f in files if f.startswith("evidence/"))
        assert b"Accus\xc3\xa9 de r\xc3\xa9ception" in archive.read(procedure)
