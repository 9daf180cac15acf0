# SPDX-License-Identifier: AGPL-3.0-or-later
"""The texts of the e-mails the application sends, and each organisation's own version of them.

Each app declares the e-mails it sends (`MailText`: a French label and description, the default subject and body,
the placeholders with a preview value) and registers them when it starts (`register`, from its AppConfig.ready).
A sender asks `mail_text_render(organisation_id=…, code=…, values=…)` for the subject and body: the organisation's
version when it wrote one (« Textes des e-mails »), otherwise the default text, translated as before.

An organisation's text is written with placeholders `{{ lien }}`. It is a template written by staff, so it runs in
Jinja's immutable sandbox with strict undefined names, as the document templates do (documents/rendering.py), and
more narrowly: it may hold only text and plain placeholders — no filter, no attribute, no call, no block
(`{% for %}`, `{% if %}`) — which is checked when it is saved and again before it is rendered. So rendering costs
one pass over at most `MAX_BODY` characters of text and the values given: no template can loop, compute, reach an
attribute or stop the server, and it needs no render worker. An unknown placeholder is refused on save with its
name; a placeholder the e-mail cannot do without (the one-time link or code the application inserts) cannot be
removed, and a secret placeholder cannot go into the subject (subjects show in notifications and lists).

An e-mail belongs to one scope: most are sent in an organisation's name (`ORGANISATION`, « Textes des e-mails » of
the organisation); the exchanges of know-how send theirs in a network's name (`NETWORK`: the network's moderators
and facilitators rewrite them, exchanges/mail_services.py). A page lists and edits only the texts of its scope.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SUBJECT = 300
MAX_BODY = 20_000

ORGANISATION = "organisation"
NETWORK = "network"


@dataclass(frozen=True)
class Placeholder:
    name: str  # what the text says: {{ lien }}
    label: Any  # French, shown on the settings page
    preview: Any  # an example value for the preview
    key: str = ""  # the key of the default text's %(key)s (default: the name)
    required: bool = False  # the e-mail cannot do without it (its one-time link or code)
    secret: bool = False  # a one-time link or code: never in the subject

    @property
    def value_key(self) -> str:
        return self.key or self.name


@dataclass(frozen=True)
class MailText:
    code: str  # the outbox purpose; never shown
    label: Any  # French
    description: Any  # French: when the application sends it, to whom
    subject: Any  # default subject, a translated %(key)s text
    body: Any  # default body, a translated %(key)s text
    placeholders: tuple[Placeholder, ...] = field(default_factory=tuple)
    scope: str = ORGANISATION  # who sends it and rewrites it: an organisation, or a network (NETWORK)

    def placeholder(self, name: str) -> Placeholder | None:
        return next((p for p in self.placeholders if p.name == name), None)


_TEXTS: dict[str, MailText] = {}


def register(text: MailText) -> None:
    _TEXTS[text.code] = text


def all_mail_texts(*, scope: str = ORGANISATION) -> list[MailText]:
    """The e-mails of one scope (an organisation's, or a network's), by label."""
    return sorted((text for text in _TEXTS.values() if text.scope == scope), key=lambda text: str(text.label))


def get_mail_text(code: str, *, scope: str | None = None) -> MailText | None:
    """The e-mail `code`; None when it does not exist or, with `scope`, belongs to another scope."""
    text = _TEXTS.get(code)
    if text is None or (scope is not None and text.scope != scope):
        return None
    return text


# --- The defaults, shown with placeholders ----------------------------------------------------------------------

_KEY = re.compile(r"%\((\w+)\)s")


def default_source(text: MailText) -> tuple[str, str]:
    """The default subject and body as an organisation would write them: `%(url)s` shown as `{{ lien }}`."""
    names = {p.value_key: p.name for p in text.placeholders}

    def shown(source: Any) -> str:
        return _KEY.sub(lambda m: "{{ " + names.get(m.group(1), m.group(1)) + " }}", str(source)).replace("%%", "%")

    return shown(text.subject), shown(text.body)


def preview_values(text: MailText) -> dict[str, str]:
    return {p.value_key: str(p.preview) for p in text.placeholders}


# --- An organisation's text: checked, then rendered in the sandbox ----------------------------------------------


class _Environment(ImmutableSandboxedEnvironment):
    pass


_ENV = _Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def _names(source: str) -> list[str]:
    """The placeholders of `source`, in order; ValueError (French) for anything but text and plain placeholders."""
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise ValueError(
            _("ligne %(line)s : écriture incorrecte (%(error)s). Une marque s'écrit {{ nom }}.")
            % {"line": exc.lineno, "error": exc.message}
        ) from exc
    found: list[str] = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            raise ValueError(
                _(
                    "ligne %(line)s : les blocs {%% … %%} ne sont pas permis ; écrivez le texte et des marques "
                    "{{ nom }}."
                )
                % {"line": node.lineno}
            )
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                continue
            if isinstance(child, nodes.Name):
                found.append(child.name)
                continue
            raise ValueError(
                _(
                    "ligne %(line)s : seules les marques simples comme {{ nom }} sont permises (pas de calcul, de "
                    "filtre, de point ni d'appel)."
                )
                % {"line": child.lineno}
            )
    return found


def check_source(text: MailText, *, subject: str, body: str) -> dict[str, list[str]]:
    """The French reasons why an organisation's subject and body cannot be saved ({} when they can)."""
    errors: dict[str, list[str]] = {}
    known = ", ".join("{{ " + p.name + " }}" for p in text.placeholders) or _("aucune")
    for field_name, source, limit in (("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY)):
        problems: list[str] = []
        if not source.strip():
            problems.append(_("Ce texte ne peut pas être vide."))
        elif len(source) > limit:
            problems.append(_("Ce texte est trop long (%(n)s caractères au plus).") % {"n": limit})
        else:
            try:
                names = _names(source)
            except ValueError as exc:
                problems.append(str(exc))
                names = []
            for name in dict.fromkeys(names):
                placeholder = text.placeholder(name)
                if placeholder is None:
                    problems.append(
                        _("Marque inconnue « {{ %(name)s }} ». Marques possibles : %(known)s.")
                        % {"name": name, "known": known}
                    )
                elif placeholder.secret and field_name == "subject":
                    problems.append(
                        _(
                            "« {{ %(name)s }} » ne peut pas aller dans l'objet : c'est un lien ou un code personnel, "
                            "et l'objet s'affiche dans les notifications et les listes."
                        )
                        % {"name": name}
                    )
            if field_name == "body" and not problems:
                for placeholder in text.placeholders:
                    if placeholder.required and placeholder.name not in names:
                        problems.append(
                            _(
                                "Le texte doit contenir « {{ %(name)s }} » (%(label)s) : l'application y insère ce "
                                "que la personne doit recevoir ; sans lui, le message ne sert à rien."
                            )
                            % {"name": placeholder.name, "label": placeholder.label}
                        )
        if problems:
            errors[field_name] = problems
    return errors


def render_source(text: MailText, source: str, values: dict[str, Any]) -> str:
    """An organisation's text with its placeholders filled (checked again: a text stored otherwise is refused)."""
    _names(source)
    if len(source) > MAX_BODY:
        raise ValueError(_("Ce texte est trop long (%(n)s caractères au plus).") % {"n": MAX_BODY})
    context = {p.name: str(values.get(p.value_key, "")) for p in text.placeholders}
    try:
        return _ENV.from_string(source).render(context)
    except TemplateError as exc:
        raise ValueError(str(exc)) from exc


def mail_text_render(
    *, organisation_id: int | None = None, network_id: int | None = None, code: str, values: dict[str, Any]
) -> tuple[str, str]:
    """(subject, body) of the e-mail `code`: the organisation's (or, for a network's e-mail, the network's) version
    if it wrote one, else the default text.

    A stored version that no longer renders (a placeholder removed from the application since) falls back to the
    default text rather than block the sending."""
    from coopforma.core.models import MailTextOverride

    text = _TEXTS[code]
    if text.scope == NETWORK:
        owner = {"network_id": network_id} if network_id is not None else None
    else:
        owner = {"organisation_id": organisation_id} if organisation_id is not None else None
    override = MailTextOverride.objects.filter(code=code, **owner).first() if owner is not None else None
    if override is not None:
        try:
            return (
                " ".join(render_source(text, override.subject, values).split()),
                render_source(text, override.body, values),
            )
        except ValueError:
            pass
    return str(text.subject) % values, str(text.body) % values
