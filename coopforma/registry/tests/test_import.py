# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma registry import-of`: streamed upsert by NDA, per-row errors, idempotence, absences, header refused."""

import gzip
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopforma.formats.dgefp import COLUMNS, HeaderError
from coopforma.registry.models import RegisteredName, RegisteredOrganisation, RegistryImport
from coopforma.registry.services import registry_import
from coopforma.registry.tests.factories import CAE, HEADER, ROW, SAMPLE, row, write_csv

pytestmark = pytest.mark.django_db


def test_the_sample_is_imported_with_every_field():
    summary = registry_import(source=str(SAMPLE))
    assert (summary.rows, summary.created, summary.rejected) == (8, 8, 0)
    cae = RegisteredOrganisation.objects.get(nda=CAE["nda"])
    assert (cae.siren, cae.siret, cae.name) == (CAE["siren"], CAE["siret"], CAE["name"])
    assert cae.qualiopi_training and not cae.qualiopi_vae
    assert str(cae.last_declared_on) == "2025-05-15" and str(cae.fiscal_year_end) == "2024-12-31"
    assert cae.specialities[0] == ("315", "Ressources humaines, gestion du personnel, gestion de l'emploi")
    assert (cae.trainees, cae.trainees_from_other_of, cae.trainers) == (412, 37, 58)
    assert cae.search_name == " cae exemple coop fictif scop"
    assert set(RegisteredName.objects.filter(organisation=cae).values_list("word", flat=True)) == {
        "cae", "exemple", "coop", "fictif", "scop"
    }  # fmt: skip
    foreign = RegisteredOrganisation.objects.get(nda="11759000999")
    assert (foreign.foreign_name, foreign.foreign_country) == ("COOPERATIVA ESEMPIO (FITTIZIA)", "ITALIE")
    assert RegisteredOrganisation.objects.get(nda="84699000169").previous_ndas == "84389000138"
    run = RegistryImport.objects.get()
    assert cae.imported == run and run.finished_at and run.created == 8


def test_a_second_import_of_the_same_file_writes_nothing():
    registry_import(source=str(SAMPLE))
    table = RegisteredOrganisation._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        summary = registry_import(source=str(SAMPLE))
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [sql for sql in writes if table in sql or "registry_registeredname" in sql]
    assert (summary.created, summary.updated, summary.unchanged, summary.absent) == (0, 0, 8, 0)


def test_a_changed_row_is_updated_and_a_vanished_one_marked_absent_not_deleted(tmp_path):
    registry_import(source=str(SAMPLE))
    changed = row(**{"denomination": '"CAE RENOMMÉE (FICTIF)"', "certifications.actionsDeFormation": "false"})
    summary = registry_import(source=write_csv(tmp_path / "l.csv", [changed]))
    assert (summary.created, summary.updated, summary.unchanged, summary.absent) == (0, 1, 0, 7)
    cae = RegisteredOrganisation.objects.get(nda=CAE["nda"])
    assert cae.name == "CAE RENOMMÉE (FICTIF)" and not cae.qualiopi_training and cae.present
    assert set(RegisteredName.objects.filter(organisation=cae).values_list("word", flat=True)) == {
        "cae", "renommee", "fictif"
    }  # fmt: skip
    gone = RegisteredOrganisation.objects.get(nda="24379000137")
    assert not gone.present and gone.absent_since is not None
    assert RegisteredOrganisation.objects.count() == 8
    # It comes back in the next list: present again.
    summary = registry_import(source=str(SAMPLE))
    assert summary.updated == 8 and RegisteredOrganisation.objects.filter(present=False).count() == 0


