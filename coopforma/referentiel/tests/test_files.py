# SPDX-License-Identifier: AGPL-3.0-or-later
"""The file format: the draft read, validated and written back the same; every error listed with its place."""

import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from coopforma.referentiel import files
from coopforma.referentiel.models import Item, Version
from coopforma.referentiel.tests.factories import DRAFT, network_with_people


def draft_mapping() -> dict:
    return yaml.safe_load(DRAFT.read_text())


def test_the_draft_reads_with_generated_ids():
    document = files.read(DRAFT.read_bytes(), "yaml")
    assert (document.number, document.draft) == ("0.1", True)
    codes = [e.code for e in document.entries]
    assert codes[:8] == [f"S{i}" for i in range(1, 9)]
    assert "M1-A1" in codes and "M1-C2" in codes and "M8-C6" in codes
    second = next(e for e in document.entries if e.code == "M1-C2")
    assert second.label == "Faciliter l'intelligence collective et des modes de décision adaptés"
    assert second.parent == "M1"


@pytest.mark.parametrize("fmt", files.FORMATS)
def test_every_format_round_trips(fmt):
    document = files.read(DRAFT.read_bytes(), "yaml")
    again = files.read(files.write(document, fmt), fmt)
    assert again.content() == document.content()


def test_the_yaml_written_is_the_draft():
    document = files.read(DRAFT.read_bytes(), "yaml")
    assert yaml.safe_load(files.write(document, "yaml")) == draft_mapping()


def test_an_item_with_more_than_a_label_is_written_as_a_mapping_and_read_back():
    data = draft_mapping()
    data["metiers"][0]["competences"][1] = {
        "id": "M1-C2",
        "label": "Faciliter",
        "criteres": ["choisit une méthode adaptée"],
        "niveaux": {"notions": "connaît", "maîtrise": "adapte"},
        "socle": ["S4"],
        "references": {"rome": ["K1802"], "rs": ["RS5142"], "nsf": ["333"], "formacode": ["15043"]},
    }
    document = files.read(yaml.safe_dump(data, allow_unicode=True), "yaml")
    entry = next(e for e in document.entries if e.code == "M1-C2")
    assert entry.levels == {"notions": "connaît", "maitrise": "adapte"}
    written = yaml.safe_load(files.write(document, "yaml"))
    assert written["metiers"][0]["competences"][1]["criteres"] == ["choisit une méthode adaptée"]
    assert files.read(files.write(document, "csv"), "csv").content() == document.content()


def test_every_problem_is_listed_with_its_place():
    data = draft_mapping()
    data["metiers"][3]["competences"][2] = ""
    data["metiers"][0]["socle"].append("S9")
    data["metiers"][1]["id"] = "M1"
    data["socle_transversal"][2]["label"] = ""
    data["metiers"][4]["references"] = {"rome": ["12"], "nsf": ["3"]}
    data["metiers"][5]["couleur"] = "bleu"
    data["version"] = "v2"
    with pytest.raises(files.FileErrors) as caught:
        files.read(yaml.safe_dump(data, allow_unicode=True), "yaml")
    errors = caught.value.errors
    assert "metiers[3].competences[2]: libellé manquant" in errors
    assert "metiers[0].socle[5]: bloc inconnu « S9 » (absent de socle_transversal)" in errors
    assert "metiers[1]: identifiant « M1 » en double (déjà utilisé en metiers[0])" in errors
    assert "socle_transversal[2]: libellé manquant" in errors
    assert any(e.startswith("metiers[4].references.rome[0]: Le code ROME") for e in errors)
    assert any(e.startswith("metiers[4].references.nsf[0]: Le code NSF") for e in errors)
    assert any(e.startswith("metiers[5]: clé inconnue « couleur »") for e in errors)
    assert any(e.startswith("version: numéro de version « v2 » invalide") for e in errors)
    # a duplicated job is one error, not one more per generated child id
    assert not any(e.startswith("metiers[1].activites") for e in errors)


def test_csv_errors_name_the_line():
    text = files.write(files.read(DRAFT.read_bytes(), "yaml"), "csv").splitlines()
    text[3] = text[3].replace("Aider à la décision et à la stratégie collective", "")
    with pytest.raises(files.FileErrors) as caught:
        files.read("\n".join(text), "csv")
    assert caught.value.errors == ["ligne 4 (socle_transversal[1]): libellé manquant"]


def test_unreadable_files_say_so():
    with pytest.raises(files.FileErrors) as caught:
        files.read("metiers: [\n", "yaml")
    assert caught.value.errors[0].startswith("ligne ")
    with pytest.raises(files.FileErrors):
        files.read("{", "json")
    with pytest.raises(files.FileErrors):
        files.read("- a\n- b\n", "yaml")
    with pytest.raises(files.FileErrors):
        files.read("x,y\n1,2\n", "csv")


# --- the command -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_export_import_is_the_same(tmp_path):
    network = network_with_people()["network"]
    call_command("referentiel", "import", str(DRAFT), "--network", network.slug, stdout=io.StringIO())
    keys = dict(Item.objects.values_list("code", "key"))
    assert len(keys) == 116
    for fmt in files.FORMATS:
        out = io.StringIO()
        call_command("referentiel", "export", "--network", network.slug, "--format", fmt, stdout=out)
        path = tmp_path / f"export.{fmt}"
        path.write_text(out.getvalue())
        if fmt == "yaml":
            assert yaml.safe_load(out.getvalue()) == draft_mapping()
        call_command("referentiel", "import", str(path), "--network", network.slug, stdout=io.StringIO())
        assert dict(Item.objects.values_list("code", "key")) == keys  # same items, same identities
    out = io.StringIO()
    call_command("referentiel", "export", "--network", network.slug, "--format", "json", stdout=out)
    assert files.read(out.getvalue(), "json").content() == files.read(DRAFT.read_bytes(), "yaml").content()
    assert json.loads(out.getvalue())["version"] == "0.1-draft"


@pytest.mark.django_db
def test_a_bad_file_writes_nothing(tmp_path):
    network = network_with_people()["network"]
    data = draft_mapping()
    data["metiers"][3]["competences"][2] = ""
    data["metiers"][0]["socle"].append("S9")
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CommandError) as caught:
        call_command("referentiel", "import", str(path), "--network", network.slug)
    message = str(caught.value)
    assert "2 problème(s), rien n'a été chargé" in message
    assert "metiers[3].competences[2]: libellé manquant" in message
    assert "metiers[0].socle[5]: bloc inconnu « S9 »" in message
    assert not Version.objects.exists() and not Item.objects.exists()


@pytest.mark.django_db
def test_a_published_version_is_not_imported_over(tmp_path):
    network = network_with_people()["network"]
    call_command("referentiel", "import", str(DRAFT), "--network", network.slug, stdout=io.StringIO())
    call_command("referentiel", "publish", "--network", network.slug, "--version", "0.1", stdout=io.StringIO())
    before = list(Item.objects.values_list("pk", "label"))
    with pytest.raises(CommandError, match=r"La version 0\.1 est publiée"):
        call_command("referentiel", "import", str(DRAFT), "--network", network.slug)
    assert list(Item.objects.values_list("pk", "label")) == before
    out = io.StringIO()
    call_command("referentiel", "export", "--network", network.slug, "--version", "0.1", stdout=out)
    assert yaml.safe_load(out.getvalue())["version"] == "0.1"


@pytest.mark.django_db
def test_unknown_network_is_refused():
    with pytest.raises(CommandError, match="Réseau « nope » inconnu"):
        call_command("referentiel", "import", str(DRAFT), "--network", "nope")
