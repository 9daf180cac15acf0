# SPDX-License-Identifier: AGPL-3.0-or-later
"""BOAMP notices (DILA open data, Licence Ouverte / Etalab 2.0) in the Opendatasoft Explore v2.1 shapes, streamed.

Two shapes are read, the first non-blank character telling which:

- `/records`: `{"total_count": N, "results": [{…}, …]}` (at most 10,000 records per query);
- `/exports/json`: a JSON array of the same records (the whole dataset, or a filtered export).

`read(stream)` walks the array element by element with `json.JSONDecoder.raw_decode` on chunks of the text (no
third-party parser), so memory holds one record at a time, and yields a `NoticeRecord` per valid record and a
`RecordRejected` (position in the array, idweb if any, French reason) per invalid one: no `idweb`, a `donnees`
text that is not JSON, a date that cannot be read. A file that is not one of the two shapes, or that stops in
the middle (truncated), raises `ShapeError` with a French message: the caller then writes nothing.

The flat fields are BOAMP's (`idweb`, `objet`, `nomacheteur`, `dateparution`, `datelimitereponse`, `nature`,
`famille`, `type_marche`, `code_departement`, `descripteur_code`/`descripteur_libelle` — BOAMP's own thesaurus,
not CPV —, `titulaire`, `annonce_lie`, `url_avis`); CPV codes, lots, amounts and the reserved-contract marks live
in `donnees`, the full notice as JSON text (eForms or the older BOAMP schema): they are found by walking that
tree for the keys both schemas use (`_walk_*` below), whatever their depth.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
CHUNK = 64 * 1024

# BOAMP `nature` → what the notice is to the watch (`Nature` values of the tenders app).
NATURES = {
    "APPEL_OFFRE": "contract_notice",
    "RECTIFICATIF": "rectification",
    "MODIFICATION": "rectification",
    "ANNULATION": "cancellation",
    "ATTRIBUTION": "award",
    "INTENTION_CONCLURE": "award",
    "PRE-INFORMATION": "prior_information",
}

CPV = re.compile(r"^(\d{8})(?:-(\d))?$")
# eForms codes of a reserved procurement (BT-71): `res-pub-ser` public service missions reserved to ESS entities
# (Code de la commande publique L2113-15, directive 2014/24 art. 77), `res-ws` sheltered workshops and insertion
# structures (L2113-12 to L2113-14).
RESERVED_ESS = {"res-pub-ser"}
RESERVED_INSERTION = {"res-ws"}
RESERVED_KEYS = {"reserved_procurement", "cbc:reservedprocurementcode", "marche_reserve", "reserve"}
AMOUNT_KEYS = {
    "cbc:estimatedoverallcontractamount",
    "cbc:estimatedoverallfinancecontractamount",
    "valeur_estimee",
    "val_estimee",
    "montant",
    "valeur",
}
LOT_KEYS = {"cac:procurementprojectlot", "lot", "lots"}
MAIN_CPV_KEYS = {"cac:maincommodityclassification", "cpv_main", "cpvprincipal", "cpv_principal"}
SOCIAL_WORDS = ("insertion", "clause sociale", "clauses sociales")


class ShapeError(ValueError):
    """The file is not a BOAMP export (another shape, or truncated): nothing of it may be used."""


@dataclass(frozen=True)
class Lot:
    number: str
    title: str
    cpv_codes: tuple[str, ...] = ()
    amount_cents: int | None = None


@dataclass(frozen=True)
class NoticeRecord:
    position: int  # 1-based rank in the array
    idweb: str
    object: str
    buyer: str
    published_on: dt.date | None
    deadline: dt.datetime | None
    nature: str  # one of NATURES values, or "other"
    nature_code: str  # BOAMP's own code (APPEL_OFFRE…)
    family: str
    market_types: tuple[str, ...]
    departements: tuple[str, ...]
    descriptor_codes: tuple[str, ...]
    descriptor_labels: tuple[str, ...]
    winners: tuple[str, ...]
    linked: tuple[str, ...]  # idweb of the notices this one rectifies, cancels or awards
    url: str
    criteria: str
    main_cpv: str
    additional_cpv: tuple[str, ...]
    lots: tuple[Lot, ...] = field(default_factory=tuple)
    reserved_ess: bool = False
    social_clause: bool = False
    amount_cents: int | None = None

    @property
    def cpv_codes(self) -> tuple[str, ...]:
        """Every CPV code of the notice and its lots, main first, each once (8 digits, without the check digit)."""
        seen: dict[str, None] = {}
        for code in (self.main_cpv, *self.additional_cpv, *(c for lot in self.lots for c in lot.cpv_codes)):
            if code:
                seen.setdefault(code, None)
        return tuple(seen)


@dataclass(frozen=True)
class RecordRejected:
    position: int
    idweb: str
    reason: str

    def __str__(self) -> str:
        where = f"enregistrement n° {self.position}" + (f" (idweb {self.idweb})" if self.idweb else "")
        return f"{where} : {self.reason}"


class _Bad(Exception):
    pass


# --- the streamed array ------------------------------------------------------------------------------------------


class _Stream:
    """A JSON text read by chunks: values decoded one at a time with `raw_decode`, the buffer trimmed behind."""

    def __init__(self, stream: IO[str] | IO[bytes]) -> None:
        self.stream = stream
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        self.consumed = 0  # characters dropped from the buffer, for positions in messages
        self.bytes_decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def _fill(self, size: int = CHUNK) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(size)
        if isinstance(chunk, bytes):  # a multi-byte character may be cut between two chunks
            chunk = self.bytes_decoder.decode(chunk, final=not chunk)
        if not chunk:
            self.eof = True
            return False
        if self.pos > CHUNK:
            self.consumed += self.pos
            self.buffer, self.pos = self.buffer[self.pos :], 0
        if not self.buffer and chunk.startswith("\ufeff"):
            chunk = chunk[1:]
        self.buffer += chunk
        return True

    def where(self) -> int:
        return self.consumed + self.pos

    def peek(self) -> str:
        """The next non-blank character ("" at the end of the text)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def take(self, expected: str) -> str:
        char = self.peek()
        if char == "":
            raise ShapeError(_truncated(self.where()))
        if char not in expected:
            raise ShapeError(
                f"JSON inattendu à la position {self.where()} : « {char} » au lieu de "
                + " ou ".join(f"« {c} »" for c in expected)
                + "."
            )
        self.pos += 1
        return char

    def value(self) -> Any:
        self.peek()
        size = CHUNK
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if self._fill(size):
                    size *= 2
                    continue
                if error.pos >= len(self.buffer.rstrip()) - 1 or error.msg.startswith("Unterminated"):
                    raise ShapeError(_truncated(self.consumed + error.pos)) from None
                raise ShapeError(f"JSON invalide à la position {self.consumed + error.pos} : {error.msg}.") from None
            if end >= len(self.buffer) and not self.eof and self._fill(size):
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


