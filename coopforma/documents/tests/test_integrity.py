# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma documents verify`: every issued document's stored file against its SHA-256 (issue 13, point 6)."""

import hashlib
import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from coopforma.documents.models import DocumentStatus
from coopforma.documents.services import document_finalise, document_generate
from coopforma.documents.tests.factories import deliver
from coopforma.documents.tests.test_generation import world  # noqa: F401
from coopforma.public.tests.helpers import final_document, pdf_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issued(world, admin_actor, other_org):  # type: ignore[no-untyped-def]  # noqa: F811
    """A certificate finalised through the service, a signed convention, a draft and another organisation's final."""
    deliver(world.session, admin_actor)  # a certificate is final only once the training is delivered
    certificate = document_finalise(
        actor=admin_actor,
        document_id=document_generate(actor=admin_actor, kind="certificate", subject=world.participant).pk,
    )
    signed = final_document(world.org, title="Convention Scop Exemple", status=DocumentStatus.SIGNED)
    data = pdf_bytes("Convention Scop Exemple signée")
    signed.signed_file.save("convention-signee.pdf", ContentFile(data), save=False)
    signed.signed_sha256 = hashlib.sha256(data).hexdigest()
    signed.save()
    draft = document_generate(actor=admin_actor, kind="convocation", subject=world.participant)
    foreign = final_document(other_org, title="Convention d'un autre OF")
    return SimpleNamespace(certificate=certificate, signed=signed, draft=draft, foreign=foreign, org=world.org)


def verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("documents", "verify", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def overwrite(name: str, data: bytes) -> None:
    with open(default_storage.path(name), "wb") as handle:
        handle.write(data)


def test_all_good_exits_0_and_counts_every_final_and_signed_file(issued):
    code, out = verify()
    # certificate (final), convention (final + signed), the other organisation's convention; not the draft
    assert code == 0
    assert out.strip() == "OK : 4 fichier(s) de documents émis vérifié(s), aucun problème."
    assert verify("--quiet") == (0, "")  # silent for cron when all is well


def test_altered_file_is_reported_with_the_document_and_exit_1(issued):
    overwrite(issued.certificate.file.name, pdf_bytes("Certificat falsifié"))
    overwrite(issued.draft.file.name, b"a draft may change")  # drafts are not checked
    code, out = verify()
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("ALTÉRÉ : PDF définitif de « ")
    assert f"document n° {issued.certificate.pk}" in lines[0]
    assert f"code {issued.certificate.verification_code}" in lines[0]
    assert issued.certificate.file.name in lines[0]
    assert lines[1] == "1 problème(s) sur 4 fichier(s) vérifié(s)."
    assert verify("--quiet")[0] == 1  # a problem is printed even when quiet


def test_missing_files_are_reported_final_and_signed(issued):
    default_storage.delete(issued.signed.signed_file.name)
    default_storage.delete(issued.foreign.file.name)
    code, out = verify()
    assert code == 1
    assert "MANQUANT : PDF signé de « Convention Scop Exemple »" in out
    assert f"organisation {issued.org.slug} ({issued.signed.signed_file.name})" in out
    assert "MANQUANT : PDF définitif de « Convention d'un autre OF »" in out
    assert "2 problème(s) sur 4 fichier(s) vérifié(s)." in out


def test_org_filter_checks_only_that_organisation(issued, other_org):
    default_storage.delete(issued.foreign.file.name)
    code, out = verify("--org", issued.org.slug)
    assert (code, out.strip()) == (0, "OK : 3 fichier(s) de documents émis vérifié(s), aucun problème.")
    code, out = verify("--org", other_org.slug)
    assert code == 1 and "Convention d'un autre OF" in out and "1 problème(s) sur 1 fichier(s)" in out


def test_a_final_document_without_its_hash_is_a_problem(issued):
    type(issued.certificate).objects.filter(pk=issued.certificate.pk).update(sha256="")
    code, out = verify()
    assert code == 1 and "SANS EMPREINTE : PDF définitif de « " in out


def test_unknown_organisation_is_refused(issued):
    with pytest.raises(CommandError, match="Organisation inconnue : nulle-part"):
        call_command("documents", "verify", "--org", "nulle-part")
