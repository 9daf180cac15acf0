# SPDX-License-Identifier: AGPL-3.0-or-later
"""The local mail catcher: where messages "arrive" when no SMTP server is configured (development, the demo).

`CatcherBackend` is the mailer then (config/settings.py, MAIL_CATCHER): each message is written as it would
have been sent (real links and codes included, attachments too) to one `.eml` file in MAIL_CATCHER_DIR (0600)
and a line is printed on the console. `caught_list`/`caught_get`/`caught_attachment` read them back for the
« Boîte de test » page. With EMAIL_HOST set, the catcher is never the mailer and its page answers 404.

Each message names its organisation in the `X-Coopforma-Organisation` header (added by `core.mail.deliver`
while the catcher is on), so an organisation's page lists its own messages only.
"""

from __future__ import annotations

import datetime as dt
import email
import email.parser
import email.policy
import os
import re
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

ORG_HEADER = "X-Coopforma-Organisation"
MAX_LISTED = 200
_ID = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{12}$")


def is_on() -> bool:
    return bool(getattr(settings, "MAIL_CATCHER", False))


def _directory() -> Path:
    return Path(settings.MAIL_CATCHER_DIR)


class CatcherBackend(BaseEmailBackend):
    """Django mail backend: keep each message as a `.eml` file instead of sending it."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        directory = _directory()
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        count = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{secrets.token_hex(6)}"
            descriptor = os.open(directory / f"{name}.eml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(message.message().as_bytes())
            if not self.fail_silently:
                sys.stdout.write(f"[e-mail capturé] {', '.join(message.to)} — {message.subject}\n")
                sys.stdout.flush()
            count += 1
        return count


@dataclass(frozen=True)
class CaughtAttachment:
    index: int
    name: str
    mime_type: str
    size: int


@dataclass(frozen=True)
class CaughtMessage:
    id: str
    organisation: str
    to: str
    subject: str
    date: dt.datetime | None
    body: str = ""
    attachments: list[CaughtAttachment] = field(default_factory=list)


def _path(message_id: str) -> Path | None:
    if not _ID.match(message_id):
        return None
    path = _directory() / f"{message_id}.eml"
    return path if path.is_file() else None


def _parse(path: Path, *, headers_only: bool = False) -> EmailMessage:
    parser = email.parser.BytesHeaderParser if headers_only else email.parser.BytesParser
    with path.open("rb") as handle:
        message = parser(policy=email.policy.default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def _date(message: EmailMessage) -> dt.datetime | None:
    try:
        return parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        return None


def _summary(message_id: str, message: EmailMessage) -> CaughtMessage:
    return CaughtMessage(
        id=message_id,
        organisation=str(message[ORG_HEADER] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=_date(message),
    )


def caught_list(*, organisation: str | None) -> list[CaughtMessage]:
    """The caught messages, newest first (of one organisation's slug, or all with None)."""
    directory = _directory()
    if not is_on() or not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.eml"), reverse=True):
        if not _ID.match(path.stem):
            continue
        summary = _summary(path.stem, _parse(path, headers_only=True))
        if organisation is None or summary.organisation == organisation:
            found.append(summary)
            if len(found) >= MAX_LISTED:
                break
    return found


def _attachments(message: EmailMessage) -> list[tuple[CaughtAttachment, bytes]]:
    parts = []
    for index, part in enumerate(message.iter_attachments()):
        assert isinstance(part, EmailMessage)
        content = part.get_content()
        data = content if isinstance(content, bytes) else str(content).encode()
        name = part.get_filename() or f"piece-jointe-{index + 1}"
        parts.append((CaughtAttachment(index, name, part.get_content_type(), len(data)), data))
    return parts


def _readable(message_id: str, organisation: str | None) -> EmailMessage | None:
    path = _path(message_id) if is_on() else None
    if path is None:
        return None
    message = _parse(path)
    if organisation is not None and str(message[ORG_HEADER] or "") != organisation:
        return None
    return message


def caught_get(*, message_id: str, organisation: str | None) -> CaughtMessage | None:
    """One caught message with its text and attachments; None when missing or of another organisation."""
    message = _readable(message_id, organisation)
    if message is None:
        return None
    body_part = message.get_body(preferencelist=("plain",))
    body = str(body_part.get_content()) if body_part is not None else ""
    summary = _summary(message_id, message)
    return CaughtMessage(
        id=summary.id,
        organisation=summary.organisation,
        to=summary.to,
        subject=summary.subject,
        date=summary.date,
        body=body,
        attachments=[item for item, _data in _attachments(message)],
    )


def caught_attachment(
    *, message_id: str, organisation: str | None, index: int
) -> tuple[CaughtAttachment, bytes] | None:
    """One attachment of a caught message and its bytes; None when missing or of another organisation."""
    message = _readable(message_id, organisation)
    if message is None:
        return None
    parts = _attachments(message)
    return parts[index] if 0 <= index < len(parts) else None
