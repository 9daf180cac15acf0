# SPDX-License-Identifier: AGPL-3.0-or-later
"""The document kinds and their keywords. Domain apps register kinds; the engine never imports them.

A kind says what a document is about (its *subject*: an enrolment, a session, a participant), which
keywords its template may use (with an example value each, used to check and preview templates), how to
build the values from a subject (plain dicts, lists and strings only: a template never sees a Python
object, so it has nothing to reach into), and what data is missing to produce it (with the page that fixes
it). Like pretix's `DEFAULT_VARIABLES` (src/pretix/base/pdf.py), but registered explicitly by each app's
`AppConfig.ready()`.

The hooks a kind carries (`KindHooks`, typed; the engine never imports the domain): `resolve(actor, id)` (the
subject through the domain's scoped selector, Http404 otherwise), `session_id(subject)`, `label(subject)`,
`resolve_session(actor, id)`, `subjects_for_session(actor, session_id)`, `applies(subject)`, and `batch()`: a
context manager within which the kind's contexts and missing-data checks share what they read (the session,
its slots, the organisation…) instead of reading it once per document — see `batch()` below.

Context providers: an app BELOW the kind's app in the layers (e.g. attendance under training_sessions, which
cannot import it) completes a kind's context with `register_context_provider(kind_code, provider)`, where
`provider(subject, context) -> context`. `build_context(kind, subject)` — what the services call — runs the
kind's own `build_context`, then each provider in registration order, per document. A provider may bring its
own `batch` context manager (entered by `batch()` with the kind's, so a bulk run reads its data once) and
`keywords` (added to the kind, or replacing the kind's keyword of the same name, e.g. to update a label).
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from coopforma.core.mail import MailAttachment


@dataclass(frozen=True)
class Keyword:
    name: str  # dotted path in the context: "session.title", "trainee.full_name"
    label: str  # what it is, in French: shown in the template editor
    example: Any  # a realistic value; lists hold dicts for loops ("session.slots")


@dataclass(frozen=True)
class Missing:
    """A piece of data a document needs and does not have, with where to fix it."""

    label: str  # "Le SIRET du client Scop Exemple"
    url: str  # "/o/demo/people/clients/12/edit/"


@dataclass(frozen=True)
class KindHooks:
    """What the engine asks the domain that registered a kind about its subjects; None: the kind has no such hook.

    A kind generated from a session's pages has `resolve`, `session_id`, `label`, `resolve_session` and
    `subjects_for_session`; `operator_subjects` lets the command line render it; billing pieces only have
    `resolve` and `label` (they are laid out when issued)."""

    # (actor, subject id) -> the subject through the domain's scoped selector (Http404: missing or not theirs)
    resolve: Callable[[Any, int], Any] | None = None
    session_id: Callable[[Any], int] | None = None  # subject -> the id of its session
    label: Callable[[Any], str] | None = None  # subject -> how a list names it (the client, the trainee…)
    # (actor, session id) -> the session, Http404 when not visible
    resolve_session: Callable[[Any, int], Any] | None = None
    # (actor, session id) -> the subjects of the session the actor may see (not cancelled)
    subjects_for_session: Callable[[Any, int], Iterable[Any]] | None = None
    operator_subjects: Callable[[int], Iterable[Any]] | None = None  # session id -> every subject (unscoped: CLI)
    preview_subjects: Callable[[Any], Iterable[tuple[str, Any]]] | None = None  # actor -> (label, subject) to preview
    applies: Callable[[Any], bool] | None = None  # subject -> whether this kind is produced for it
    batch: Callable[[], AbstractContextManager[None]] | None = None  # see `batch()` below
    attachments: tuple[str, ...] = ()  # kinds of the session delivered with it (the convocation: programme, rules)
    # session id -> files made for the occasion and e-mailed with it, as (title, attachment) (the convocation: the
    # access map of the session's places)
    extra_files: Callable[[int], list[tuple[str, MailAttachment]]] | None = None
    # session id -> (name, e-mail) of whom a document of the whole session is diffused to
    session_recipients: Callable[[int], Iterable[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class DocumentKind:
    code: str  # "convention", "contract", "programme", "convocation", "rules", "attendance_sheet",
    # "certificate", "attestation", "quote"
    label: str
    subject: str  # "enrolment" | "session" | "participant"
    keywords: tuple[Keyword, ...]
    # subject -> context (dict of dicts/lists/str/int/bool only)
    build_context: Callable[[Any], dict[str, Any]]
    # subject -> what is missing to produce the document (empty list: ready)
    missing: Callable[[Any], list[Missing]]
    default_template: str  # typst markup with Jinja keywords
    default_signers: tuple[str, ...] = ()  # among "quality", "client", "trainee", "trainer"
    description: str = ""
    bulk: bool = False  # may be generated for all participants of a session at once
    pdf_standard: str = ""  # "a-3b": the final PDF is PDF/A-3b (invoices: the base of their Factur-X)
    hooks: KindHooks = field(default_factory=KindHooks)

    def sample_context(self) -> dict[str, Any]:
        """A context built from the keywords' examples: used to check and preview a template."""
        context: dict[str, Any] = {}
        for keyword in self.keywords:
            node = context
            *parents, leaf = keyword.name.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = keyword.example
        return context


