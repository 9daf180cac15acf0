# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of an e-mail's own text, shared by its two owners: an organisation (accounts/services_mail_texts.py) and a
network (exchanges/mail_services.py).

Each owner's service checks its own permission first, then calls these with its scope (core.mail_texts) and the
owner of the text (`{"organisation": …}` or `{"network": …}`, exactly one of the two).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from coopforma.core.log import log_action
from coopforma.core.mail_texts import MailText, check_source, get_mail_text
from coopforma.core.models import MailTextOverride


def mail_text_or_404(code: str, *, scope: str) -> MailText:
    """The e-mail `code` of `scope`, or 404 (an unknown code, or one of the other scope)."""
    text = get_mail_text(code, scope=scope)
    if text is None:
        raise Http404
    return text


def mail_text_override_save(
    *, actor: Any, text: MailText, owner: dict[str, Any], subject: str, body: str, log_data: dict[str, Any]
) -> MailTextOverride:
    """Save the owner's text of `text` (refused, with the reasons in French, when a placeholder is unknown, a
    required one is missing, a secret one is in the subject, or the text is not plain text and placeholders).
    `actor` is the owner's actor (an organisation's or a network's: its `user` signs the text and the log); the
    caller holds the transaction."""
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip("\n")
    errors = check_source(text, subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    override = MailTextOverride.objects.select_for_update().filter(**owner, code=text.code).first()
    if override is None:
        override = MailTextOverride(**owner, code=text.code)
    override.subject, override.body, override.updated_by = subject, body, actor.user
    override.save()
    log_action(actor=actor, obj=override, action="core.mail_text.updated", data={"label": str(text.label), **log_data})
    return override


def mail_text_override_delete(*, actor: Any, text: MailText, owner: dict[str, Any], log_data: dict[str, Any]) -> None:
    """Back to the application's text (nothing to do when the owner had not changed it)."""
    override = MailTextOverride.objects.filter(**owner, code=text.code).first()
    if override is None:
        return
    log_action(actor=actor, obj=override, action="core.mail_text.reset", data={"label": str(text.label), **log_data})
    override.delete()
