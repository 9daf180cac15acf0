# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of « Textes des e-mails »: an organisation's own subject and body for an e-mail, or back to the default
(the checks and the write itself are shared with a network's texts: core/mail_text_services.py)."""

from django.db import transaction

from coopforma.accounts.actor import Actor
from coopforma.core.mail_text_services import mail_text_or_404, mail_text_override_delete, mail_text_override_save
from coopforma.core.mail_texts import ORGANISATION
from coopforma.core.models import MailTextOverride


@transaction.atomic
def mail_text_update(*, actor: Actor, code: str, subject: str, body: str) -> MailTextOverride:
    """Save the organisation's text (refused, with the reasons in French, when a placeholder is unknown, a required
    one is missing, a secret one is in the subject, or the text is not plain text and placeholders)."""
    actor.require("mails.texts")
    text = mail_text_or_404(code, scope=ORGANISATION)
    return mail_text_override_save(
        actor=actor, text=text, owner={"organisation": actor.organisation}, subject=subject, body=body, log_data={}
    )


@transaction.atomic
def mail_text_reset(*, actor: Actor, code: str) -> None:
    """Back to the application's text (nothing to do when the organisation had not changed it)."""
    actor.require("mails.texts")
    text = mail_text_or_404(code, scope=ORGANISATION)
    mail_text_override_delete(actor=actor, text=text, owner={"organisation": actor.organisation}, log_data={})
