# SPDX-License-Identifier: AGPL-3.0-or-later
"""The référentiel's file format, in YAML, JSON and CSV: read → validate everything → a `Document`; and back.

The YAML and JSON shape is the draft's (`shared/data/referentiel_metiers_cooperation_draft.yaml`):

    version: "0.1-draft"            # "0.1" once published
    titre: …                        # optional; licence: optional too (CC BY-SA 4.0 when absent)
    socle_transversal: [{id: S1, label: …, definition: …, reperes: […], references: {…}}]
    metiers:
      - id: M1
        label: …
        aliases: [...]
        mission: …
        activites: ["…", {id: M1-A7, label: …, definition: …}]
        competences: ["…", {id: M1-C7, label: …, definition: …, criteres: […],
                             niveaux: {notions: …, pratique: …, maitrise: …, transmission: …},
                             socle: [S4], references: {…}}]
        socle: [S1, S4]
        reperes: ["Cap Rural – chargé(e) de coopération"]
        references: {rome: [K1802], rncp: [RNCP41104], rs: [RS5142], nsf: ["333"], formacode: ["15043"]}

An activity or a competency written as a plain string gets the id of its place (`M1-A3`: the third activity of
M1; `M1-C2`); written back, an item whose id is the one of its place and which has nothing but a label is a
plain string again, so a file read and written is the same file (comments aside).

The CSV has one row per item (`CSV_COLUMNS`): `type` is version, titre, licence, bloc, metier, activite or
competence; activities and competencies name their job in `metier` and follow the file's order; lists are
separated by « | ». Errors name the place in the file: `metiers[3].competences[2]: libellé manquant` (indexes
from 0, as a YAML or JSON path), with the line for a CSV.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from coopforma.core.identifiers import validate_formacode, validate_nsf, validate_rncp, validate_rs

FORMATS = ("yaml", "json", "csv")
LEVEL_CODES = ("notions", "pratique", "maitrise", "transmission")
REFERENCE_CODES = ("rome", "rncp", "rs", "nsf", "formacode")
VERSION_RE = re.compile(r"^(\d{1,3})\.(\d{1,3})(-draft)?$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$")
LIST_SEPARATOR = " | "
CSV_COLUMNS = [
    "type", "id", "metier", "libelle", "appellations", "mission_ou_definition", "criteres",
    "niveau_notions", "niveau_pratique", "niveau_maitrise", "niveau_transmission", "socle", "reperes",
    "rome", "rncp", "rs", "nsf", "formacode",
]  # fmt: skip
CSV_TYPES = {"bloc": "block", "metier": "job", "activite": "activity", "competence": "competency"}


def _validate_rome(value: str) -> None:
    if not re.fullmatch(r"[A-N]\d{4}", value.strip().upper()):
        raise ValidationError(f"Le code ROME doit avoir la forme K1802 (reçu : « {value} »).")


REFERENCE_VALIDATORS = {
    "rome": _validate_rome,
    "rncp": validate_rncp,
    "rs": validate_rs,
    "nsf": validate_nsf,
    "formacode": validate_formacode,
}


@dataclass
class Entry:
    """One item of a document, whatever its kind; `parent` is the job's code for activities and competencies."""

    kind: str
    code: str
    label: str
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    criteria: list[str] = field(default_factory=list)
    levels: dict[str, str] = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    codes: dict[str, list[str]] = field(default_factory=dict)
    parent: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "aliases": self.aliases,
            "description": self.description,
            "criteria": self.criteria,
            "levels": self.levels,
            "blocks": self.blocks,
            "notes": self.notes,
            "codes": self.codes,
            "parent": self.parent,
        }


@dataclass
class Document:
    """A référentiel version read from a file (or from the database, to be written): items in the file's order
    (blocks, then each job followed by its activities and its competencies)."""

    number: str
    draft: bool = True
    title: str = ""
    licence: str = ""
    entries: list[Entry] = field(default_factory=list)

    def content(self) -> dict[str, Any]:
        """What the round trip compares."""
        return {
            "number": self.number,
            "title": self.title,
            "licence": self.licence,
            "entries": [e.as_dict() for e in self.entries],
        }


