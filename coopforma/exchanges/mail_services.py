# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the network's e-mails (exchanges/mails.py): « Renvoyer » from its outbox, its own texts of the e-mails.

The texts are checked and rendered exactly as an organisation's (core.mail_texts: Jinja's immutable sandbox, text
and plain placeholders only, required placeholders kept, checked on save and again before each rendering); they
serve from the next sending, for this network only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from coopforma.core.mail import email_resend
from coopforma.core.mail_text_services import mail_text_or_404, mail_text_override_delete, mail_text_override_save
from coopforma.core.mail_texts import NETWORK
from coopforma.core.models import MailTextOverride, OutboundEmail
from coopforma.exchanges.mail_selectors import require_outbox, require_texts
from coopforma.networks.access import NetworkActor


def network_email_resend(*, actor: NetworkActor, email_id: Any) -> OutboundEmail:
    """Send one of the network's messages again (a new message in its outbox); refused, writing nothing, when it
    is still queued, its address was erased, or it held a one-time link (core.mail.email_resend)."""
    require_outbox(actor)
    return email_resend(actor=actor, email_id=email_id, network_id=actor.network.pk)


@transaction.atomic
def network_mail_text_update(*, actor: NetworkActor, code: str, subject: str, body: str) -> MailTextOverride:
    """Save the network's text of the e-mail `code` (refused, with the reasons in French, as an organisation's)."""
    require_texts(actor)
    text = mail_text_or_404(code, scope=NETWORK)
    return mail_text_override_save(
        actor=actor,
        text=text,
        owner={"network": actor.network},
        subject=subject,
        body=body,
        log_data={"network": actor.network.pk},
    )


@transaction.atomic
def network_mail_text_reset(*, actor: NetworkActor, code: str) -> None:
    """Back to the application's text (nothing to do when the network had not changed it)."""
    require_texts(actor)
    text = mail_text_or_404(code, scope=NETWORK)
    mail_text_override_delete(
        actor=actor, text=text, owner={"network": actor.network}, log_data={"network": actor.network.pk}
    )
