# SPDX-License-Identifier: AGPL-3.0-or-later
"""Structured templates: a title and an ordered list of sections (a heading and a simple Markdown-like text),
compiled by our code to the typst + Jinja text the engine renders.

What a manager writes is data, never code: every character is escaped for typst AND for Jinja, so `#read(…)`,
`]`, `$`, backslashes, `{{ 7 * 7 }}` or `{% for %}` print as typed. The only thing that becomes Jinja is a
keyword written `{{ session.title }}` whose name is one of the kind's keywords (any other name is refused on
save, in French, naming it). The text knows:

- paragraphs, separated by an empty line; a single line break stays a line break;
- bullet lists: lines starting with `- ` (or `* `); a bullet holding only a list keyword
  (`- {{ session.objectives }}`) makes one bullet per item;
- `**gras**` and `*italique*` within a line (an unmatched star is printed as is).

The compiled text is stored in `DocumentTemplate.body` next to the structure, so generation, snapshots and the
render workers' limits are the same as for a code template; parsing here is linear in the text and the sizes are
bounded (`MAX_*`), so nothing typed can stop the server.
"""

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coopforma.documents import rendering
from coopforma.documents.default_templates import load_header
from coopforma.documents.registry import DocumentKind

MAX_SECTIONS = 60
MAX_HEADING_CHARS = 300
MAX_TEXT_CHARS = 20_000
MAX_TOTAL_CHARS = 100_000
# Bold or italic passages in one section: typst lays out a justified paragraph in a time that grows faster than its
# styled passages (2,500 in one paragraph: 6 s), so their number is bounded (400: 0.1 s at worst).
MAX_STYLED = 400

# A keyword as the editor inserts it; anything else between braces is text.
KEYWORD = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_ENUM_START = re.compile(r"^(\d+)([.)])")
# Control characters typst or Jinja could read as something else (NUL, vertical tab…): dropped; a tab is a space.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BRACE = re.compile(r"[{}]")
_BRACES = {"{": "\\u{7b}", "}": "\\u{7d}"}
# The page set-up of a kind without the organisation's keywords (the letterhead needs them).
_PLAIN_SETUP = """#let brand = rgb(sys.inputs.at("brand_color", default: "#1d4e4a"))
#set page(paper: "a4", margin: (x: 1.8cm, top: 1.6cm, bottom: 3cm))
#set text(lang: "fr", size: 9.5pt, hyphenate: false)
#set par(justify: true, leading: 0.6em)
#show heading: it => block(above: 1em, below: 0.6em, text(weight: "bold", fill: brand, it.body))
#if "image_logo" in sys.inputs { image(bytes(sys.inputs.at("image_logo")), height: 1.3cm) }
"""


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Structure:
    title: str
    sections: tuple[Section, ...]

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "sections": [{"heading": s.heading, "text": s.text} for s in self.sections]}

    @classmethod
    def from_json(cls, data: Any) -> "Structure":
        """The structure stored in a template (tolerant: a missing key is empty)."""
        data = data if isinstance(data, dict) else {}
        sections = data.get("sections") if isinstance(data.get("sections"), list) else []
        return cls(
            title=str(data.get("title") or ""),
            sections=tuple(
                Section(heading=str(s.get("heading") or ""), text=str(s.get("text") or ""))
                for s in sections
                if isinstance(s, dict)
            ),
        )


def starter(kind: DocumentKind) -> Structure:
    """What the simple editor shows for a kind that has no simple template yet."""
    return Structure(title=str(kind.label), sections=(Section(heading="", text=""),))


