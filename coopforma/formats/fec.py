# SPDX-License-Identifier: AGPL-3.0-or-later
"""The fichier des écritures comptables (FEC) and a plain journal CSV, from typed entries.

FEC: Livre des procédures fiscales art. L47 A-I and A47 A-1 (arrêté du 29 juillet 2013): one line per entry
line, the 18 columns below in this order with these names on the first line, tab-separated, dates AAAAMMJJ,
amounts with a decimal comma and no thousands separator, encoded in ISO 8859-15; the file is named
<SIREN>FEC<AAAAMMJJ> (the closing date of the period). Each entry (EcritureNum) balances: Σ debit = Σ credit.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FEC_COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
FEC_ENCODING = "iso-8859-15"
JOURNAL_COLUMNS = (
    "date",
    "journal",
    "ecriture",
    "piece",
    "compte",
    "libelle_compte",
    "compte_auxiliaire",
    "libelle_auxiliaire",
    "libelle",
    "debit",
    "credit",
)


@dataclass(frozen=True)
class EntryLine:
    """One line of an accounting entry (amounts in integer cents, one of debit or credit)."""

    journal_code: str
    journal_label: str
    entry_number: str
    entry_date: dt.date
    account: str
    account_label: str
    piece_ref: str
    piece_date: dt.date
    label: str
    debit_cents: int = 0
    credit_cents: int = 0
    aux_account: str = ""
    aux_label: str = ""
    valid_date: dt.date | None = None


class UnbalancedEntry(ValueError):
    """An entry whose debits and credits differ: the FEC would be refused."""


def _amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros},{rest:02d}"


def _text(value: str) -> str:
    """No tab, line break or pipe inside a field (they separate fields and lines)."""
    return " ".join(str(value).replace("|", "/").split())


def check_balanced(lines: Iterable[EntryLine]) -> None:
    totals: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.journal_code, line.entry_number)
        totals[key] = totals.get(key, 0) + line.debit_cents - line.credit_cents
    wrong = [f"{journal} {number}" for (journal, number), balance in totals.items() if balance != 0]
    if wrong:
        raise UnbalancedEntry(f"écritures déséquilibrées : {', '.join(wrong)}")


def fec_rows(lines: Iterable[EntryLine]) -> Iterator[list[str]]:
    yield list(FEC_COLUMNS)
    for line in lines:
        yield [
            _text(line.journal_code),
            _text(line.journal_label),
            _text(line.entry_number),
            f"{line.entry_date:%Y%m%d}",
            _text(line.account),
            _text(line.account_label),
            _text(line.aux_account),
            _text(line.aux_label),
            _text(line.piece_ref),
            f"{line.piece_date:%Y%m%d}",
            _text(line.label),
            _amount(line.debit_cents),
            _amount(line.credit_cents),
            "",
            "",
            f"{(line.valid_date or line.entry_date):%Y%m%d}",
            "",
            "",
        ]


def write_fec(lines: list[EntryLine]) -> bytes:
    """The FEC file's bytes (ISO 8859-15, tab-separated, CRLF). Raises UnbalancedEntry."""
    check_balanced(lines)
    text = "".join("\t".join(row) + "\r\n" for row in fec_rows(lines))
    return text.encode(FEC_ENCODING, errors="replace")


def fec_filename(siren: str, closing: dt.date) -> str:
    """<SIREN>FEC<AAAAMMJJ>.txt (A47 A-1: the SIREN and the closing date of the period)."""
    return f"{siren}FEC{closing:%Y%m%d}.txt"


def write_journal_csv(lines: list[EntryLine]) -> bytes:
    """The same lines for a spreadsheet: UTF-8 with BOM, `;`, CRLF, dates dd/mm/yyyy, decimal comma."""
    check_balanced(lines)
    out = [";".join(JOURNAL_COLUMNS)]
    for line in lines:
        cells = [
            f"{line.entry_date:%d/%m/%Y}",
            line.journal_code,
            line.entry_number,
            line.piece_ref,
            line.account,
            line.account_label,
            line.aux_account,
            line.aux_label,
            line.label,
            _amount(line.debit_cents),
            _amount(line.credit_cents),
        ]
        out.append(";".join('"' + _text(c).replace('"', '""') + '"' if ";" in _text(c) else _text(c) for c in cells))
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")