class FileErrors(Exception):
    """Every problem of a file, each `place: message`."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# --- Reading ---------------------------------------------------------------------------------------------------


def read(data: bytes | str, fmt: str) -> Document:
    """The document in `data` (format yaml, json or csv), or FileErrors listing every problem."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if fmt == "csv":
        mapping, lines = _csv_to_mapping(text)
        return _validate(mapping, lines)
    try:
        mapping = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"ligne {mark.line + 1}" if mark is not None else "fichier"
        problem = getattr(error, "problem", "") or error
        raise FileErrors([f"{where}: le fichier YAML est illisible ({problem})"]) from None
    except json.JSONDecodeError as error:
        raise FileErrors([f"ligne {error.lineno}: le fichier JSON est illisible ({error.msg})"]) from None
    return _validate(mapping, {})


def format_for(filename: str) -> str:
    """The format named by a file's extension (.yaml/.yml, .json, .csv)."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    return {"yml": "yaml", "yaml": "yaml", "json": "json", "csv": "csv"}.get(suffix, "")


class _Checker:
    def __init__(self, lines: dict[str, int]) -> None:
        self.errors: list[str] = []
        self.lines = lines

    def error(self, path: str, message: str) -> None:
        line = self._line(path)
        self.errors.append(f"ligne {line} ({path}): {message}" if line else f"{path}: {message}")

    def _line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return None

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, "un objet (clé: valeur) est attendu")
            return {}
        for key in value:
            if key not in allowed:
                self.error(path, f"clé inconnue « {key} » (clés possibles : {', '.join(allowed)})")
        return value

    def text(self, value: Any, path: str, *, required: bool = False, what: str = "libellé") -> str:
        if value is None or value == "":
            if required:
                self.error(path, f"{what} manquant")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(path, f"{what} : un texte est attendu")
            return ""
        value = value.strip()
        if required and not value:
            self.error(path, f"{what} manquant")
        if len(value) > 500 and what == "libellé":
            self.error(path, "libellé trop long (500 caractères au plus)")
        return value

    def strings(self, value: Any, path: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "une liste est attendue")
            return []
        found = []
        for i, item in enumerate(value):
            text = self.text(item, f"{path}[{i}]", required=True, what="texte")
            if text:
                found.append(text)
        return found

    def code(self, value: Any, path: str) -> str:
        text = self.text(value, path, required=True, what="identifiant")
        if text and not CODE_RE.match(text):
            self.error(path, f"identifiant « {text} » invalide (lettres, chiffres, tirets ; 30 caractères au plus)")
            return ""
        return text

    def references(self, value: Any, path: str) -> dict[str, list[str]]:
        if value is None:
            return {}
        mapping = self.mapping(value, path, REFERENCE_CODES)
        found: dict[str, list[str]] = {}
        for kind in REFERENCE_CODES:
            if kind not in mapping:
                continue
            codes = self.strings(mapping[kind], f"{path}.{kind}")
            for i, code in enumerate(codes):
                try:
                    REFERENCE_VALIDATORS[kind](code)
                except ValidationError as error:
                    self.error(f"{path}.{kind}[{i}]", " ".join(str(m) for m in error.messages))
            if codes:
                found[kind] = codes
        return found

    def levels(self, value: Any, path: str) -> dict[str, str]:
        if value is None:
            return {}
        if isinstance(value, dict) and "maîtrise" in value:
            value = {("maitrise" if k == "maîtrise" else k): v for k, v in value.items()}
        mapping = self.mapping(value, path, LEVEL_CODES)
        return {k: t for k in LEVEL_CODES if (t := self.text(mapping.get(k), f"{path}.{k}", what="niveau"))}


JOB_KEYS = ("id", "label", "aliases", "mission", "activites", "competences", "socle", "reperes", "references")
BLOCK_KEYS = ("id", "label", "definition", "reperes", "references")
ACTIVITY_KEYS = ("id", "label", "definition")
COMPETENCY_KEYS = ("id", "label", "definition", "criteres", "niveaux", "socle", "references")
TOP_KEYS = ("version", "titre", "licence", "socle_transversal", "metiers")


def _validate(mapping: Any, lines: dict[str, int]) -> Document:
    check = _Checker(lines)
    if not isinstance(mapping, dict):
        raise FileErrors(
            ["fichier: le document doit être un objet avec « version », « socle_transversal » et « metiers »"]
        )
    check.mapping(mapping, "document", TOP_KEYS)
    number, draft = "", True
    raw_version = check.text(mapping.get("version"), "version", required=True, what="numéro de version")
    if raw_version:
        match = VERSION_RE.match(raw_version)
        if match is None:
            check.error("version", f"numéro de version « {raw_version} » invalide (attendu : 0.1, 1.0 ou 0.2-draft)")
        else:
            number, draft = f"{int(match[1])}.{int(match[2])}", bool(match[3])
    document = Document(
        number=number,
        draft=draft,
        title=check.text(mapping.get("titre"), "titre", what="titre"),
        licence=check.text(mapping.get("licence"), "licence", what="licence"),
    )
    seen: dict[str, str] = {}

    def claim(code: str, path: str) -> bool:
        if not code:
            return False
        if code in seen:
            check.error(path, f"identifiant « {code} » en double (déjà utilisé en {seen[code]})")
            return False
        seen[code] = path
        return True

    block_refs: list[tuple[str, str]] = []  # (code, path) checked once every block is known
    blocks = mapping.get("socle_transversal") or []
    if not isinstance(blocks, list):
        check.error("socle_transversal", "une liste est attendue")
        blocks = []
    for i, raw in enumerate(blocks):
        path = f"socle_transversal[{i}]"
        data = check.mapping(raw, path, BLOCK_KEYS)
        code = check.code(data.get("id"), f"{path}.id") if data else ""
        claim(code, path)
        entry = Entry(
            kind="block",
            code=code,
            label=check.text(data.get("label"), f"{path}", required=True) if data else "",
            description=check.text(data.get("definition"), f"{path}.definition", what="définition"),
            notes=check.strings(data.get("reperes"), f"{path}.reperes"),
            codes=check.references(data.get("references"), f"{path}.references"),
        )
        document.entries.append(entry)
    jobs = mapping.get("metiers")
    if jobs is None:
        check.error("metiers", "liste des métiers manquante")
        jobs = []
    elif not isinstance(jobs, list):
        check.error("metiers", "une liste est attendue")
        jobs = []
    for i, raw in enumerate(jobs):
        path = f"metiers[{i}]"
        data = check.mapping(raw, path, JOB_KEYS)
        if not data:
            continue
        code = check.code(data.get("id"), f"{path}.id")
        job_claimed = claim(code, path)
        job = Entry(
            kind="job",
            code=code,
            label=check.text(data.get("label"), path, required=True),
            aliases=check.strings(data.get("aliases"), f"{path}.aliases"),
            description=check.text(data.get("mission"), f"{path}.mission", what="mission"),
            blocks=_block_list(check, data.get("socle"), f"{path}.socle", block_refs),
            notes=check.strings(data.get("reperes"), f"{path}.reperes"),
            codes=check.references(data.get("references"), f"{path}.references"),
        )
        document.entries.append(job)
        for key, kind, letter, allowed in (
            ("activites", "activity", "A", ACTIVITY_KEYS),
            ("competences", "competency", "C", COMPETENCY_KEYS),
        ):
            children = data.get(key) or []
            if not isinstance(children, list):
                check.error(f"{path}.{key}", "une liste est attendue")
                continue
            for j, child in enumerate(children):
                child_path = f"{path}.{key}[{j}]"
                generated = f"{code}-{letter}{j + 1}" if code else ""
                if isinstance(child, str) or child is None:
                    label = check.text(child, child_path, required=True)
                    entry = Entry(kind=kind, code=generated, label=label, parent=code)
                else:
                    cdata = check.mapping(child, child_path, allowed)
                    child_code = check.code(cdata["id"], f"{child_path}.id") if "id" in cdata else generated
                    entry = Entry(
                        kind=kind,
                        code=child_code,
                        label=check.text(cdata.get("label"), child_path, required=True),
                        description=check.text(cdata.get("definition"), f"{child_path}.definition", what="définition"),
                        criteria=check.strings(cdata.get("criteres"), f"{child_path}.criteres"),
                        levels=check.levels(cdata.get("niveaux"), f"{child_path}.niveaux"),
                        blocks=_block_list(check, cdata.get("socle"), f"{child_path}.socle", block_refs),
                        codes=check.references(cdata.get("references"), f"{child_path}.references"),
                        parent=code,
                    )
                if job_claimed or entry.code != generated:  # a duplicated job's generated ids: one error is enough
                    claim(entry.code, child_path)
                document.entries.append(entry)
    known_blocks = {e.code for e in document.entries if e.kind == "block"}
    for code, path in block_refs:
        if code not in known_blocks:
            check.error(path, f"bloc inconnu « {code} » (absent de socle_transversal)")
    if check.errors:
        raise FileErrors(check.errors)
    return document


def _block_list(check: _Checker, value: Any, path: str, refs: list[tuple[str, str]]) -> list[str]:
    codes = check.strings(value, path)
    for i, code in enumerate(codes):
        refs.append((code, f"{path}[{i}]"))
    if len(set(codes)) != len(codes):
        check.error(path, "un bloc est cité deux fois")
    return codes


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _csv_to_mapping(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The CSV's rows as the YAML shape (every item with its id), and the line of each path."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("type", "id", "libelle") if c not in header]
    if missing:
        raise FileErrors([f"ligne 1: colonnes manquantes : {', '.join(missing)} (colonnes : {', '.join(CSV_COLUMNS)})"])
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise FileErrors([f"ligne 1: colonnes inconnues : {', '.join(unknown)}"])
    mapping: dict[str, Any] = {"socle_transversal": [], "metiers": []}
    lines: dict[str, int] = {}
    jobs: dict[str, dict[str, Any]] = {}
    errors = []
    for row in reader:
        line = reader.line_num
        kind = (row.get("type") or "").strip().lower()

        def cell(name: str, row: dict[str, Any] = row) -> str:
            return (row.get(name) or "").strip()

        references = {k: _split(cell(k)) for k in REFERENCE_CODES if cell(k)}
        if kind in ("version", "titre", "licence"):
            mapping[kind] = cell("libelle")
            lines[kind] = line
        elif kind == "bloc":
            path = f"socle_transversal[{len(mapping['socle_transversal'])}]"
            item: dict[str, Any] = {"id": cell("id"), "label": cell("libelle")}
            if cell("mission_ou_definition"):
                item["definition"] = cell("mission_ou_definition")
            if cell("reperes"):
                item["reperes"] = _split(cell("reperes"))
            if references:
                item["references"] = references
            mapping["socle_transversal"].append(item)
            lines[path] = line
        elif kind == "metier":
            path = f"metiers[{len(mapping['metiers'])}]"
            item = {
                "id": cell("id"),
                "label": cell("libelle"),
                "aliases": _split(cell("appellations")),
                "mission": cell("mission_ou_definition"),
                "activites": [],
                "competences": [],
                "socle": _split(cell("socle")),
                "reperes": _split(cell("reperes")),
            }
            if references:
                item["references"] = references
            mapping["metiers"].append(item)
            jobs[cell("id")] = item
            lines[path] = line
            lines[f"{path}.__index__"] = len(mapping["metiers"]) - 1
        elif kind in ("activite", "competence"):
            job = jobs.get(cell("metier"))
            if job is None:
                errors.append(f"ligne {line}: métier « {cell('metier')} » inconnu ou pas encore décrit plus haut")
                continue
            key = "activites" if kind == "activite" else "competences"
            index = next(i for i, j in enumerate(mapping["metiers"]) if j is job)
            path = f"metiers[{index}].{key}[{len(job[key])}]"
            item = {"id": cell("id"), "label": cell("libelle")}
            if cell("mission_ou_definition"):
                item["definition"] = cell("mission_ou_definition")
            if kind == "competence":
                if cell("criteres"):
                    item["criteres"] = _split(cell("criteres"))
                levels = {level: cell(f"niveau_{level}") for level in LEVEL_CODES if cell(f"niveau_{level}")}
                if levels:
                    item["niveaux"] = levels
                if cell("socle"):
                    item["socle"] = _split(cell("socle"))
                if references:
                    item["references"] = references
            job[key].append(item)
            lines[path] = line
        elif kind:
            errors.append(
                f"ligne {line}: type « {kind} » inconnu (version, titre, licence, bloc, metier, activite, competence)"
            )
    if errors:
        raise FileErrors(errors)
    return mapping, {k: v for k, v in lines.items() if not k.endswith("__index__")}


# --- Writing ---------------------------------------------------------------------------------------------------


def to_mapping(document: Document) -> dict[str, Any]:
    """The YAML/JSON shape of `document` (the compact form: see the module's docstring)."""
    data: dict[str, Any] = {"version": document.number + ("-draft" if document.draft else "")}
    if document.title:
        data["titre"] = document.title
    if document.licence:
        data["licence"] = document.licence
    blocks = []
    jobs: list[dict[str, Any]] = []
    counters: dict[tuple[str, str], int] = {}
    for e in document.entries:
        if e.kind == "block":
            block: dict[str, Any] = {"id": e.code, "label": e.label}
            _put(block, "definition", e.description)
            _put(block, "reperes", e.notes)
            _put(block, "references", e.codes)
            blocks.append(block)
        elif e.kind == "job":
            job: dict[str, Any] = {"id": e.code, "label": e.label}
            _put(job, "aliases", e.aliases)
            _put(job, "mission", e.description)
            job["activites"] = []
            job["competences"] = []
            _put(job, "socle", e.blocks)
            _put(job, "reperes", e.notes)
            _put(job, "references", e.codes)
            jobs.append(job)
        else:
            job = next(j for j in reversed(jobs) if j["id"] == e.parent)
            key, letter = ("activites", "A") if e.kind == "activity" else ("competences", "C")
            place = counters[(e.parent, key)] = counters.get((e.parent, key), 0) + 1
            plain = not (e.description or e.criteria or e.levels or e.blocks or e.codes or e.aliases or e.notes)
            if plain and e.code == f"{e.parent}-{letter}{place}":
                job[key].append(e.label)
            else:
                child: dict[str, Any] = {"id": e.code, "label": e.label}
                _put(child, "definition", e.description)
                _put(child, "criteres", e.criteria)
                _put(child, "niveaux", e.levels)
                _put(child, "socle", e.blocks)
                _put(child, "references", e.codes)
                job[key].append(child)
    for job in jobs:  # keep the draft's key order: the lists after the mission, empty ones left out
        for key in ("activites", "competences"):
            if not job[key]:
                del job[key]
    data["socle_transversal"] = blocks
    data["metiers"] = jobs
    return data


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value:
        target[key] = value


def write(document: Document, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump(to_mapping(document), allow_unicode=True, sort_keys=False, width=1000)
    if fmt == "json":
        return json.dumps(to_mapping(document), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(document)
    raise ValueError(fmt)


def to_csv(document: Document) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow({"type": "version", "libelle": document.number + ("-draft" if document.draft else "")})
    if document.title:
        writer.writerow({"type": "titre", "libelle": document.title})
    if document.licence:
        writer.writerow({"type": "licence", "libelle": document.licence})
    types = {v: k for k, v in CSV_TYPES.items()}
    for e in document.entries:
        row = {
            "type": types[e.kind],
            "id": e.code,
            "metier": e.parent,
            "libelle": e.label,
            "appellations": LIST_SEPARATOR.join(e.aliases),
            "mission_ou_definition": e.description,
            "criteres": LIST_SEPARATOR.join(e.criteria),
            "socle": LIST_SEPARATOR.join(e.blocks),
            "reperes": LIST_SEPARATOR.join(e.notes),
        }
        row.update({f"niveau_{level}": e.levels.get(level, "") for level in LEVEL_CODES})
        row.update({kind: LIST_SEPARATOR.join(e.codes.get(kind, [])) for kind in REFERENCE_CODES})
        writer.writerow(row)
    return out.getvalue()
