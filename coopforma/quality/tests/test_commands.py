# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma quality audit-pack` and `coopforma quality remind --due` (and its task)."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from coopforma.core.models import OutboundEmail
from coopforma.documents.models import Document
from coopforma.quality import services
from coopforma.quality.models import NonConformity
from coopforma.quality.reminders import PURPOSE
from coopforma.quality.tasks import remind_due

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("quality", *args, stdout=out)
    return out.getvalue()


def test_audit_pack_command_writes_evidence_and_final_documents(org, quality_actor, session, tmp_path, settings):
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    services.evidence_create(actor=quality_actor, title="Organigramme", indicators=[18], covers=True, note="",
                             dated=TODAY, file=SimpleUploadedFile("organigramme.pdf", b"%PDF-org"),
                             member_structure=None)  # fmt: skip
    document = Document(organisation=org, kind="rules", title="Règlement intérieur", template_body="",
                        subject_type=ContentType.objects.get_for_model(session), subject_id=session.pk,
                        session_id_ref=session.pk, status="final", finalised_at=timezone.now())  # fmt: skip
    document.file.save("reglement.pdf", ContentFile(b"%PDF-rules"), save=True)
    Document.objects.create(organisation=org, kind="rules", title="Brouillon", template_body="", status="draft",
                            subject_type=ContentType.objects.get_for_model(session), subject_id=session.pk)  # fmt: skip
    out = tmp_path / "pack.zip"
    text = run("audit-pack", "--out", str(out), "--org", org.slug, "--from", "2020-01-01")
    assert "32 indicateurs, 1 preuve(s), 1 document(s)" in text
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        page9 = archive.read("indicators/09.html").decode()
        links = [link.removeprefix("../") for link in re.findall(r'href="(\.\./documents/[^"]+)"', page9)]
        assert len(links) == 1 and archive.read(links[0]) == b"%PDF-rules"
        page18 = archive.read("indicators/18.html").decode()
        evidence = re.search(r'href="\.\./(evidence/[^"]+)"', page18).group(1)
        assert evidence in names and archive.read(evidence) == b"%PDF-org"


def test_audit_pack_command_validates_its_options(org, other_org, tmp_path):
    with pytest.raises(CommandError, match="--org"):
        run("audit-pack", "--out", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="Aucune organisation"):
        run("audit-pack", "--out", str(tmp_path / "x.zip"), "--org", "nope")
    with pytest.raises(CommandError, match="Date invalide"):
        run("audit-pack", "--out", str(tmp_path / "x.zip"), "--org", org.slug, "--from", "31/12/2025")
    with pytest.raises(CommandError, match="précède"):
        run(
            "audit-pack",
            "--out",
            str(tmp_path / "x.zip"),
            "--org",
            org.slug,
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
        )
    assert not (tmp_path / "x.zip").exists()


def test_remind_due_mails_the_quality_team_once(org, quality_actor, admin_user, manager_user):
    audit = services.audit_create(actor=quality_actor, kind="surveillance", planned_on=TODAY - dt.timedelta(days=170),
                                  done_on=TODAY - dt.timedelta(days=170))  # fmt: skip
    nc = services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=23, severity="minor",
                                       description="Veille non exploitée")  # fmt: skip
    assert nc.due_on <= TODAY + dt.timedelta(days=30)
    services.improvement_create(actor=quality_actor, source="other", cause="c", action="Refaire le livret",
                                due_on=TODAY - dt.timedelta(days=1))  # fmt: skip
    text = run("remind", "--due")
    assert "2 e-mail(s)" in text
    emails = OutboundEmail.objects.filter(purpose=PURPOSE)
    assert sorted(e.to for e in emails) == sorted([admin_user.email, quality_actor.user.email])
    body = emails.first().body
    assert "indicateur 23" in body and "Refaire le livret" in body and f"/o/{org.slug}/quality/" in body
    assert NonConformity.objects.get().last_reminded_on == TODAY
    assert "0 e-mail(s)" in run("remind", "--due")  # not twice the same day
    assert remind_due.call() == 0


def test_remind_due_says_nothing_when_nothing_is_due(org, quality_user):
    assert "0 e-mail(s)" in run("remind", "--due", "--org", org.slug)
    assert not OutboundEmail.objects.exists()