def _truncated(position: int) -> str:
    return f"Le fichier JSON s'arrête au milieu (position {position}) : il est tronqué, téléchargez-le à nouveau."


def _array_items(source: _Stream) -> Iterator[Any]:
    source.take("[")
    if source.peek() == "]":
        source.pos += 1
        return
    while True:
        yield source.value()
        if source.take(",]") == "]":
            return


def _elements(source: _Stream) -> Iterator[Any]:
    """The records of either shape."""
    first = source.peek()
    if first == "[":
        yield from _array_items(source)
    elif first == "{":
        source.take("{")
        seen_results = False
        if source.peek() == "}":
            source.pos += 1
        else:
            while True:
                key = source.value()
                source.take(":")
                if key == "results" and source.peek() == "[":
                    seen_results = True
                    yield from _array_items(source)
                else:
                    source.value()
                if source.take(",}") == "}":
                    break
        if not seen_results:
            raise ShapeError(
                "Ce fichier JSON n'est pas un export BOAMP : ni une liste d'avis (/exports/json), "
                "ni un objet avec « results » (/records)."
            )
    elif first == "":
        raise ShapeError("Le fichier est vide : aucun avis BOAMP à lire.")
    else:
        raise ShapeError(
            f"Ce fichier n'est pas du JSON BOAMP (il commence par « {first} ») : attendu un export "
            "/exports/json (liste) ou une réponse /records (objet avec « results »)."
        )
    if source.peek() != "":
        raise ShapeError(f"Texte en trop après la fin du JSON (position {source.where()}).")


