# SPDX-License-Identifier: AGPL-3.0-or-later
"""The FEC writer against golden files: typed entry lines in, the exact bytes out (A47 A-1 LPF)."""

import datetime as dt
from pathlib import Path

import pytest

from coopforma.formats.fec import (
    FEC_COLUMNS,
    EntryLine,
    UnbalancedEntry,
    fec_filename,
    write_fec,
    write_journal_csv,
)

GOLDEN = Path(__file__).parent / "golden"
D1, D2 = dt.date(2026, 3, 4), dt.date(2026, 4, 2)


def _lines() -> list[EntryLine]:
    sale = {
        "journal_code": "VE",
        "journal_label": "Ventes",
        "entry_number": "F-2026-0001",
        "entry_date": D1,
        "piece_ref": "F-2026-0001",
        "piece_date": D1,
        "label": "Facture F-2026-0001 Scop Exemple",
    }
    bank = {
        "journal_code": "BQ",
        "journal_label": "Banque",
        "entry_number": "R1",
        "entry_date": D2,
        "piece_ref": "VIR 42",
        "piece_date": D2,
        "label": "Règlement F-2026-0001 Scop Exemple",
    }
    return [
        EntryLine(
            **sale,
            account="411000",
            account_label="Clients",
            debit_cents=148151,
            aux_account="C7",
            aux_label="Scop Exemple",
        ),
        EntryLine(**sale, account="706000", account_label="Prestations de formation", credit_cents=123459),
        EntryLine(**sale, account="445710", account_label="TVA collectée", credit_cents=24692),
        EntryLine(**bank, account="512000", account_label="Banque", debit_cents=100000),
        EntryLine(
            **bank,
            account="411000",
            account_label="Clients",
            credit_cents=100000,
            aux_account="C7",
            aux_label="Scop Exemple",
        ),
    ]


def test_the_fec_matches_its_golden_file():
    data = write_fec(_lines())
    assert data == (GOLDEN / "732829320FEC20261231.txt").read_bytes()
    rows = [line.split("\t") for line in data.decode("iso-8859-15").split("\r\n") if line]
    assert rows[0] == list(FEC_COLUMNS) and len(FEC_COLUMNS) == 18
    assert all(len(row) == 18 for row in rows)
    assert "Règlement" in data.decode("iso-8859-15")


def test_the_journal_csv_matches_its_golden_file():
    assert write_journal_csv(_lines()) == (GOLDEN / "journal-20260101-20261231.csv").read_bytes()


def test_the_file_is_named_by_siren_and_closing_date():
    assert fec_filename("732829320", dt.date(2026, 12, 31)) == "732829320FEC20261231.txt"


def test_an_unbalanced_entry_is_refused():
    lines = _lines()[:2]
    with pytest.raises(UnbalancedEntry, match="F-2026-0001"):
        write_fec(lines)


def test_separators_inside_a_text_cannot_break_a_line():
    line = EntryLine(
        journal_code="VE",
        journal_label="Ventes",
        entry_number="1",
        entry_date=D1,
        account="411000",
        account_label="Clients",
        piece_ref="1",
        piece_date=D1,
        label="a\tb\nc|d",
        debit_cents=1,
    )
    other = EntryLine(
        journal_code="VE",
        journal_label="Ventes",
        entry_number="1",
        entry_date=D1,
        account="706000",
        account_label="Ventes",
        piece_ref="1",
        piece_date=D1,
        label="x",
        credit_cents=1,
    )
    rows = write_fec([line, other]).decode("iso-8859-15").split("\r\n")
    assert rows[1].split("\t")[10] == "a b c/d"
