# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of « Textes des e-mails »: an organisation's own subject and body for an e-mail, or back to the default."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.core.log import log_action
from coopforma.core.mail_texts import ORGANISATION, check_source, get_mail_text
from coopforma.core.models import MailTextOverride


@transaction.atomic
def mail_text_update(*, actor: Actor, code: str, subject: str, body: str) -> MailTextOverride:
    """Save the organisation's text (refused, with the reasons in French, when a placeholder is unknown, a required
    one is missing, a secret one is in the subject, or the text is not plain text and placeholders)."""
    actor.require("mails.texts")
    text = get_mail_text(code, scope=ORGANISATION)
    if text is None:
        raise Http404
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip("\n")
    errors = check_source(text, subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    override = (
        MailTextOverride.objects.select_for_update().filter(organisation_id=actor.organisation_id, code=code).first()
    )
    if override is None:
        override = MailTextOverride(organisation=actor.organisation, code=code)
    override.subject, override.body, override.updated_by = subject, body, actor.user
    override.save()
    log_action(actor=actor, obj=override, action="core.mail_text.updated", data={"label": str(text.label)})
    return override


@transaction.atomic
def mail_text_reset(*, actor: Actor, code: str) -> None:
    """Back to the application's text (nothing to do when the organisation had not changed it)."""
    actor.require("mails.texts")
    text = get_mail_text(code, scope=ORGANISATION)
    if text is None:
        raise Http404
    override = MailTextOverride.objects.filter(organisation_id=actor.organisation_id, code=code).first()
    if override is None:
        return
    log_action(actor=actor, obj=override, action="core.mail_text.reset", data={"label": str(text.label)})
    override.delete()
