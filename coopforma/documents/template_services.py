# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the template editor: save a new version of a kind's template, go back to the default text.

A template is saved only if it renders with the kind's example values (so generation never meets a syntax
error or an unknown keyword). Every save makes a new version; the previous ones stay, inactive, for the
history (Qualiopi: which text was in use when a document was issued).
"""

import difflib
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import diff, log_action, snapshot
from coopforma.documents import rendering, structured
from coopforma.documents.models import DocumentTemplate
from coopforma.documents.registry import DocumentKind
from coopforma.documents.template_selectors import TEMPLATE_FLAG

# The signers a template may ask for besides the quality manager (who has a checkbox of their own).
SIGNER_CHOICES = ("client", "trainee", "trainer")
_TRACKED = ["name", "requires_quality_signature", "signers"]


def _dotted_keyword(body: str, line: int | None, keyword: str) -> str:
    """Jinja names only the last part of an unknown `session.titel`: find the whole path on its line."""
    if not line:
        return keyword
    lines = body.splitlines()
    if not 0 < line <= len(lines):
        return keyword
    match = re.search(rf"\b((?:[A-Za-z_]\w*\.)*{re.escape(keyword)})\b", lines[line - 1])
    return match.group(1) if match else keyword


def template_problem_message(problem: rendering.TemplateProblem, *, body: str, kind: DocumentKind) -> str:
    """A French message naming the line and the keyword, with the closest known keyword as a hint."""
    message = problem.message
    if problem.keyword:
        keyword = _dotted_keyword(body, problem.line, problem.keyword)
        message = _("mot-clé inconnu « %(keyword)s »") % {"keyword": keyword}
        close = difflib.get_close_matches(keyword, [k.name for k in kind.keywords], n=1)
        if close:
            message += " " + _("(vouliez-vous dire « %(keyword)s » ?)") % {"keyword": close[0]}
    if problem.line:
        return _("Ligne %(line)s : %(message)s") % {"line": problem.line, "message": message}
    return message


def _check(*, kind: DocumentKind, name: str, body: str, signers: Iterable[str]) -> list[str]:
    errors: dict[str, str] = {}
    line: int | None = None
    if not name.strip():
        errors["name"] = _("Donnez un nom au modèle.")
    unknown = sorted(set(signers) - set(SIGNER_CHOICES))
    if unknown:
        errors["signers"] = _("Signataire inconnu : %(signers)s.") % {"signers": ", ".join(unknown)}
    if not body.strip():
        errors["body"] = _("Le texte du modèle est vide.")
    elif len(body) > rendering.MAX_TEMPLATE_CHARS:
        errors["body"] = _("Le texte du modèle fait %(size)s caractères : %(max)s au plus.") % {
            "size": len(body),
            "max": rendering.MAX_TEMPLATE_CHARS,
        }
    else:
        try:
            rendering.check_template(body, kind.sample_context())
        except rendering.TemplateProblem as problem:
            errors["body"] = template_problem_message(problem, body=body, kind=kind)
            line = problem.line
    if errors:
        error = ValidationError(errors)
        error.line = line  # type: ignore[attr-defined]  # the editor puts the cursor on it
        raise error
    return [signer for signer in SIGNER_CHOICES if signer in set(signers)]


def template_save(
    *,
    actor: Actor,
    kind: DocumentKind,
    name: str,
    body: str,
    requires_quality_signature: bool,
    signers: Iterable[str],
    structure: structured.Structure | None = None,
) -> DocumentTemplate:
    """Save `body` as the new active version of `kind`'s template (refused if it would not render).

    With `structure` (the simple editor), `body` is ignored: the text is compiled from the structure by our code
    (documents/structured.py). Without it the template is code, also when the active one was simple: that is
    the one-way conversion to code. Saving the text already in use changes nothing and returns the active version.
    """
    actor.require(TEMPLATE_FLAG)
    stored_structure = structure.as_json() if structure is not None else None
    if structure is not None:
        body = structured.compile_structure(structure, kind)
    body = body.replace("\r\n", "\n")
    try:
        signers = _check(kind=kind, name=name, body=body, signers=signers)
    except ValidationError as error:
        if structure is not None and hasattr(error, "error_dict") and "body" in error.error_dict:
            # The compiled text is ours: what fails is a keyword's value or the layout, said without a line.
            error.error_dict["structure"] = error.error_dict.pop("body")
        raise
    name = name.strip()
    organisation = actor.organisation
    try:
        with transaction.atomic():
            versions = DocumentTemplate.objects.select_for_update().filter(organisation=organisation, kind=kind.code)
            current = versions.filter(is_active=True).first()
            if current is not None and (
                current.body == body
                and current.name == name
                and current.requires_quality_signature == requires_quality_signature
                and current.signers == signers
                and current.structure == stored_structure
            ):
                return current
            before = snapshot(current, _TRACKED) if current else {}
            last_version = versions.aggregate(last=Max("version"))["last"] or 0
            if current is not None:
                current.is_active = False
                current.save(update_fields=["is_active", "updated_at"])
            template = DocumentTemplate(
                organisation=organisation,
                kind=kind.code,
                name=name,
                body=body,
                structure=stored_structure,
                is_active=True,
                requires_quality_signature=requires_quality_signature,
                signers=signers,
                version=last_version + 1,
                updated_by=actor.user,
            )
            template.full_clean()
            template.save()
            log_action(
                actor=actor,
                obj=template,
                action="documents.template.updated",
                data={
                    "kind": kind.code,
                    "version": template.version,
                    "previous_version": current.version if current else None,
                    "body_changed": current is None or current.body != body,
                    "simple": stored_structure is not None,
                    "changes": diff(before, snapshot(template, _TRACKED)),
                },
            )
    except IntegrityError:  # another save of the same kind committed first (one active template per kind)
        raise ValidationError(
            {"body": _("Ce modèle vient d'être modifié par quelqu'un d'autre : rechargez la page et recommencez.")}
        ) from None
    return template


def template_reset(*, actor: Actor, kind: DocumentKind) -> DocumentTemplate:
    """Go back to the kind's default text: the active version is kept in the history but no longer used.

    Returns the version that was deactivated.
    """
    actor.require(TEMPLATE_FLAG)
    with transaction.atomic():
        current = (
            DocumentTemplate.objects.select_for_update()
            .filter(organisation=actor.organisation, kind=kind.code, is_active=True)
            .first()
        )
        if current is None:
            raise ValidationError(_("Ce type de document utilise déjà le modèle par défaut."))
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
        log_action(
            actor=actor,
            obj=current,
            action="documents.template.reset",
            data={"kind": kind.code, "version": current.version},
        )
    return current
