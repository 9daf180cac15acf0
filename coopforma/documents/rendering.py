# SPDX-License-Identifier: AGPL-3.0-or-later
"""Templates → typst markup → PDF.

A template is typst markup with Jinja keywords (`{{ session.title }}`, `{% for slot in session.slots %}`).
It runs in Jinja's sandbox over plain data (dicts, lists, strings, numbers) with strict undefined
variables, so a template cannot reach Python attributes, an unknown keyword is an error naming its line,
and every inserted value is escaped for typst (a client called `#read("/etc/passwd")` prints as text).
Loops are bounded by the data and the output size is capped; the sandbox is immutable, so a template cannot
change the data it is given (`{{ session.trainees.append(…) }}` is refused).

Every PDF and preview of the application goes through this module, so all of them use the same fonts, the same
settings and the same limits:
- `render_markup(source, context)`: template → typst markup, with errors naming the line and the keyword;
- `compile_pdf(markup, inputs=…)` and `compile_png(markup, inputs=…, ppi=…)`: markup → PDF bytes / PNG pages;
  `preview_pages(markup, first=…)`: the first pages as PNG and the number of pages;
- `check_template(source, sample_context)`: what the template editor runs before saving;
- `compiled_template(source)` (the parsed Jinja template, cached: parsing takes ~9 ms) and `compiler()` (a typst
  compiler with typst's embedded fonts only, `ignore_system_fonts=True`: the same PDF on every server, and an
  empty root directory: a template reads no file), used in-process by the render workers.

A template cannot stop or crash the server (docs/documents.md, « Limites des modèles »):
- Rendering and compiling run in worker processes (`render_pool`), never in the web or task process: a small
  pool per process of long-lived workers that keep their compiler (fonts loaded once) and their parsed templates,
  one job at a time each. Each job has a wall-time limit enforced by the parent (the worker is killed and
  replaced), and on Linux a CPU-time limit and an address-space limit set in the worker (`resource`); where
  `resource` is missing (Windows) only the wall-time limit applies. A worker that failed (time, memory, crash)
  is replaced; a worker is also replaced after a number of jobs. The limits are settings (`DOCUMENTS_RENDER_*`).
- The sandbox refuses what would blow up before it runs: `**` with a result above `MAX_INT_BITS` bits, `*` and
  `+` making a string or a list longer than `MAX_OUTPUT_CHARS` (`'x' * 2000000000`), widths and fills above
  `MAX_WIDTH` in `center`, `indent`, `format`, `%`, `str.format`, `str.center`… and `replace`/`join` results
  above `MAX_OUTPUT_CHARS`. Anything else that eats memory meets the worker's address-space limit.
- A PDF has at most `DOCUMENTS_MAX_PAGES` pages; a preview rasterises only its first pages (the PDF is laid
  out once, then PDFium draws the pages asked for).
- typst packages (`#import "@preview/…"`) are refused before compiling; and the worker cannot fetch one anyway:
  its package directories are empty and read-only, and it may open no new file descriptor (so no socket).
- Errors are French sentences that show no server path.
"""

import atexit
import contextlib
import os
import re
import stat
import tempfile
import threading
from functools import cache, lru_cache
from typing import Any

import typst
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, filters, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from coopforma.documents import render_pool

MAX_OUTPUT_CHARS = 2_000_000
MAX_TEMPLATE_CHARS = 200_000
# Integers a template computes: 2 ** 4096 has 1,234 digits, far beyond any sum of money or count.
MAX_INT_BITS = 4096
# Widths, fills and counts given to center, indent, format, batch, slice…
MAX_WIDTH = 10_000

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


class TooBig(SecurityError):
    """An operation of a template refused before it runs because its result would be too big."""


def _sized(value: Any) -> bool:
    return isinstance(value, (str, list, tuple))


def _check_length(length: int) -> None:
    if length > MAX_OUTPUT_CHARS:
        raise TooBig(f"le résultat ferait {length} éléments ou caractères ({MAX_OUTPUT_CHARS} au plus)")


def _check_width(value: Any, what: str) -> None:
    if isinstance(value, int) and abs(value) > MAX_WIDTH:
        raise TooBig(f"{what} {value} dépasse {MAX_WIDTH}")


# A width or a precision in a %-format or a {}-format: `%999999999s`, `{:>999999999}`, `%*s`.
_FORMAT_NUMBER = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?|\{[^{}]*?:[^{}]*?(\d+)(?:\.(\d+))?[^{}]*\}")


def _check_format(text: Any) -> None:
    if not isinstance(text, str):
        return
    for match in _FORMAT_NUMBER.finditer(text):
        for number in match.groups():
            if number == "*":
                raise TooBig("une largeur « * » n'est pas permise dans un format")
            if number is not None:
                _check_width(int(number), "la largeur")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and ints and right > 0:
        bits = max(abs(left).bit_length(), 1) * right
        if bits > MAX_INT_BITS and abs(left) > 1:
            raise TooBig(f"le calcul {left} ** {right} donnerait un nombre trop grand")
    elif operator == "*":
        if ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise TooBig("le produit donnerait un nombre trop grand")
        if _sized(left) and isinstance(right, int):
            _check_length(len(left) * right)
        elif _sized(right) and isinstance(left, int):
            _check_length(len(right) * left)
    elif operator == "+" and _sized(left) and _sized(right):
        _check_length(len(left) + len(right))
    elif operator == "%":
        _check_format(left)


