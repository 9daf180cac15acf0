# SPDX-License-Identifier: AGPL-3.0-or-later
"""The DGEFP « liste publique des organismes de formation » CSV (Code du travail L6351-7-1), read as a stream.

The file published on data.gouv.fr: UTF-8, `;`-separated with a trailing `;` on every line, the 30 columns of
`COLUMNS` on the first line, text quoted, booleans `true`/`false`, dates JJ/MM/AAAA, NSF speciality codes.
`read(stream)` yields one `OfRecord` per valid line and one `RowRejected` (line number, column, French reason)
per invalid one, keeping nothing but the current line: memory stays constant whatever the size of the list.
A first line other than `COLUMNS` raises `HeaderError` before any record, with what differs.
"""

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

COLUMNS = (
    "numeroDeclarationActivite",
    "numerosDeclarationActivitePrecedent",
    "denomination",
    "siren",
    "siretEtablissementDeclarant",
    "adressePhysiqueOrganismeFormation.voie",
    "adressePhysiqueOrganismeFormation.codePostal",
    "adressePhysiqueOrganismeFormation.ville",
    "adressePhysiqueOrganismeFormation.codeRegion",
    "certifications.actionsDeFormation",
    "certifications.bilansDeCompetences",
    "certifications.VAE",
    "certifications.actionsDeFormationParApprentissage",
    "organismeEtrangerRepresente.denomination",
    "organismeEtrangerRepresente.voie",
    "organismeEtrangerRepresente.codePostal",
    "organismeEtrangerRepresente.ville",
    "organismeEtrangerRepresente.pays",
    "informationsDeclarees.dateDerniereDeclaration",
    "informationsDeclarees.debutExercice",
    "informationsDeclarees.finExercice",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite1",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite1",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite2",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite2",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite3",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite3",
    "informationsDeclarees.nbStagiaires",
    "informationsDeclarees.nbStagiairesConfiesParUnAutreOF",
    "informationsDeclarees.effectifFormateurs",
)
DELIMITER = ";"

_NDA = re.compile(r"\d{11}")
_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_BOOLEANS = {"true": True, "false": False}
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
LA_POSTE = "356000000"


def luhn_ok(digits: str) -> bool:
    """Luhn checksum of a string of digits (SIREN, SIRET: INSEE); inline here, read 300,000 times a file."""
    odd = sum(map(int, digits[-1::-2]))
    even = sum(_DOUBLED[int(c)] for c in digits[-2::-2])
    return (odd + even) % 10 == 0


def siret_ok(siret: str) -> bool:
    """14 digits passing Luhn; La Poste's establishments pass when their digits sum to a multiple of 5 (INSEE)."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE) and siret != LA_POSTE + "00048":  # the head office follows Luhn
        return sum(map(int, siret)) % 5 == 0
    return luhn_ok(siret) and luhn_ok(siret[:9])


class HeaderError(ValueError):
    """The first line is not the list's header: nothing may be read from this file."""

    def __init__(self, missing: list[str], unexpected: list[str], misplaced: list[str]) -> None:
        self.missing, self.unexpected, self.misplaced = missing, unexpected, misplaced
        parts = []
        if missing:
            parts.append("colonnes manquantes : " + ", ".join(missing))
        if unexpected:
            parts.append("colonnes inconnues : " + ", ".join(unexpected))
        if misplaced:
            parts.append("colonnes dans un autre ordre : " + ", ".join(misplaced))
        if not parts:
            parts.append("la première ligne est vide")
        super().__init__(
            "Ce fichier n'a pas l'en-tête de la liste publique des organismes de formation (" + " ; ".join(parts) + ")."
        )


@dataclass(frozen=True, slots=True)
class OfRecord:
    line: int
    nda: str
    previous_ndas: str
    name: str
    siren: str
    siret: str
    street: str
    postal_code: str
    city: str
    region_code: str
    qualiopi_training: bool
    qualiopi_skills_assessment: bool
    qualiopi_vae: bool
    qualiopi_apprenticeship: bool
    foreign_name: str
    foreign_street: str
    foreign_postal_code: str
    foreign_city: str
    foreign_country: str
    last_declared_on: dt.date | None
    fiscal_year_start: dt.date | None
    fiscal_year_end: dt.date | None
    nsf_code_1: str
    nsf_label_1: str
    nsf_code_2: str
    nsf_label_2: str
    nsf_code_3: str
    nsf_label_3: str
    trainees: int | None
    trainees_from_other_of: int | None
    trainers: int | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class RowRejected:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" + (f", colonne « {self.column} »" if self.column else "")
        return f"{where} : {self.reason}"


