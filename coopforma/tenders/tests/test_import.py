# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma tenders import`: the shared BOAMP fixture, idempotence, links, and bad input changing nothing."""

import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coopforma.formats import boamp
from coopforma.tenders.models import Nature, Notice, NoticeLink, TenderImport
from coopforma.tenders.services import ShapeError, tender_import
from coopforma.tenders.tests.factories import FIXTURE, import_fixture

pytestmark = pytest.mark.django_db


def records() -> list[dict]:
    return json.loads(FIXTURE.read_text())["results"]


def write(tmp_path, content, name="avis.json"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def state() -> tuple:
    return (
        list(Notice.objects.order_by("idweb").values_list("idweb", "content_hash", "current_deadline")),
        NoticeLink.objects.count(),
        TenderImport.objects.count(),
    )


def test_the_fixture_is_read_with_its_fields():
    read = list(boamp.read(FIXTURE.open("rb")))
    assert [r.idweb for r in read] == ["00-90001", "00-90002", "00-90003", "00-90004", "00-90005"]
    first, reserved, rectif, award, languages = read
    assert first.cpv_codes == ("80530000", "80570000", "80522000")
    assert first.main_cpv == "80530000"
    assert first.deadline.isoformat() == "2026-04-03T12:00:00+00:00"
    assert first.departements == ("26",) and first.nature == "contract_notice"
    assert reserved.reserved_ess and not first.reserved_ess
    assert rectif.nature == "rectification" and rectif.linked == ("00-90001",)
    assert award.nature == "award" and award.winners[0].startswith("GROUPEMENT CAE EXEMPLE COOP")
    assert award.departements == ("33", "40", "64")
    assert languages.social_clause  # « insertion 10 % » in the criteria


def test_a_deadline_without_offset_is_paris_time():
    raw = dict(records()[0], datelimitereponse="2026-04-03T12:00:00")
    record = boamp.record_of(raw, 1)
    assert record.deadline.utcoffset().total_seconds() == 2 * 3600  # CEST in April


def test_lots_amounts_and_reserved_codes_are_read_from_donnees():
    donnees = {
        "EFORMS": {
            "ContractNotice": {
                "cac:ProcurementProject": {
                    "cac:MainCommodityClassification": {
                        "cbc:ItemClassificationCode": {"@listName": "cpv", "#text": "80500000-9"}
                    },
                    "cac:RequestedTenderTotal": {
                        "cbc:EstimatedOverallContractAmount": {"@currencyID": "EUR", "#text": "45000.50"}
                    },
                },
                "cac:ProcurementProjectLot": [
                    {
                        "cbc:ID": {"#text": "LOT-0001"},
                        "cac:ProcurementProject": {
                            "cbc:Name": {"#text": "Animation de la coopération"},
                            "cac:MainCommodityClassification": {
                                "cbc:ItemClassificationCode": {"@listName": "cpv", "#text": "80570000-0"}
                            },
                        },
                    },
                    {"cbc:ID": {"#text": "LOT-0002"}, "cac:ProcurementProject": {"cbc:Name": "Tutorat"}},
                ],
                "cbc:ReservedProcurementCode": {"@listName": "reserved-procurement", "#text": "res-pub-ser"},
            }
        }
    }
    record = boamp.record_of(dict(records()[0], donnees=json.dumps(donnees)), 1)
    assert record.amount_cents == 4_500_050
    assert [(lot.number, lot.title, lot.cpv_codes) for lot in record.lots] == [
        ("LOT-0001", "Animation de la coopération", ("80570000",)),
        ("LOT-0002", "Tutorat", ()),
    ]
    assert record.reserved_ess
    assert record.cpv_codes == ("80500000", "80570000")


def test_import_of_the_fixture_keeps_links_and_counts():
    summary = import_fixture()
    assert (summary.records, summary.created, summary.skipped, summary.rejected) == (5, 5, 0, 0)
    assert summary.linked == 1  # the rectification → 00-90001; the award names a notice not imported (00-89950)
    original = Notice.objects.get(idweb="00-90001")
    assert original.current_deadline.isoformat() == "2026-04-17T12:00:00+00:00"  # moved by the rectification
    assert original.deadline.isoformat() == "2026-04-03T12:00:00+00:00"
    assert list(original.links_in.values_list("source__idweb", flat=True)) == ["00-90003"]
    award = Notice.objects.get(idweb="00-90004")
    assert award.nature == Nature.AWARD and award.links_out.get().target is None
    assert Notice.objects.get(idweb="00-90002").reserved_ess
    run = TenderImport.objects.get()
    assert (run.records, run.created, run.linked) == (5, 5, 1)


def test_import_is_idempotent():
    import_fixture()
    before = state()
    summary = import_fixture()
    assert (summary.created, summary.updated, summary.unchanged, summary.linked) == (0, 0, 5, 0)
    assert state()[:2] == before[:2]


def test_a_changed_notice_is_updated_and_a_late_original_is_linked(tmp_path):
    import_fixture()
    rows = records()
    rows[0]["objet"] = "Formation-action modifiée (FICTIF)"
    original = dict(rows[0], idweb="00-89950", nature="APPEL_OFFRE", objet="Parcours de formation (FICTIF)")
    summary = tender_import(source=write(tmp_path, [rows[0], original]))
    assert (summary.created, summary.updated, summary.linked) == (1, 1, 1)
    assert Notice.objects.get(idweb="00-90001").object == "Formation-action modifiée (FICTIF)"
    assert NoticeLink.objects.get(source__idweb="00-90004").target.idweb == "00-89950"
    # the rectification still moves the deadline of the updated original
    assert Notice.objects.get(idweb="00-90001").current_deadline.isoformat() == "2026-04-17T12:00:00+00:00"


def test_non_training_notices_are_skipped_and_rejected_ones_listed(tmp_path):
    rows = records()
    works = dict(rows[0], idweb="00-91000", objet="Réfection de la toiture du gymnase (FICTIF)")
    works["descripteur_libelle"] = ["Couverture"]
    works["donnees"] = json.dumps(
        {"x": {"cac:MainCommodityClassification": {"c": {"@listName": "cpv", "#text": "45261000-4"}}}}
    )
    by_words = dict(rows[0], idweb="00-91001", objet="Accompagnement des élus à la coopération", donnees="{}")
    no_idweb = {k: v for k, v in rows[1].items() if k != "idweb"}
    bad_donnees = dict(rows[1], idweb="00-91002", donnees="{pas du json")
    summary = tender_import(
        source=write(tmp_path, {"total_count": 5, "results": [works, by_words, no_idweb, bad_donnees, rows[0]]})
    )
    assert (summary.records, summary.kept, summary.skipped, summary.rejected) == (5, 2, 1, 2)
    assert [str(e) for e in summary.errors] == [
        "enregistrement n° 3 : avis sans « idweb » (l'identifiant BOAMP de l'avis)",
        "enregistrement n° 4 (idweb 00-91002) : « donnees » n'est pas du JSON lisible "
        "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
    ]
    assert set(Notice.objects.values_list("idweb", flat=True)) == {"00-91001", "00-90001"}


def test_the_exports_shape_gzip_compressed(tmp_path):
    path = tmp_path / "export.json.gz"
    path.write_bytes(gzip.compress(json.dumps(records()).encode()))
    assert tender_import(source=str(path)).created == 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("TRUNCATED", "tronqué"),
        ('{"total_count": 1, "rows": []}', "n'est pas un export BOAMP"),
        ("idweb;objet\n00-1;x\n", "n'est pas du JSON BOAMP"),
        ("[1, 2]", "n'est pas un avis"),
        ("", "vide"),
    ],
)
def test_bad_files_change_nothing(tmp_path, content, message):
    import_fixture()
    before = state()
    if content == "TRUNCATED":
        full = json.dumps({"total_count": 6, "results": [dict(records()[0], idweb="00-95555"), *records()]})
        content = full[: len(full) - 300]
    with pytest.raises(ShapeError, match=message):
        tender_import(source=write(tmp_path, content))
    assert state() == before


def test_the_command_reports_and_refuses(tmp_path):
    out = io.StringIO()
    call_command("tenders", "import", str(FIXTURE), stdout=out)
    assert "5 avis lu(s) : 5 gardé(s)" in out.getvalue() and "1 lien(s) établi(s)" in out.getvalue()
    with pytest.raises(CommandError, match=r"tronqué.*rien n'a été importé"):
        call_command("tenders", "import", write(tmp_path, '[{"idweb": "1"'), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Lecture impossible"):
        call_command("tenders", "import", str(tmp_path / "absent.json"), stdout=io.StringIO())
