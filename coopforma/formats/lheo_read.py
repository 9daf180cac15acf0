# SPDX-License-Identifier: AGPL-3.0-or-later
"""A streaming reader of LHEO feeds (Langage harmonisé d'échanges d'informations sur l'offre de formation).

Reads LHEO 2.2 (``http://www.lheo.org/2.2``), 2.3 (``http://lheo.gouv.fr/2.3``), older or dialect namespaces and
feeds without a namespace (regulations.md §5), with ``lxml.etree.iterparse``: each ``formation`` is read whole,
turned into a typed :class:`Formation`, then cleared with its finished siblings, so memory stays constant
whatever the size of the feed. ``extras`` (cercle 3, non-standard data) are dropped as soon as they end.

Real feeds are not clean; what this reader does about it (each doubtful thing is a code of :data:`DIRT`, which
the offers app shows with a French label):

- dates ``00000000`` (unknown start), ``99999999`` (open end), ``AAAAMM00`` (month only), ``AAAA0000`` (year
  only), impossible dates (flagged, read as unknown); ISO ``AAAA-MM-JJ`` is tolerated;
- HTML inside text fields, escaped once or twice, in CDATA or as child elements: unescaped, tags removed, plain
  text kept (paragraphs and list items become lines); never returned as HTML;
- coordinates rounded to whole degrees (« position approximative »), missing, out of range or ``0,0``;
- a postal code in ``code-INSEE-commune`` (the same value as ``codepostal``, or a code ending in ``000``, or a
  Paris arrondissement's ``750xx``): moved to the postal code; an INSEE code of Corsica in ``codepostal``: moved;
  the département is derived from the INSEE code, else from the postal code, and the region from the département;
- a ``formation`` without ``numero`` or without a title is rejected alone (:class:`Rejection`, with its line).

SIRET checks (Luhn) belong to ``coopforma.core.identifiers``, which this package does not import: the raw SIRET is
returned and the offers import checks it. A file that is not XML, not LHEO, truncated or without any formation
raises :class:`LheoError` with a French message; callers read the whole stream first (``check``) before writing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

NAMESPACES = {
    "http://www.lheo.org/2.2": "2.2",
    "http://lheo.gouv.fr/2.3": "2.3",
    "http://www.lheo.org/2.0": "2.0",
    "https://www.of.moncompteformation.gouv.fr": "EDOF",
    "": "sans espace de noms",
}

# What a record may carry as doubtful (codes; the offers app gives each its French label).
DIRT = (
    "date_start_unknown",  # 00000000 or missing
    "date_end_open",  # 99999999 or missing
    "date_month_only",  # AAAAMM00
    "date_year_only",  # AAAA0000
    "date_invalid",  # 20250231, 2025-13-01, text
    "html_removed",  # HTML tags found in a text field and removed
    "title_truncated",  # longer than 255 characters
    "geo_approximate",  # coordinates rounded to whole degrees
    "geo_missing",  # no coordinates
    "geo_invalid",  # coordinates out of range or 0,0
    "insee_was_postal_code",  # a postal code found where the INSEE code is expected
    "no_session",  # an action without any session: one undated session with its place
    "no_place",  # a session with neither a place of training nor an address
)

_MAX_TITLE = 255
_MAX_TEXT = 20_000

# Régions (code officiel géographique 2024) and their départements: the region is derived from the département.
_REGIONS = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "32": "02 59 60 62 80",
    "93": "04 05 06 13 83 84",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "28": "14 27 50 61 76",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "53": "22 29 35 56",
    "94": "2A 2B",
    "52": "44 49 53 72 85",
    "11": "75 77 78 91 92 93 94 95",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}
REGION_OF_DEPARTMENT = {dep: region for region, deps in _REGIONS.items() for dep in deps.split()}


class LheoError(ValueError):
    """The file cannot be read as an LHEO feed (not XML, not LHEO, truncated, empty): nothing may be imported."""


@dataclass(frozen=True)
class LheoDate:
    """A date read from LHEO: ``value`` is None when unknown; ``precision`` is day, month or year."""

    value: dt.date | None
    precision: str = "day"
    dirt: str = ""


@dataclass
class Place:
    street: str = ""
    city: str = ""
    postal_code: str = ""
    insee_code: str = ""
    department: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = ""  # "precise", "approximate" or "" (missing)


@dataclass
class Session:
    numero: str
    start: dt.date | None
    end: dt.date | None
    date_precision: str  # day, month or year (of the start)
    place: Place
    is_remote: bool = False
    recruitment: str = ""  # dict-etat-recrutement: 1 ouvert, 2 fermé, 3 suspendu


@dataclass
class Action:
    numero: str
    teaching_mode: str  # dict-modalites-enseignement: 0 présentiel, 1 mixte, 2 à distance ("" unknown)
    price_cents: int | None
    hours: int | None  # nombre-heures-total, in minutes
    sessions: list[Session]


@dataclass
class Organisme:
    name: str = ""
    siret: str = ""  # as written, without spaces (checked by the importer)
    nda: str = ""


@dataclass
class Formation:
    numero: str
    line: int
    title: str
    objectives: str
    expected_results: str
    content: str
    certifying: bool
    certification_codes: list[str]
    cpf_eligible: bool
    formacodes: list[str]
    nsf_codes: list[str]
    rome_codes: list[str]
    url: str
    actions: list[Action]
    organisme: Organisme
    dirt: list[str] = field(default_factory=list)

    @property
    def sessions(self) -> Iterator[Session]:
        for action in self.actions:
            yield from action.sessions


@dataclass(frozen=True)
class Rejection:
    """A record that cannot be imported, alone: its numero (maybe empty), its line in the file and why, in French."""

    numero: str
    line: int
    reason: str


# ---------------------------------------------------------------------------------------------------- values

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: str | None, *, end: bool = False) -> LheoDate:
    """An LHEO date (``AAAAMMJJ``, ``AAAAMM00``, ``AAAA0000``, ``00000000``, ``99999999``); never raises.

    A month-only or year-only date is its first day for a start and its last day for an end (``end=True``).
    """
    text = (value or "").strip()
    if not text or text == "00000000" or text == "99999999":
        return LheoDate(None, dirt="date_end_open" if end else "date_start_unknown")
    match = _DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if not match:
        return LheoDate(None, dirt="date_invalid")
    year, month, day = (int(part) for part in match.groups())
    if year < 1900 or year > 2200:
        return LheoDate(None, dirt="date_invalid")
    if month == 0 and day == 0:
        return LheoDate(dt.date(year, 12, 31) if end else dt.date(year, 1, 1), "year", "date_year_only")
    if not 1 <= month <= 12:
        return LheoDate(None, dirt="date_invalid")
    if day == 0:
        last = calendar.monthrange(year, month)[1]
        return LheoDate(dt.date(year, month, last if end else 1), "month", "date_month_only")
    try:
        return LheoDate(dt.date(year, month, day))
    except ValueError:
        return LheoDate(None, dirt="date_invalid")


_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|</?[A-Za-z][^<>]*>", re.DOTALL | re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>|</(p|div|h[1-6]|tr|ul|ol)\s*>", re.IGNORECASE)
_ITEM = re.compile(r"<li\b[^<>]*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def plain_text(value: str | None) -> tuple[str, bool]:
    """Text with any HTML (escaped once or twice) unescaped and stripped: (plain text, whether HTML was found)."""
    text = value or ""
    if "<" not in text and "&" not in text:
        return _tidy(text), False
    found = False
    for _ in range(3):  # an entity may hide escaped HTML: &amp;lt;p&amp;gt; → &lt;p&gt; → <p>
        if _TAG.search(text):
            found = True
            text = _ITEM.sub("\n- ", _BREAK.sub("\n", text))
            text = _TAG.sub(" ", text)
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if _TAG.search(text):  # still tags after three rounds: strip them anyway, never keep markup
        found = True
        text = _TAG.sub(" ", text)
    return _tidy(text), found


def _tidy(text: str) -> str:
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())[:_MAX_TEXT]
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:_MAX_TEXT]


def _number(value: str | None) -> float | None:
    text = (value or "").strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None  # no NaN, no infinity


def _cents(value: str | None) -> int | None:
    number = _number((value or "").replace("€", ""))
    return None if number is None or number < 0 or number > 10_000_000 else round(number * 100)


def _minutes(value: str | None) -> int | None:
    number = _number(value)
    return None if number is None or number < 0 or number > 100_000 else round(number * 60)


_POSTAL = re.compile(r"\d{5}")
_INSEE = re.compile(r"(\d{2}|2[AB])\d{3}")


# Saint-Barthélemy (977) and Saint-Martin (978) kept postal codes of Guadeloupe's 971 range.
_COLLECTIVITY_POSTAL = {"97133": "977", "97150": "978"}


def department_of(insee_code: str, postal_code: str) -> str:
    """The département from the INSEE code (2A/2B, 97x), else from the postal code (20xxx: 2A below 20200; 97133
    and 97150: Saint-Barthélemy's and Saint-Martin's)."""
    if _INSEE.fullmatch(insee_code):
        return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]
    if _POSTAL.fullmatch(postal_code):
        if postal_code.startswith("97"):
            return _COLLECTIVITY_POSTAL.get(postal_code, postal_code[:3])
        if postal_code.startswith("20"):
            return "2A" if postal_code < "20200" else "2B"
        if postal_code.startswith("00"):
            return ""
        return postal_code[:2]
    return ""


def _normalise_department(value: str) -> str:
    text = value.strip().upper()
    if text.isdigit() and len(text) == 1:
        return "0" + text
    return text if text in REGION_OF_DEPARTMENT else ""


def normalise_place(
    *,
    street: str = "",
    city: str = "",
    postal_code: str = "",
    insee_code: str = "",
    department: str = "",
    region: str = "",
    latitude: str | None = None,
    longitude: str | None = None,
    dirt: set[str],
) -> Place:
    """A place from an LHEO ``adresse``: codes checked and moved where they belong, département and region derived."""
    postal = postal_code.strip().replace(" ", "")
    insee = insee_code.strip().replace(" ", "").upper()
    if insee and (insee == postal or (_POSTAL.fullmatch(insee) and (insee.endswith("000") or insee[:3] == "750"))):
        # A commune number is 001–9xx (never 000) and Paris's arrondissements are 751xx: this is a postal code.
        dirt.add("insee_was_postal_code")
        postal = postal or insee
        insee = ""
    if postal.upper()[:2] in {"2A", "2B"} and _INSEE.fullmatch(postal.upper()):
        insee = insee or postal.upper()
        postal = ""
    if not _POSTAL.fullmatch(postal):
        postal = ""
    if not _INSEE.fullmatch(insee):
        insee = ""
    dep = department_of(insee, postal) or _normalise_department(department)
    reg = REGION_OF_DEPARTMENT.get(dep, "") or (region.strip() if re.fullmatch(r"\d{2}", region.strip()) else "")
    place = Place(street[:200], city[:100], postal, insee, dep, reg)
    lat, lon = _number(latitude), _number(longitude)
    if lat is None or lon is None:
        dirt.add("geo_missing")
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        dirt.add("geo_invalid")
    else:
        place.latitude, place.longitude = lat, lon
        if lat.is_integer() or lon.is_integer():
            place.geo_precision = "approximate"
            dirt.add("geo_approximate")
        else:
            place.geo_precision = "precise"
    return place


# ---------------------------------------------------------------------------------------------------- records


class _Names:
    """Qualified tag names in the feed's namespace (``{ns}name``, or ``name`` without one)."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self._paths: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        found = self._paths.get(path)
        if found is None:
            found = "/".join(self.prefix + part for part in path.split("/"))
            self._paths[path] = found
        return found


