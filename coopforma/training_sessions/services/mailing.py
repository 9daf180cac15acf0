# SPDX-License-Identifier: AGPL-3.0-or-later
"""A free e-mail written from a session's page to its trainees, its clients' contacts and/or its trainers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.locking import lock_for_update
from coopforma.core.log import log_action
from coopforma.core.mail import send_mail_logged
from coopforma.training_sessions import selectors

PURPOSE = "sessions.message"
MAX_SUBJECT = 200
MAX_BODY = 20_000


def session_email_send(*, actor: Actor, session_id: int, subject: str, body: str, groups: list[str]) -> int:
    """Queue one message per address (each recipient gets their own, nobody sees the others) through the outbox;
    returns how many. Everything is checked first: a refused request writes nothing."""
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors: dict[str, str] = {}
    if not subject:
        errors["subject"] = _("Donnez un objet au message.")
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = _("L'objet est trop long (%(n)s caractères au plus).") % {"n": MAX_SUBJECT}
    if not body:
        errors["body"] = _("Écrivez le texte du message.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Le texte est trop long (%(n)s caractères au plus).") % {"n": MAX_BODY}
    wanted = [group for group in selectors.MAIL_GROUPS if group in set(groups or [])]
    if not wanted:
        errors["groups"] = _("Choisissez au moins un groupe de destinataires.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = lock_for_update(selectors.session_queryset_for(actor), session_id)
        audience = selectors.session_mail_audience(actor=actor, session_id=session.pk)
        addresses: list[str] = []
        for group in wanted:
            for recipient in audience[group]:
                email = recipient.email.strip().lower()
                if email and email not in addresses:
                    addresses.append(email)
        if not addresses:
            raise ValidationError({"groups": _("Aucune des personnes choisies n'a d'adresse e-mail : rien à envoyer.")})
        for email in addresses:
            send_mail_logged(
                organisation=actor.organisation, to=email, subject=subject, body=body, purpose=PURPOSE, about=session
            )
        log_action(
            actor=actor,
            obj=session,
            action="sessions.session.emailed",
            data={"subject": subject, "groups": wanted, "count": len(addresses)},
        )
    return len(addresses)