# --- Escaping -----------------------------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """User text → typst markup that prints it as typed and holds no Jinja delimiter.

    typst's special characters get a backslash (`rendering.typst_escape`); braces become typst's unicode escapes
    (`\\u{7b}`), so `{{`, `{%` and `{#` never reach Jinja."""
    escaped = rendering.typst_escape(_CONTROL.sub(" ", text.replace("\t", " ")))
    return _BRACE.sub(lambda match: _BRACES[match.group(0)], escaped)


def _line_start(markup: str) -> str:
    """A line of text starting with `1.` would be a numbered list in typst: its dot is escaped."""
    return _ENUM_START.sub(r"\1\\\2", markup)


# --- Keywords -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Keywords:
    scalars: frozenset[str]
    lists: frozenset[str]  # lists of plain values: joined with « , », or one bullet per item
    loops: frozenset[str]  # lists of records: only the code view can lay them out
    names: tuple[str, ...]

    @classmethod
    def of(cls, kind: DocumentKind) -> "_Keywords":
        scalars, lists, loops = set(), set(), set()
        for keyword in kind.keywords:
            example = keyword.example
            if isinstance(example, (list, tuple)):
                (loops if any(isinstance(item, (dict, list, tuple)) for item in example) else lists).add(keyword.name)
            elif isinstance(example, dict):
                loops.add(keyword.name)
            else:
                scalars.add(keyword.name)
        return cls(frozenset(scalars), frozenset(lists), frozenset(loops), tuple(k.name for k in kind.keywords))


class _Errors:
    def __init__(self, keywords: _Keywords) -> None:
        self.keywords = keywords
        self.messages: list[str] = []
        self.styled: dict[str, int] = {}

    def add_styled(self, count: int, where: str) -> None:
        self.styled[where] = self.styled.get(where, 0) + count
        if self.styled[where] > MAX_STYLED:
            message = _("%(where)s : plus de %(max)s passages en gras ou en italique.") % {
                "where": where,
                "max": MAX_STYLED,
            }
            if message not in self.messages:
                self.messages.append(message)

    def keyword(self, name: str, where: str) -> str:
        """The Jinja expression printing keyword `name`, or "" after recording why it cannot be used."""
        if name in self.keywords.scalars:
            return "{{ " + name + " }}"
        if name in self.keywords.lists:
            return "{{ " + name + ' | join(", ") }}'
        if name in self.keywords.loops:
            message = _(
                "%(where)s : le mot-clé « %(keyword)s » est une liste de fiches ; "
                "seule la vue code (experts) peut la mettre en page."
            ) % {"where": where, "keyword": name}
        else:
            message = _("%(where)s : mot-clé inconnu « %(keyword)s »") % {"where": where, "keyword": name}
            close = difflib.get_close_matches(name, self.keywords.names, n=1)
            if close:
                message += " " + _("(vouliez-vous dire « %(keyword)s » ?)") % {"keyword": close[0]}
            message += "."
        if message not in self.messages:
            self.messages.append(message)
        return ""


# --- Inline text --------------------------------------------------------------------------------------------


def _inline(line: str, errors: _Errors, where: str) -> str:
    """One line: keywords, **bold** and *italic*, everything else escaped.

    Linear: the markers are counted first (an odd one out is printed as typed), then one pass opens and closes
    typst's `#strong[…]` / `#emph[…]` (closed with `;`, so that what follows can never extend the call)."""
    parts: list[tuple[str, str]] = []  # ("text", …) | ("kw", name)
    position = 0
    for match in KEYWORD.finditer(line):
        if match.start() > position:
            parts.append(("text", line[position : match.start()]))
        parts.append(("kw", match.group(1)))
        position = match.end()
    if position < len(line):
        parts.append(("text", line[position:]))

    # Tokens: ("text", s), ("kw", name), ("bold", "**"), ("italic", "*").
    tokens: list[tuple[str, str]] = []
    for kind_, value in parts:
        if kind_ == "kw":
            tokens.append(("kw", value))
            continue
        chunk: list[str] = []
        i = 0
        while i < len(value):
            if value[i] == "*":
                if chunk:
                    tokens.append(("text", "".join(chunk)))
                    chunk = []
                if value.startswith("**", i):
                    tokens.append(("bold", "**"))
                    i += 2
                else:
                    tokens.append(("italic", "*"))
                    i += 1
            else:
                chunk.append(value[i])
                i += 1
        if chunk:
            tokens.append(("text", "".join(chunk)))

    for marker in ("bold", "italic"):  # an odd marker out (the last one) is text
        indexes = [i for i, token in enumerate(tokens) if token[0] == marker]
        if len(indexes) % 2:
            last = indexes[-1]
            tokens[last] = ("text", tokens[last][1])

    errors.add_styled(sum(1 for token in tokens if token[0] in ("bold", "italic")) // 2, where)
    out: list[str] = []
    stack: list[str] = []
    opening = {"bold": "#strong[", "italic": "#emph["}
    for kind_, value in tokens:
        if kind_ == "text":
            out.append(escape_text(value))
        elif kind_ == "kw":
            out.append(errors.keyword(value, where))
        elif kind_ in stack:  # close it (and reopen what was opened inside it)
            reopen: list[str] = []
            while stack:
                top = stack.pop()
                out.append("];")
                if top == kind_:
                    break
                reopen.append(top)
            for again in reversed(reopen):
                out.append(opening[again])
                stack.append(again)
        else:
            out.append(opening[kind_])
            stack.append(kind_)
    out.extend("];" for _ in stack)  # cannot happen (markers are paired), kept as a safety net
    return _line_start("".join(out))


# --- Blocks -------------------------------------------------------------------------------------------------


def _text(text: str, errors: _Errors, where: str) -> str:
    """A section's text → typst blocks: paragraphs (line breaks kept) and bullet lists."""
    blocks: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(" \\\n".join(paragraph))
            paragraph.clear()
        if bullets:
            blocks.append("\n".join(bullets))
            bullets.clear()

    for raw in text.splitlines():
        if not raw.strip():
            flush()
            continue
        bullet = _BULLET.match(raw)
        if bullet and bullet.group(1).strip():
            if paragraph:
                flush()
            content = bullet.group(1).strip()
            only = KEYWORD.fullmatch(content)
            if only and only.group(1) in errors.keywords.lists:
                # One bullet per item of a list keyword (`- {{ session.objectives }}`).
                bullets.append("{% for item in " + only.group(1) + " %}\n- {{ item }}\n{% endfor %}")
            else:
                bullets.append("- " + _inline(content, errors, where))
        else:
            if bullets:
                flush()
            paragraph.append(_inline(raw.strip(), errors, where))
    flush()
    return "\n\n".join(blocks)


def _heading(text: str, level: int, errors: _Errors, where: str) -> str:
    one_line = " ".join(text.split())
    if not one_line:
        return ""
    return f"#heading(level: {level})[{_inline(one_line, errors, where)}];"


def check_sizes(structure: Structure) -> list[str]:
    """The limits of a structure, checked before anything is parsed (French messages)."""
    problems: list[str] = []
    if len(structure.sections) > MAX_SECTIONS:
        problems.append(
            _("Le modèle a %(count)s sections : %(max)s au plus.")
            % {"count": len(structure.sections), "max": MAX_SECTIONS}
        )
    if len(structure.title) > MAX_HEADING_CHARS:
        problems.append(_("Le titre dépasse %(max)s caractères.") % {"max": MAX_HEADING_CHARS})
    total = len(structure.title)
    for number, section in enumerate(structure.sections, start=1):
        if len(section.heading) > MAX_HEADING_CHARS:
            problems.append(
                _("Section %(n)s : le titre dépasse %(max)s caractères.") % {"n": number, "max": MAX_HEADING_CHARS}
            )
        if len(section.text) > MAX_TEXT_CHARS:
            problems.append(
                _("Section %(n)s : le texte fait %(size)s caractères, %(max)s au plus.")
                % {"n": number, "size": len(section.text), "max": MAX_TEXT_CHARS}
            )
        total += len(section.heading) + len(section.text)
    if total > MAX_TOTAL_CHARS and not problems:
        problems.append(
            _("Le modèle fait %(size)s caractères : %(max)s au plus.") % {"size": total, "max": MAX_TOTAL_CHARS}
        )
    return problems


def compile_structure(structure: Structure, kind: DocumentKind) -> str:
    """The template text (typst + Jinja, letterhead included) of `structure`. ValidationError (field
    « structure », French messages) for a size limit or a keyword that the kind does not have."""
    problems = check_sizes(structure)
    if problems:
        raise ValidationError({"structure": problems})
    errors = _Errors(_Keywords.of(kind))
    header = load_header()
    known = {keyword.name for keyword in kind.keywords}
    parts = [header if set(rendering.used_keywords(header)) <= known else _PLAIN_SETUP]
    title = _heading(structure.title, 1, errors, _("Titre"))
    if title:
        parts.append(title)
    for number, section in enumerate(structure.sections, start=1):
        where = _("Section %(n)s") % {"n": number}
        heading = _heading(section.heading, 2, errors, where)
        text = _text(section.text, errors, where)
        if heading:
            parts.append(heading)
        if text:
            parts.append(text)
    if errors.messages:
        raise ValidationError({"structure": errors.messages})
    body = "\n\n".join(parts) + "\n"
    if len(body) > rendering.MAX_TEMPLATE_CHARS:
        raise ValidationError(
            {"structure": [_("Le modèle est trop long une fois mis en page : raccourcissez les textes.")]}
        )
    return body