def _raw_text(element: Any) -> str:
    """An element's text, with the text of any child elements (HTML written unescaped inside the feed)."""
    if element is None:
        return ""
    if len(element):
        return "\n".join(part for part in element.itertext())
    return element.text or ""


class _FormationReader:
    def __init__(self, names: _Names) -> None:
        self.n = names

    def text(self, element: Any, path: str, dirt: set[str] | None = None) -> str:
        child = element.find(self.n(path))
        if child is None:
            return ""
        raw = _raw_text(child)
        if dirt is None:
            return _tidy(raw)
        text, had_html = plain_text(raw)
        if had_html or len(child):
            dirt.add("html_removed")
        return text

    def codes(self, element: Any, path: str, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        found: list[str] = []
        for child in element.iterfind(self.n(path)):
            code = (child.text or "").strip().upper().replace(" ", "")
            if regex.fullmatch(code) and code not in found:
                found.append(code)
        return found

    def place(self, container: Any, dirt: set[str]) -> Place | None:
        n = self.n
        adresse = container.find(n("coordonnees/adresse")) if container is not None else None
        if adresse is None and container is not None:
            adresse = container.find(n("adresse"))
        if adresse is None:
            return None
        lines = [(line.text or "").strip() for line in adresse.iterfind(n("ligne"))]
        geo = adresse.find(n("geolocalisation"))
        return normalise_place(
            street=", ".join(line for line in lines if line),
            city=plain_text(adresse.findtext(n("ville")) or "")[0],
            postal_code=adresse.findtext(n("codepostal")) or "",
            insee_code=adresse.findtext(n("code-INSEE-commune")) or "",
            department=adresse.findtext(n("departement")) or "",
            region=adresse.findtext(n("region")) or "",
            latitude=geo.findtext(n("latitude")) if geo is not None else None,
            longitude=geo.findtext(n("longitude")) if geo is not None else None,
            dirt=dirt,
        )

    def action(self, element: Any, dirt: set[str]) -> Action:
        n = self.n
        mode = (element.findtext(n("modalites-enseignement")) or "").strip()
        mode = mode if mode in {"0", "1", "2"} else ""
        place = self.place(element.find(n("lieu-de-formation")), dirt)
        sessions: list[Session] = []
        for session in element.iterfind(n("session")):
            start = parse_date(session.findtext(n("periode/debut")))
            end = parse_date(session.findtext(n("periode/fin")), end=True)
            for date in (start, end):
                if date.dirt:
                    dirt.add(date.dirt)
            where = place or self.place(session.find(n("adresse-inscription")), dirt)
            if where is None:
                dirt.add("no_place")
                where = Place()
            sessions.append(
                Session(
                    numero=(session.get("numero") or "").strip()[:200],
                    start=start.value,
                    end=end.value,
                    date_precision=start.precision if start.value else "",
                    place=where,
                    is_remote=mode == "2",
                    recruitment=(session.findtext(n("etat-recrutement")) or "").strip()[:1],
                )
            )
        if not sessions:
            dirt.add("no_session")
            sessions.append(Session("", None, None, "", place or Place(), is_remote=mode == "2"))
        return Action(
            numero=(element.get("numero") or "").strip(),
            teaching_mode=mode,
            price_cents=_cents(element.findtext(n("prix-total-TTC"))),
            hours=_minutes(element.findtext(n("nombre-heures-total"))),
            sessions=sessions,
        )

    def read(self, element: Any, line: int) -> Formation | Rejection:
        n = self.n
        numero = (element.get("numero") or "").strip()
        if not numero:
            return Rejection("", line, "formation sans numéro (attribut numero absent ou vide) : ignorée")
        if len(numero) > 200:
            return Rejection(numero[:40] + "…", line, "numéro de formation de plus de 200 caractères : ignorée")
        dirt: set[str] = set()
        title = self.text(element, "intitule-formation", dirt)
        title = title.replace("\n", " ")
        if not title:
            return Rejection(numero, line, "formation sans intitulé (intitule-formation vide) : ignorée")
        if len(title) > _MAX_TITLE:
            title = title[: _MAX_TITLE - 1].rstrip() + "…"
            dirt.add("title_truncated")
        certification_codes: list[str] = []
        for certification in element.iterfind(n("certification")):
            for tag, prefix in (("code-RNCP", "RNCP"), ("code-RS", "RS"), ("code-CPF", "CPF")):
                code = (certification.findtext(n(tag)) or "").strip().upper().replace(" ", "")
                if code.isdigit():
                    code = prefix + code
                if re.fullmatch(prefix + r"\d{1,8}", code) and code not in certification_codes:
                    certification_codes.append(code)
        cpf = any(code.startswith("CPF") for code in certification_codes) or bool(
            element.findtext(n("code-type-formation/code-CPF"))
        )
        organisme = Organisme()
        responsible = element.find(n("organisme-formation-responsable"))
        if responsible is not None:
            organisme = Organisme(
                name=(
                    plain_text(responsible.findtext(n("nom-organisme")))[0]
                    or plain_text(responsible.findtext(n("raison-sociale")))[0]
                )[:255],
                siret=re.sub(r"[\s.\-]", "", responsible.findtext(n("SIRET-organisme-formation/SIRET")) or "")[:40],
                nda=re.sub(r"\s", "", responsible.findtext(n("numero-activite")) or "")[:20],
            )
        url = ""
        for web in element.iterfind(n("url-formation/urlweb")):
            candidate = (web.text or "").strip()
            if re.match(r"https?://\S+$", candidate) and len(candidate) <= 500:
                url = candidate
                break
        actions = [self.action(action, dirt) for action in element.iterfind(n("action"))]
        if not actions:
            dirt.add("no_session")
        return Formation(
            numero=numero,
            line=line,
            title=title,
            objectives=self.text(element, "objectif-formation", dirt),
            expected_results=self.text(element, "resultats-attendus", dirt),
            content=self.text(element, "contenu-formation", dirt),
            certifying=(element.findtext(n("certifiante")) or "").strip() == "1",
            certification_codes=certification_codes,
            cpf_eligible=cpf,
            formacodes=self.codes(element, "domaine-formation/code-FORMACODE", r"\d{5}"),
            nsf_codes=self.codes(element, "domaine-formation/code-NSF", r"\d{3}[A-Z]?"),
            rome_codes=self.codes(element, "domaine-formation/code-ROME", r"[A-Z]\d{4}"),
            url=url,
            actions=actions,
            organisme=organisme,
            dirt=sorted(dirt),
        )


# ---------------------------------------------------------------------------------------------------- stream


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _syntax_error(exc: Exception, head: bytes) -> LheoError:
    lowered = head.lstrip().lower()
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html") or b"<html" in lowered[:1000]:
        return LheoError(
            "Ce fichier est une page HTML, pas un flux LHEO (l'adresse mène-t-elle à une page web plutôt qu'au "
            "fichier XML ?). Rien n'a été importé."
        )
    position = getattr(exc, "position", None) or (getattr(exc, "lineno", 0), 0)
    line = position[0] if position else 0
    if not head.strip():
        return LheoError("Le fichier est vide : rien n'a été importé.")
    if not head.lstrip().startswith(b"<"):
        return LheoError("Ce fichier n'est pas du XML (il ne commence pas par « < ») : rien n'a été importé.")
    return LheoError(
        f"Le fichier XML est mal formé ou tronqué (ligne {line}) : {exc}. Rien n'a été importé."
        if line
        else f"Le fichier XML est mal formé ou tronqué : {exc}. Rien n'a été importé."
    )


def _root(stream: IO[bytes], head: bytes) -> Any:
    """The feed's root element (read from the first bytes only), or :class:`LheoError`."""
    try:
        for _event, element in etree.iterparse(
            stream, events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            return element
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, head) from exc
    finally:
        stream.seek(0)
    raise LheoError("Le fichier ne contient aucun élément XML : rien n'a été importé.")


def iter_records(
    stream: IO[bytes], *, on_progress: Callable[[int], None] | None = None, parse: bool = True
) -> Iterator[Formation | Rejection]:
    """Each ``formation`` of the feed as a :class:`Formation` or a :class:`Rejection`, in file order.

    ``on_progress`` is called with the number of formations seen so far, every 1,000 and at the end.
    ``parse=False`` only walks the feed (well-formed, LHEO, not empty) and yields nothing. Raises
    :class:`LheoError` when the file is not an LHEO feed, possibly after records were yielded (a truncated file):
    read the whole stream once (:func:`check`) before writing anything.
    """
    head = stream.read(2048)
    stream.seek(0)
    if not head.strip():
        raise LheoError("Le fichier est vide : rien n'a été importé.")
    root = _root(stream, head)
    if _local(root.tag) != "lheo":
        raise LheoError(_not_lheo(root))
    reader = _FormationReader(_Names(_namespace(root.tag)))
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=("{*}formation", "{*}extras"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0  # a formation inside a formation (sous-modules) is read with its parent
    count = 0
    try:
        for event, element in events:
            if _local(element.tag) == "extras":
                if event == "end":  # cercle 3, non-standard data: dropped at once, however long
                    element.clear(keep_tail=True)
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth:
                continue
            count += 1
            if parse:
                line = element.sourceline or 0
                try:
                    yield reader.read(element, line)
                except Exception as exc:  # a record the reader did not foresee is rejected alone
                    numero = (element.get("numero") or "").strip()[:200]
                    yield Rejection(numero, line, f"formation illisible ({exc}) : ignorée")
            element.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            if on_progress is not None and count % 1000 == 0:
                on_progress(count)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, head) from exc
    if on_progress is not None:
        on_progress(count)
    if count == 0:
        raise LheoError(
            "Le flux LHEO ne contient aucune formation : rien n'a été importé (un flux vide retirerait toutes "
            "les offres de la source)."
        )


def _not_lheo(element: Any) -> str:
    name = _local(element.tag)
    if name == "html":
        return (
            "Ce fichier est une page HTML, pas un flux LHEO (l'adresse mène-t-elle à une page web plutôt qu'au "
            "fichier XML ?). Rien n'a été importé."
        )
    return (
        f"Ce fichier XML n'est pas un flux LHEO : son élément racine est « {name} » au lieu de « lheo ». "
        "Rien n'a été importé."
    )


def check(stream: IO[bytes], *, on_progress: Callable[[int], None] | None = None) -> int:
    """Walk the whole feed without reading its records: the number of formations, or :class:`LheoError`."""
    count = 0

    def progress(seen: int) -> None:
        nonlocal count
        count = seen
        if on_progress is not None:
            on_progress(seen)

    for _ in iter_records(stream, on_progress=progress, parse=False):
        pass
    stream.seek(0)
    return count


def version_of(stream: IO[bytes]) -> str:
    """The LHEO version of a feed from its root's namespace ("2.3", "2.2", "sans espace de noms"…)."""
    head = stream.read(2048)
    stream.seek(0)
    namespace = _namespace(_root(stream, head).tag)
    return NAMESPACES.get(namespace, namespace)