_KINDS: dict[str, DocumentKind] = {}

ContextProvider = Callable[[Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class _Provider:
    provider: ContextProvider
    batch: Callable[[], Any] | None = None
    keywords: tuple[Keyword, ...] = ()


_PROVIDERS: dict[str, list[_Provider]] = {}


def _with_keywords(kind: DocumentKind) -> DocumentKind:
    """The kind with its providers' keywords (a provider's keyword replaces the kind's of the same name)."""
    extra = {k.name: k for p in _PROVIDERS.get(kind.code, ()) for k in p.keywords}
    if not extra:
        return kind
    names = {k.name for k in kind.keywords}
    merged = tuple(extra.get(k.name, k) for k in kind.keywords) + tuple(
        k for k in extra.values() if k.name not in names
    )
    return kind if merged == kind.keywords else replace(kind, keywords=merged)


def register(kind: DocumentKind) -> None:
    current = _KINDS.get(kind.code)
    completed = _with_keywords(kind)
    if current is not None and current is not kind and current != completed:
        raise ValueError(f"document kind {kind.code!r} registered twice")
    _KINDS[kind.code] = completed


def register_context_provider(
    kind_code: str,
    provider: ContextProvider,
    *,
    batch: Callable[[], Any] | None = None,
    keywords: tuple[Keyword, ...] = (),
) -> None:
    """After `build_context`, `provider(subject, context)` returns the context to use (per document). Registering
    the same provider twice (a second `ready()`) is a no-op. The kind may be registered before or after."""
    entries = _PROVIDERS.setdefault(kind_code, [])
    if any(entry.provider is provider for entry in entries):
        return
    entries.append(_Provider(provider, batch, tuple(keywords)))
    if kind_code in _KINDS:
        _KINDS[kind_code] = _with_keywords(_KINDS[kind_code])


FinaliseCheck = Callable[[Any, dict[str, Any]], list[str]]

_FINALISE_CHECKS: dict[str, list[FinaliseCheck]] = {}


def register_finalise_check(kind_code: str, check: FinaliseCheck) -> None:
    """Before a document of the kind becomes final or is sent for signature, `check(subject, context)` returns
    the reasons (French sentences, citing the rule) that forbid it; `context` is the document's stored snapshot.
    Registered by the app that knows the facts (attendance for the certificat de réalisation). Registering the
    same check twice is a no-op."""
    checks = _FINALISE_CHECKS.setdefault(kind_code, [])
    if check not in checks:
        checks.append(check)


def finalise_refusals(kind: DocumentKind, subject: Callable[[], Any], context: dict[str, Any]) -> list[str]:
    """Every registered check's reasons why a document of `kind` may not be made final; `subject()` gives the
    subject (read only when the kind has checks)."""
    checks = _FINALISE_CHECKS.get(kind.code, ())
    if not checks:
        return []
    found = subject()
    reasons: list[str] = []
    for check in checks:
        reasons.extend(check(found, context))
    return reasons


def context_providers(kind_code: str) -> list[ContextProvider]:
    return [entry.provider for entry in _PROVIDERS.get(kind_code, ())]


def build_context(kind: DocumentKind, subject: Any) -> dict[str, Any]:
    """The kind's context of `subject`, completed by the registered providers (in registration order)."""
    context = kind.build_context(subject)
    for entry in _PROVIDERS.get(kind.code, ()):
        context = entry.provider(subject, context)
    return context


def get_kind(code: str) -> DocumentKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unknown document kind {code!r}") from None


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())


@contextmanager
def batch(*kinds: DocumentKind) -> Iterator[None]:
    """Enter the `hooks.batch` context of each kind once (kinds of one domain share it), and the `batch` of
    each of their context providers: for work over many subjects of the same session, so that their shared data
    is read once. A kind without one is left as is."""
    with ExitStack() as stack:
        entered: list[Any] = []
        for kind in kinds:
            hooks = [kind.hooks.batch] + [entry.batch for entry in _PROVIDERS.get(kind.code, ())]
            for hook in hooks:
                if hook is not None and hook not in entered:
                    entered.append(hook)
                    stack.enter_context(hook())
        yield