def read(stream: IO[str] | IO[bytes]) -> Iterator[NoticeRecord | RecordRejected]:
    """Yield the records of a BOAMP JSON export (see the module's docstring); ShapeError for the whole file."""
    source = _Stream(stream)
    for position, element in enumerate(_elements(source), start=1):
        if not isinstance(element, dict):
            raise ShapeError(
                f"L'élément n° {position} de la liste n'est pas un avis (objet JSON attendu) : "
                "ce fichier n'est pas un export BOAMP."
            )
        if isinstance(element.get("fields"), dict):  # the older v2.0/v1 shape: {"record": …, "fields": {…}}
            element = element["fields"]
        elif isinstance(element.get("record"), dict) and isinstance(element["record"].get("fields"), dict):
            element = element["record"]["fields"]
        yield record_of(element, position)


# --- one record --------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ; ".join(_text(v) for v in value if v is not None)
    return str(value).strip()


def _list(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        return tuple(_text(v) for v in value if _text(v))
    if isinstance(value, str):  # some exports join lists with commas or semicolons
        return tuple(part.strip() for part in re.split(r"[;,]", value) if part.strip())
    return (_text(value),)


def _date(value: Any, name: str) -> dt.date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise _Bad(f"« {name} » n'est pas une date (AAAA-MM-JJ) : « {text[:40]} »") from None


def _datetime(value: Any, name: str) -> dt.datetime | None:
    """An aware datetime; without an offset the time is French legal time (Europe/Paris); a date alone is the
    end of that day."""
    text = _text(value)
    if not text:
        return None
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59))
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(f"« {name} » n'est pas une date et heure : « {text[:40]} »") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def cpv_code(text: str) -> str:
    """« 80530000-8 » → « 80530000 » (8 digits); "" when it is not a CPV code."""
    match = CPV.match(text.strip())
    return match.group(1) if match else ""


def _amount_cents(value: Any) -> int | None:
    if isinstance(value, dict):
        value = value.get("#text", value.get("value", value.get("@VALUE")))
    text = _text(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if amount < 0 or amount > Decimal("1e13"):
        return None
    return int((amount * 100).to_integral_value())


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (lower-cased key, value) pair of the tree, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key).lower(), value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _cpv_in(node: Any) -> list[str]:
    """The CPV codes under `node`: eForms `{"@listName": "cpv", "#text": …}`, the older `{"@CODE": …}` under a
    CPV key, or a bare code under a key naming CPV."""
    found: list[str] = []

    def visit(value: Any, key: str) -> None:
        if isinstance(value, dict):
            if str(value.get("@listName", "")).lower() == "cpv" and "#text" in value:
                code = cpv_code(_text(value["#text"]))
                if code:
                    found.append(code)
                return
            if "cpv" in key and "@CODE" in value:
                code = cpv_code(_text(value["@CODE"]))
                if code:
                    found.append(code)
            for k, v in value.items():
                visit(v, str(k).lower())
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif isinstance(value, str) and "cpv" in key:
            code = cpv_code(value)
            if code:
                found.append(code)

    visit(node, "")
    return list(dict.fromkeys(found))


def _lots(tree: Any) -> tuple[Lot, ...]:
    lots: list[Lot] = []
    for key, value in _walk(tree):
        if key not in LOT_KEYS:
            continue
        for index, item in enumerate(value if isinstance(value, list) else [value], start=1):
            if not isinstance(item, dict):
                continue
            number = title = ""
            amount = None
            for k, v in _walk(item):
                if not number and k in {"cbc:id", "num", "numero", "number"} and not isinstance(v, (dict, list)):
                    number = _text(v)
                elif not number and k in {"cbc:id"} and isinstance(v, dict):
                    number = _text(v.get("#text"))
                elif not title and k in {"cbc:name", "intitule", "titre", "title"}:
                    title = _text(v.get("#text") if isinstance(v, dict) else v)
                elif amount is None and k in AMOUNT_KEYS:
                    amount = _amount_cents(v)
            lots.append(Lot(number or str(index), title[:500], tuple(_cpv_in(item)), amount))
        if lots:
            break
    return tuple(lots)