def test_a_partial_file_leaves_the_others_alone(tmp_path):
    registry_import(source=str(SAMPLE))
    summary = registry_import(source=write_csv(tmp_path / "l.csv", [ROW]), mark_absent=False)
    assert summary.absent == 0 and RegisteredOrganisation.objects.filter(present=False).count() == 0


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"siretEtablissementDeclarant": '"99900001100019"'}, "siretEtablissementDeclarant", "Luhn"),
        ({"siretEtablissementDeclarant": '"99900002900010"'}, "siretEtablissementDeclarant", "ne commence pas"),
        ({"siren": '"999000012"'}, "siren", "Luhn"),
        ({"numeroDeclarationActivite": '"1175900017"'}, "numeroDeclarationActivite", "11 chiffres"),
        ({"informationsDeclarees.dateDerniereDeclaration": "31/02/2025"}, "informationsDeclarees.date", "JJ/MM/AAAA"),
        ({"informationsDeclarees.debutExercice": "2024-01-01"}, "informationsDeclarees.debutExercice", "JJ/MM/AAAA"),
        ({"certifications.VAE": "oui"}, "certifications.VAE", "booléen"),
        ({"informationsDeclarees.nbStagiaires": "-3"}, "informationsDeclarees.nbStagiaires", "entier"),
        ({"denomination": '""'}, "denomination", "vide"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_column_and_reason_and_the_others_imported(
    tmp_path, changes, column, reason
):
    other = row(**{"numeroDeclarationActivite": '"11759000999"'})
    summary = registry_import(source=write_csv(tmp_path / "l.csv", [row(**changes), other]))
    assert (summary.created, summary.rejected) == (1, 1)
    error = summary.errors[0]
    assert error.line == 2 and error.column.startswith(column) and reason in error.reason
    assert str(error).startswith("ligne 2, colonne « ")
    assert RegisteredOrganisation.objects.get().nda == "11759000999"
    assert RegistryImport.objects.get().errors[0]["line"] == 2


def test_a_short_row_and_a_duplicate_nda_are_rejected(tmp_path):
    summary = registry_import(source=write_csv(tmp_path / "l.csv", [ROW, ROW, '"1";"2"']))
    assert summary.created == 1 and summary.rejected == 2
    assert "figure déjà plus haut" in summary.errors[0].reason and summary.errors[0].line == 3
    assert "2 colonnes au lieu de 30" in summary.errors[1].reason and summary.errors[1].line == 4


def test_another_header_is_refused_at_once_with_what_differs_and_nothing_written(tmp_path):
    header = HEADER.replace("siren;", "numeroSiren;").replace("certifications.VAE;", "")
    path = write_csv(tmp_path / "l.csv", [ROW], header=header)
    with pytest.raises(HeaderError) as exc:
        registry_import(source=path)
    message = str(exc.value)
    assert "colonnes manquantes : siren, certifications.VAE" in message
    assert "colonnes inconnues : numeroSiren" in message
    assert not RegistryImport.objects.exists() and not RegisteredOrganisation.objects.exists()
    reordered = list(COLUMNS)
    reordered[0], reordered[2] = reordered[2], reordered[0]
    with pytest.raises(HeaderError, match="autre ordre : denomination"):
        registry_import(source=write_csv(tmp_path / "o.csv", [ROW], header=";".join(reordered)))
    with pytest.raises(HeaderError, match="première ligne est vide"):
        registry_import(source=write_csv(tmp_path / "e.csv", [], header=""))


def test_the_command_prints_rejections_and_the_summary_and_refuses_another_header(tmp_path):
    out = io.StringIO()
    bad = row(**{"siren": '"123"'})
    call_command("registry", "import-of", write_csv(tmp_path / "l.csv", [ROW, bad]), "--quiet", stdout=out)
    text = out.getvalue()
    assert "Rejetée — ligne 3, colonne « siren » : le SIREN « 123 » n'est pas valide" in text
    assert "2 ligne(s) lue(s) : 1 créé(s), 0 mis à jour, 0 inchangé(s), 0 absent(s)" in text
    with pytest.raises(CommandError, match="colonnes manquantes"):
        call_command("registry", "import-of", write_csv(tmp_path / "h.csv", [ROW], header="a;b;"), stdout=out)
    with pytest.raises(CommandError, match="Lecture impossible"):
        call_command("registry", "import-of", str(tmp_path / "missing.csv"), stdout=out)


def test_a_gzip_file_and_a_gzip_url_are_read(tmp_path):
    body = gzip.compress(SAMPLE.read_bytes())
    (tmp_path / "l.csv.gz").write_bytes(body)
    assert registry_import(source=str(tmp_path / "l.csv.gz")).created == 8

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        summary = registry_import(source=f"http://127.0.0.1:{server.server_port}/liste.csv")
    finally:
        server.shutdown()
        server.server_close()
    assert (summary.unchanged, summary.created) == (8, 0)
