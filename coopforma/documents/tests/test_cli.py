# SPDX-License-Identifier: AGPL-3.0-or-later
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from coopforma.documents.tests.test_generation import pdf_text, world  # noqa: F401


def test_render_every_kind(world, tmp_path):  # noqa: F811
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "documents", "render", "--session", str(world.session.pk), "--out", str(tmp_path), stdout=out, stderr=err
    )
    paths = out.getvalue().split()
    names = sorted(p.split("/")[-1].split("-")[0] for p in paths)
    # convention (company) + contract (individual) + 2 quotes + programme, rules, attendance + 3 × 2 participants
    assert names.count("convention") == 1 and names.count("contract") == 1 and names.count("quote") == 2
    assert names.count("certificate") == 2 and "programme" in names and "rules" in names
    assert len(paths) == 13
    certificate = next(p for p in paths if "certificate" in p and "sacha" in p)
    assert "Sacha Dupont" in pdf_text(Path(certificate).read_bytes())
    assert len(PdfReader(certificate).pages) == 1
    assert err.getvalue() == ""


def test_render_one_kind_and_missing_data(world, tmp_path):  # noqa: F811
    world.participant.trainee.email = ""
    world.participant.trainee.save()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "documents",
        "render",
        "--session",
        str(world.session.pk),
        "--kind",
        "convocation",
        "--out",
        str(tmp_path),
        stdout=out,
        stderr=err,
    )
    assert len(out.getvalue().split()) == 1
    assert "Convocation — Sacha Dupont : données manquantes" in err.getvalue()
    assert "L'e-mail de Sacha Dupont" in err.getvalue()


def test_nothing_made_exits_1(world, tmp_path):  # noqa: F811
    world.org.nda = ""
    world.org.save()
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "documents",
            "render",
            "--session",
            str(world.session.pk),
            "--kind",
            "rules",
            "--out",
            str(tmp_path),
            stderr=err,
        )
    assert exc.value.returncode == 1
    assert "NDA" in err.getvalue()


def test_unknown_session_exits_1(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("documents", "render", "--session", "999999", "--out", str(tmp_path), stderr=io.StringIO())


@pytest.mark.parametrize("kind", ["invoice", "credit_note", "billing_quote"])
def test_billing_kinds_get_a_clear_message_not_a_crash(kind, world, tmp_path):  # noqa: F811
    """Issue 11: `--kind invoice|credit_note|billing_quote` ended in a KeyError."""
    with pytest.raises(CommandError) as exc:
        call_command("documents", "render", "--session", str(world.session.pk), "--kind", kind, "--out", str(tmp_path))
    assert "ne se produit pas à partir d'une session" in str(exc.value)
    assert "convention" in str(exc.value) and exc.value.returncode == 2
    assert not list(tmp_path.iterdir())