def _text_length(values: Any) -> int:
    return sum(len(value) if isinstance(value, str) else 1 for value in values)


def _center(value: Any, width: int = 80) -> str:
    _check_width(width, "la largeur")
    return filters.do_center(value, width)


def _indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    if isinstance(width, str):
        _check_width(len(width), "le retrait")
    _check_width(width, "le retrait")
    return filters.do_indent(s, width, first, blank)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    _check_format(value)
    return filters.do_format(value, *args, **kwargs)


def _replace_size(text: str, old: str, new: str, count: int | None = None) -> None:
    if not isinstance(text, str) or not isinstance(old, str) or not isinstance(new, str) or len(new) <= len(old):
        return
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    _check_length(len(text) + found * (len(new) - len(old)))


def _join_size(values: Any, separator: Any) -> list[Any]:
    items = list(values)
    sep = len(separator) if isinstance(separator, str) else 0
    _check_length(_text_length(items) + sep * max(len(items) - 1, 0))
    return items


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    _check_width(linecount, "la taille des lots")
    return filters.do_batch(value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    _check_width(slices, "le nombre de parts")
    return filters.do_slice(value, slices, fill_with)


class _Environment(ImmutableSandboxedEnvironment):
    """Sandbox: no attribute starting with '_', no method calls on objects but plain data's safe ones, none that
    modifies a list or a dict, and no operation whose result would be too big (see the module's docstring)."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        return isinstance(obj, (dict, list, tuple, str, int, float)) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # str methods that build a string from a size or from other strings: checked before they run.
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name in {"center", "ljust", "rjust", "zfill", "expandtabs"} and args:
                _check_width(args[0], "la largeur")
            elif name == "replace" and len(args) >= 2:
                _replace_size(owner, *args[:3])
            elif name == "join" and args:
                args = (_join_size(args[0], owner), *args[1:])
        return super().call(__context, __obj, *args, **kwargs)


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

    def replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
        _replace_size(s, old, new, count)
        return filters.do_replace(eval_ctx, s, old, new, count)

    def join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        if attribute is None:
            value = _join_size(value, d)
        return filters.do_join(eval_ctx, value, d, attribute)

    replace.jinja_pass_arg = join.jinja_pass_arg = filters.do_replace.jinja_pass_arg  # type: ignore[attr-defined]
    env.filters.update(
        center=_center, indent=_indent, format=_format, replace=replace, join=join, batch=_batch, slice=_slice
    )
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


def used_keywords(source: str) -> list[str]:
    """The full dotted keywords a template prints (`organisation.name`, not `organisation`)."""
    names = _used_names(source)
    return [name for name in names if not any(other.startswith(name + ".") for other in names)]


TEMPLATE_CACHE_SIZE = 128


@lru_cache(maxsize=TEMPLATE_CACHE_SIZE)
def compiled_template(source: str) -> Template:
    """The template parsed and compiled once (keyed by its text, so an edited template is compiled again).
    Raises jinja2's TemplateSyntaxError (render_markup turns it into a TemplateProblem); errors are not cached."""
    return _ENV.from_string(source)


def render_markup(source: str, context: dict[str, Any]) -> str:
    """Render a template to typst markup, in a render worker; raises TemplateProblem with the line and the
    keyword."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem(f"le modèle dépasse {MAX_TEMPLATE_CHARS} caractères")
    return render_pool.run_markup(source, plain(context))


def render_markup_here(source: str, context: dict[str, Any]) -> str:
    """`render_markup` in this process, without the worker's limits: what the render worker runs."""
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
    except TooBig as exc:
        raise TemplateProblem(f"calcul refusé : {exc}", line=_line_of(exc)) from exc
    except SecurityError as exc:
        raise TemplateProblem(f"opération interdite dans un modèle : {exc}", line=_line_of(exc)) from exc
    except TemplateError as exc:
        raise TemplateProblem(f"le modèle ne peut pas être rendu : {exc}", line=_line_of(exc)) from exc
    except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        raise TemplateProblem(f"le modèle ne peut pas être rendu : {exc}", line=_line_of(exc)) from exc


def plain(value: Any) -> Any:
    """The context as plain data (what a render worker receives): dicts, lists, strings (TypstText kept), numbers,
    booleans, None; anything else (a lazy translation, a date) as its text, which is what a template would print."""
    if value is None or isinstance(value, (bool, int, float, TypstText)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {key if isinstance(key, (str, int)) else str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)


def _undefined_keyword(text: str) -> str | None:
    match = re.search(r"'([^']+)' is undefined", text) or re.search(r"has no attribute '([^']+)'", text)
    return match.group(1) if match else None


def check_template(source: str, sample_context: dict[str, Any]) -> list[str]:
    """Render against the kind's examples; returns the keywords used. Raises TemplateProblem."""
    markup = render_markup(source, sample_context)
    compile_pdf(markup)
    return _used_names(source)


EMPTY_DIR_VARIABLE = "COOPFORMA_TYPST_EMPTY_DIR"


@cache
def empty_dir() -> str:
    """An empty directory nobody may write into: typst's root (it reads files only below it, so a template reads
    nothing) and its package directories (so no package is found). The render pool creates it and gives it to
    its workers; it is removed when the process ends."""
    given = os.environ.get(EMPTY_DIR_VARIABLE)
    if given:
        return given
    path = tempfile.mkdtemp(prefix="coopforma-typst-")
    os.chmod(path, stat.S_IRUSR | stat.S_IXUSR)
    atexit.register(_remove_dir, path)
    return path


def _remove_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        os.rmdir(path)


def new_compiler() -> typst.Compiler:
    return typst.Compiler(
        root=empty_dir(),
        ignore_system_fonts=True,
        package_path=empty_dir(),
        package_cache_path=empty_dir(),
    )


_local = threading.local()


def compiler() -> typst.Compiler:
    """This thread's typst compiler, created once and reused: its fonts (typst's embedded ones only, never the
    system's) are loaded once and its layout cache survives between documents. One per thread because a
    compiler is not meant to be shared between threads. The render workers use it; the web process does not."""
    instance = getattr(_local, "compiler", None)
    if instance is None:
        instance = _local.compiler = new_compiler()
    return instance


# A typst package: `#import "@preview/cetz:0.2.0"`, `#include "@local/x:1.0.0"` (values from data are escaped,
# so `"@` only comes from the template itself).
_PACKAGE = re.compile(r'"@[^"\s/]*/')
PACKAGE_MESSAGE = (
    "les paquets typst (« @preview/… ») ne sont pas disponibles : un modèle n'utilise que les fonctions de base "
    "de typst"
)
# Absolute paths in typst's messages (`file not found (searched at /tmp/…/logo.png)`): only the file name is kept.
_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/()\"'<>,]+/)+")


def _problem(exc: Exception) -> TemplateProblem:
    text = getattr(exc, "message", None) or str(exc)
    message = text.splitlines()[0] if text else "erreur typst"
    if "package" in message and ("download" in message or "not found" in message):
        return TemplateProblem(PACKAGE_MESSAGE)
    return TemplateProblem(f"mise en page impossible : {_PATH.sub('', message)}")


def compile_here(
    markup: str, *, inputs: dict[str, str] | None = None, tagged: bool = True, standard: str = ""
) -> bytes:
    """markup → PDF in this process, without the worker's limits: what the render worker runs. `standard`: a PDF
    standard typst writes and checks (« a-3b »: PDF/A-3b, the base of a Factur-X invoice), none when empty."""
    if _PACKAGE.search(markup):
        raise TemplateProblem(PACKAGE_MESSAGE)
    try:
        return compiler().compile(
            input=markup.encode("utf-8"),
            format="pdf",
            sys_inputs=inputs or {},
            pdf_tags=tagged,
            pdf_standards=[standard] if standard else [],
        )
    except typst.TypstError as exc:
        raise _problem(exc) from exc


def compile_pdf(
    markup: str,
    *,
    inputs: dict[str, str] | None = None,
    tagged: bool = True,
    max_pages: int | None = None,
    standard: str = "",
) -> bytes:
    """typst markup → PDF bytes (`inputs` are read by the markup as `sys.inputs`), in a render worker. Raises
    TemplateProblem, also when the PDF has more than `max_pages` pages (default: the DOCUMENTS_MAX_PAGES setting).

    `tagged`: a tagged PDF (its structure for screen readers). Working copies (drafts) leave it out: they
    compile faster and merge 35 % faster; every final document is tagged.
    `standard`: « a-3b » for a PDF/A-3b (what a kind asks with `DocumentKind.pdf_standard`), else none."""
    return render_pool.run_pdf(markup, inputs=inputs or {}, tagged=tagged, max_pages=max_pages, standard=standard)


def preview_pages(
    markup: str, *, inputs: dict[str, str] | None = None, ppi: float = 72, first: int | None = None
) -> tuple[list[bytes], int]:
    """The first `first` pages (all when None) as PNG images, and the number of pages of the document: the PDF
    laid out by the same compiler (at most DOCUMENTS_MAX_PAGES pages), then only the pages asked for drawn."""
    return render_pool.run_png(markup, inputs=inputs or {}, ppi=ppi, first=first)


def compile_png(markup: str, *, inputs: dict[str, str] | None = None, ppi: int = 72) -> list[bytes]:
    """The pages as PNG images (for the preview), laid out by the same compiler as the PDFs."""
    return preview_pages(markup, inputs=inputs, ppi=ppi)[0]