def _reserved(tree: Any) -> tuple[bool, bool]:
    ess = insertion = False
    for key, value in _walk(tree):
        if key in RESERVED_KEYS or key.endswith("reservedprocurementcode"):
            text = _text(value.get("#text") if isinstance(value, dict) else value).lower()
            ess = ess or text in RESERVED_ESS
            insertion = insertion or text in RESERVED_INSERTION
    return ess, insertion


def parse_donnees(text: Any) -> dict[str, Any]:
    """What the watch needs from `donnees` (raises _Bad when it is not JSON)."""
    if isinstance(text, dict):
        tree = text
    elif not _text(text):
        tree = {}
    else:
        try:
            tree = json.loads(text)
        except (TypeError, ValueError) as error:
            raise _Bad(f"« donnees » n'est pas du JSON lisible ({error})") from None
    main: list[str] = []
    for key, value in _walk(tree):
        if key in MAIN_CPV_KEYS:
            main = _cpv_in(value)
            if main:
                break
    lots = _lots(tree)
    lot_codes = {code for lot in lots for code in lot.cpv_codes}
    every = _cpv_in(tree)
    main_cpv = main[0] if main else (every[0] if every else "")
    additional = tuple(c for c in every if c != main_cpv and c not in lot_codes)
    amount = None
    for key, value in _walk(tree):
        if key in AMOUNT_KEYS and key != "valeur":
            amount = _amount_cents(value)
            if amount is not None:
                break
    if amount is None and lots and all(lot.amount_cents is not None for lot in lots):
        amount = sum(lot.amount_cents or 0 for lot in lots)
    ess, insertion = _reserved(tree)
    return {
        "main_cpv": main_cpv,
        "additional_cpv": additional,
        "lots": lots,
        "reserved_ess": ess,
        "reserved_insertion": insertion,
        "amount_cents": amount,
    }


def record_of(raw: dict[str, Any], position: int) -> NoticeRecord | RecordRejected:
    idweb = _text(raw.get("idweb"))
    if not idweb:
        return RecordRejected(position, "", "avis sans « idweb » (l'identifiant BOAMP de l'avis)")
    if len(idweb) > 40:
        return RecordRejected(position, idweb[:40], "« idweb » trop long (40 caractères au plus)")
    try:
        donnees = parse_donnees(raw.get("donnees"))
        published_on = _date(raw.get("dateparution"), "dateparution")
        deadline = _datetime(raw.get("datelimitereponse"), "datelimitereponse")
    except _Bad as error:
        return RecordRejected(position, idweb, str(error))
    nature_code = _text(raw.get("nature")).upper()
    criteria = _text(raw.get("criteres"))
    objet = _text(raw.get("objet"))
    social = donnees["reserved_insertion"] or any(w in criteria.lower() for w in SOCIAL_WORDS)
    return NoticeRecord(
        position=position,
        idweb=idweb,
        object=objet,
        buyer=_text(raw.get("nomacheteur")),
        published_on=published_on,
        deadline=deadline,
        nature=NATURES.get(nature_code, "other"),
        nature_code=nature_code,
        family=_text(raw.get("famille")),
        market_types=_list(raw.get("type_marche")),
        departements=_list(raw.get("code_departement")),
        descriptor_codes=_list(raw.get("descripteur_code")),
        descriptor_labels=_list(raw.get("descripteur_libelle")),
        winners=_list(raw.get("titulaire")) if not isinstance(raw.get("titulaire"), str) else (raw["titulaire"],),
        linked=_list(raw.get("annonce_lie")),
        url=_text(raw.get("url_avis")),
        criteria=criteria,
        main_cpv=donnees["main_cpv"],
        additional_cpv=donnees["additional_cpv"],
        lots=donnees["lots"],
        reserved_ess=donnees["reserved_ess"],
        social_clause=social,
        amount_cents=donnees["amount_cents"],
    )
