# SPDX-License-Identifier: AGPL-3.0-or-later
"""Templates → typst markup → PDF.

A template is typst markup with Jinja keywords (`{{ session.title }}`, `{% for slot in session.slots %}`).
It runs in Jinja's sandbox over plain data (dicts, lists, strings, numbers) with strict undefined
variables, so a template cannot reach Python attributes, an unknown keyword is an error naming its line,
and every inserted value is escaped for typst (a client called `#read("/etc/passwd")` prints as text).
Loops are bounded by the data and the output size is capped; the sandbox is immutable, so a template cannot
change the data it is given (`{{ session.trainees.append(…) }}` is refused).

Every PDF and preview of the application goes through this module, so all of them use the same fonts and the
same settings:
- `compiled_template(source)`: the parsed Jinja template, cached (parsing a template takes ~9 ms);
- `render_markup(source, context)`: template → typst markup, with errors naming the line and the keyword;
- `compiler()`: one typst compiler per thread, reused (fonts are loaded once: ~3 ms a page instead of 20), with
  typst's embedded fonts only (`ignore_system_fonts=True`: the same PDF on every server) and an empty root
  directory (a template reads no file);
- `compile_pdf(markup, inputs=…)` and `compile_png(markup, inputs=…, ppi=…)`: markup → PDF bytes / PNG pages.
"""

import re
import tempfile
import threading
from functools import cache, lru_cache
from typing import Any

import typst
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT_CHARS = 2_000_000
MAX_TEMPLATE_CHARS = 200_000

# Characters with a meaning in typst markup; escaped with a backslash when they come from data.
_TYPST_SPECIAL = re.compile(r"([\\#\$\*_`<>@=\-\+/\[\]~\"'])")


class TemplateProblem(Exception):
    """A template that cannot render: `line` (1-based, or None) and a French message."""

    def __init__(self, message: str, line: int | None = None, keyword: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.keyword = keyword

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.message}" if self.line else self.message


class TypstText(str):
    """Already typst markup (from the engine itself): inserted without escaping."""


def typst_escape(value: Any) -> str:
    if isinstance(value, TypstText):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    text = _TYPST_SPECIAL.sub(r"\\\1", text)
    # Line breaks inside a value stay line breaks in the document.
    return text.replace("\r\n", "\n").replace("\n", " \\\n")


class _Environment(ImmutableSandboxedEnvironment):
    """Sandbox: no attribute starting with '_', no method calls on objects but plain data's safe ones, and none
    that modifies a list or a dict."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        return isinstance(obj, (dict, list, tuple, str, int, float)) and super().is_safe_attribute(obj, attr, value)


def _environment() -> _Environment:
    env = _Environment(
        undefined=StrictUndefined,
        finalize=typst_escape,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals = {}  # no range(), no lipsum(), no dict(): the data drives the loops
    return env


_ENV = _environment()


def _line_of(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return int(lineno)
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _used_names(source: str) -> list[str]:
    """The dotted keywords a template reads (session.title …), for the editor's checks."""
    ast = _ENV.parse(source)
    found: list[str] = []

    def dotted(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            base = dotted(node.node)
            return f"{base}.{node.attr}" if base else None
        return None

    for node in ast.find_all((nodes.Getattr, nodes.Name)):
        name = dotted(node)
        if name and name not in found:
            found.append(name)
    return found


TEMPLATE_CACHE_SIZE = 128


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def compiled_template(source: str) -> Template:
    """The template parsed and compiled once (keyed by its text, so an edited template is compiled again).
    Raises jinja2's TemplateSyntaxError (render_markup turns it into a TemplateProblem); errors are not cached."""
    return _ENV.from_string(source)


def render_markup(source: str, context: dict[str, Any]) -> str:
    """Render a template to typst markup; raises TemplateProblem with the line and the keyword."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem(f"le modèle dépasse {MAX_TEMPLATE_CHARS} caractères")
    try:
        template = compiled_template(source)
        chunks = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateProblem("le document produit est trop long (boucle sans fin ?)")
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"erreur de syntaxe : {exc.message}", line=exc.lineno) from exc
    except UndefinedError as exc:
        keyword = _undefined_keyword(str(exc))
        message = f"mot-clé inconnu « {keyword} »" if keyword else f"mot-clé inconnu ({exc.message})"
        raise TemplateProblem(message, line=_line_of(exc), keyword=keyword) from exc
    except SecurityError as exc:
        raise TemplateProblem(f"opération interdite dans un modèle : {exc}", line=_line_of(exc)) from exc
    except TemplateError as exc:
        raise TemplateProblem(f"le modèle ne peut pas être rendu : {exc}", line=_line_of(exc)) from exc
    except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        raise TemplateProblem(f"le modèle ne peut pas être rendu : {exc}", line=_line_of(exc)) from exc


def _undefined_keyword(text: str) -> str | None:
    match = re.search(r"'([^']+)' is undefined", text) or re.search(r"has no attribute '([^']+)'", text)
    return match.group(1) if match else None


def check_template(source: str, sample_context: dict[str, Any]) -> list[str]:
    """Render against the kind's examples; returns the keywords used. Raises TemplateProblem."""
    markup = render_markup(source, sample_context)
    compile_pdf(markup)
    return _used_names(source)


@cache
def _empty_root() -> str:
    """typst may only read files below its root: an empty directory, so a template reads nothing."""
    return tempfile.mkdtemp(prefix="coopforma-typst-")


_local = threading.local()


def compiler() -> typst.Compiler:
    """This thread's typst compiler, created once and reused: its fonts (typst's embedded ones only, never the
    system's) are loaded once and its layout cache survives between documents. One per thread because a
    compiler is not meant to be shared between threads."""
    instance = getattr(_local, "compiler", None)
    if instance is None:
        instance = _local.compiler = typst.Compiler(root=_empty_root(), ignore_system_fonts=True)
    return instance


def _problem(exc: Exception) -> TemplateProblem:
    message = str(exc).splitlines()[0] if str(exc) else "erreur typst"
    return TemplateProblem(f"mise en page impossible : {message}")


def compile_pdf(markup: str, *, inputs: dict[str, str] | None = None, tagged: bool = True) -> bytes:
    """typst markup → PDF bytes (`inputs` are read by the markup as `sys.inputs`). Raises TemplateProblem.

    `tagged`: a tagged PDF (its structure for screen readers). Working copies (drafts) leave it out: they
    compile faster and merge 35 % faster; every final document is tagged."""
    try:
        return compiler().compile(input=markup.encode("utf-8"), format="pdf", sys_inputs=inputs or {}, pdf_tags=tagged)
    except typst.TypstError as exc:
        raise _problem(exc) from exc


def compile_png(markup: str, *, inputs: dict[str, str] | None = None, ppi: int = 72) -> list[bytes]:
    """The pages as PNG images (for the preview), laid out by the same compiler as the PDFs."""
    try:
        result = compiler().compile(input=markup.encode("utf-8"), format="png", ppi=ppi, sys_inputs=inputs or {})
    except typst.TypstError as exc:
        raise _problem(exc) from exc
    return result if isinstance(result, list) else [result]