class _Bad(Exception):
    def __init__(self, column: int, reason: str) -> None:
        self.column, self.reason = column, reason


def check_header(first: list[str]) -> None:
    """Raise HeaderError unless `first` (the trailing empty cell dropped) is exactly COLUMNS."""
    names = [c.strip().lstrip("\ufeff") for c in first]
    if names and names[-1] == "":
        names.pop()
    if tuple(names) == COLUMNS:
        return
    if not any(names):
        raise HeaderError([], [], [])
    missing = [c for c in COLUMNS if c not in names]
    unexpected = [c for c in names if c not in COLUMNS]
    common = [c for c in names if c in COLUMNS]
    expected_order = [c for c in COLUMNS if c in names]
    misplaced = [a for a, b in zip(common, expected_order, strict=False) if a != b]
    raise HeaderError(missing, unexpected, misplaced)


def _bool(values: list[str], i: int) -> bool:
    try:
        return _BOOLEANS[values[i].lower()]
    except KeyError:
        raise _Bad(i, f"« {values[i]} » n'est pas un booléen (attendu : true ou false)") from None


def _date(values: list[str], i: int) -> dt.date | None:
    value = values[i]
    if not value:
        return None
    match = _DATE.fullmatch(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise _Bad(i, f"« {value} » n'est pas une date JJ/MM/AAAA")


def _int(values: list[str], i: int) -> int | None:
    value = values[i]
    if not value:
        return None
    if not value.isdigit():
        raise _Bad(i, f"« {value} » n'est pas un nombre entier positif")
    return int(value)


def _record(line: int, values: list[str]) -> OfRecord:
    nda, siren, siret = values[0], values[3], values[4]
    if not _NDA.fullmatch(nda):
        raise _Bad(0, f"le numéro de déclaration d'activité « {nda} » doit compter exactement 11 chiffres")
    if not values[2]:
        raise _Bad(2, "la dénomination est vide")
    if not (len(siren) == 9 and siren.isdigit() and luhn_ok(siren)):
        raise _Bad(3, f"le SIREN « {siren} » n'est pas valide (9 chiffres, clé de contrôle Luhn)")
    if not siret_ok(siret):
        raise _Bad(4, f"le SIRET « {siret} » n'est pas valide (14 chiffres, clé de contrôle Luhn)")
    if not siret.startswith(siren):
        raise _Bad(4, f"le SIRET « {siret} » ne commence pas par le SIREN « {siren} »")
    digest = hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()
    return OfRecord(
        line=line,
        nda=nda,
        previous_ndas=values[1],
        name=values[2],
        siren=siren,
        siret=siret,
        street=values[5],
        postal_code=values[6],
        city=values[7],
        region_code=values[8],
        qualiopi_training=_bool(values, 9),
        qualiopi_skills_assessment=_bool(values, 10),
        qualiopi_vae=_bool(values, 11),
        qualiopi_apprenticeship=_bool(values, 12),
        foreign_name=values[13],
        foreign_street=values[14],
        foreign_postal_code=values[15],
        foreign_city=values[16],
        foreign_country=values[17],
        last_declared_on=_date(values, 18),
        fiscal_year_start=_date(values, 19),
        fiscal_year_end=_date(values, 20),
        nsf_code_1=values[21],
        nsf_label_1=values[22],
        nsf_code_2=values[23],
        nsf_label_2=values[24],
        nsf_code_3=values[25],
        nsf_label_3=values[26],
        trainees=_int(values, 27),
        trainees_from_other_of=_int(values, 28),
        trainers=_int(values, 29),
        content_hash=digest,
    )


def read(stream: Iterable[str]) -> Iterator[OfRecord | RowRejected]:
    """The records of an open text stream (opened with newline="") or its lines, one by one.

    HeaderError first when the first line is not the list's header."""
    reader = csv.reader(stream, delimiter=DELIMITER)
    first = next(reader, None)
    check_header(first or [])
    width = len(COLUMNS)
    for values in reader:
        line = reader.line_num
        if not values or values == [""]:
            continue
        if len(values) == width + 1 and values[-1] == "":
            values.pop()
        if len(values) != width:
            yield RowRejected(line, "", f"la ligne compte {len(values)} colonnes au lieu de {width}")
            continue
        values = [v.strip() for v in values]
        try:
            yield _record(line, values)
        except _Bad as bad:
            yield RowRejected(line, COLUMNS[bad.column], bad.reason)
