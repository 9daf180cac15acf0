# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the network's e-mails (exchanges/mails.py): its outbox and its texts of the e-mails.

- the outbox (`exchanges.outbox`: moderators and facilitators): the messages the exchanges sent in the network's
  name, newest first, with their delivery attempts; one-time links masked as in every outbox (core.mail). The
  recipient is shown by the name the network knows them by (a member's display name, a person's name), never by
  address: the members' contact addresses are shown to nobody (docs/exchanges.md), and a facilitator does not see
  the other people's addresses either;
- the texts (`exchanges.mail_texts`): each e-mail of scope NETWORK with the network's own text if it wrote one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from coopforma.accounts.selectors_mail_texts import MailTextRow
from coopforma.core.mail import can_resend, has_secrets, outbox_get, outbox_list
from coopforma.core.mail_texts import NETWORK, MailText, all_mail_texts, default_source, get_mail_text
from coopforma.core.models import DeliveryAttempt, MailTextOverride, OutboundEmail
from coopforma.exchanges.models import Member
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import NetworkPerson

OUTBOX_FLAG = "exchanges.outbox"
TEXTS_FLAG = "exchanges.mail_texts"


def can_read_outbox(actor: NetworkActor) -> bool:
    return actor.has(OUTBOX_FLAG)


def can_edit_texts(actor: NetworkActor) -> bool:
    return actor.has(TEXTS_FLAG)


def require_outbox(actor: NetworkActor) -> None:
    if not can_read_outbox(actor):
        raise PermissionDenied(OUTBOX_FLAG)


def require_texts(actor: NetworkActor) -> None:
    if not can_edit_texts(actor):
        raise PermissionDenied(TEXTS_FLAG)


# --- the outbox ----------------------------------------------------------------------------------------------------


def recipient_names(*, actor: NetworkActor) -> dict[str, str]:
    """{address (lower case): the name the network knows its owner by}, for the outbox's « Destinataire »."""
    names: dict[str, str] = {}
    people = NetworkPerson.objects.filter(network=actor.network).select_related("user")
    for person in people:
        if person.user.email:
            names[person.user.email.lower()] = person.user.get_full_name() or _("Personne du réseau")
    members = Member.objects.filter(network=actor.network).select_related("user")
    for member in members:
        for address in (member.email, member.user.email):
            if address:
                names[address.lower()] = member.display_name
    return names


def recipient_label(names: dict[str, str], email: OutboundEmail) -> str:
    return names.get(email.to.lower()) or _("Personne qui n'est plus dans le réseau")


def network_outbox_list(*, actor: NetworkActor, status: str = "") -> QuerySet[OutboundEmail]:
    """The network's messages, newest first (403 without `exchanges.outbox`)."""
    require_outbox(actor)
    return outbox_list(actor=actor, status=status, network_id=actor.network.pk)


@dataclass
class OutboxMessage:
    email: OutboundEmail
    recipient: str
    attempts: list[DeliveryAttempt]
    resends: list[OutboundEmail]
    masked: bool
    can_resend: bool


def network_outbox_get(*, actor: NetworkActor, email_id: Any) -> OutboxMessage:
    """One message of the network (404 for another network's or an organisation's; 403 without the flag)."""
    require_outbox(actor)
    email = outbox_get(actor=actor, email_id=email_id, network_id=actor.network.pk)
    return OutboxMessage(
        email=email,
        recipient=recipient_label(recipient_names(actor=actor), email),
        attempts=list(email.delivery_attempts.all()),
        resends=list(email.resends.all()),
        masked=has_secrets(email),
        can_resend=can_resend(email),
    )


# --- the texts -----------------------------------------------------------------------------------------------------


def _row(text: MailText, override: MailTextOverride | None) -> MailTextRow:
    subject, body = default_source(text)
    return MailTextRow(text=text, override=override, default_subject=subject, default_body=body)


def network_mail_text_list(*, actor: NetworkActor) -> list[MailTextRow]:
    require_texts(actor)
    overrides = {o.code: o for o in MailTextOverride.objects.filter(network=actor.network)}
    return [_row(text, overrides.get(text.code)) for text in all_mail_texts(scope=NETWORK)]


def network_mail_text_get(*, actor: NetworkActor, code: str) -> MailTextRow:
    """One of the network's e-mails; 404 for a code the exchanges do not send (an organisation's e-mail too)."""
    require_texts(actor)
    text = get_mail_text(code, scope=NETWORK)
    if text is None:
        raise Http404
    return _row(text, MailTextOverride.objects.filter(network=actor.network, code=code).first())
