# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test helper: everything staff can read of the outbox and the activity log, as one text, to search for a secret."""

import json

from coopforma.core.models import ActivityLog, OutboundEmail


def stored_texts() -> str:
    """The stored outbox (subject, body, html, and the sealed secrets as stored) and every activity log entry."""
    parts: list[str] = []
    for email in OutboundEmail.objects.all():
        parts += [email.subject, email.body, email.html, email.sealed_secrets, email.last_error]
    for entry in ActivityLog.objects.all():
        parts += [entry.action, entry.object_repr, entry.actor_label, json.dumps(entry.data, ensure_ascii=False)]
    return "\n".join(parts)
