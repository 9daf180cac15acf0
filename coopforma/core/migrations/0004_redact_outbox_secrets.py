# SPDX-License-Identifier: AGPL-3.0-or-later
"""Mask the one-time links and codes that messages recorded before `secrets=` keep in clear.

Those messages are past (sent, or failed long ago): their links and codes are replaced by the masked label staff
see for new messages, in the subject, the text and the html. A link is any address whose path is a signing link
(/s/<token>/), a portal link (/p/<token>/), a personal attendance link (/e/<token>/) or a questionnaire link
(/q/<survey>/<token>/); a code is any 6-digit number of a signature-code message. Nothing is undone by reversing.
"""

import re

from django.db import migrations
from django.db.models import Q

MASKED = "[lien ou code personnel masqué]"
LINK = re.compile(
    r"(?:https?://[^\s/<>\"']+)?/(?:[spe]/(?!moi/|espace/|q/)[\w-]{16,}|q/\d+/[\w-]{16,})/?(?=[\s<>\"'.,;:)]|$)"
)
CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
CODE_PURPOSES = ("signature_code",)
BATCH = 500


def redact(text: str, *, code: bool) -> str:
    text = LINK.sub(MASKED, text)
    return CODE.sub(MASKED, text) if code else text


def redact_outbox(apps, schema_editor):  # type: ignore[no-untyped-def]
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    marks = Q(purpose__in=CODE_PURPOSES)
    for path in ("/s/", "/p/", "/e/", "/q/"):
        marks |= Q(subject__contains=path) | Q(body__contains=path) | Q(html__contains=path)
    changed = []
    for email in OutboundEmail.objects.filter(marks).only("id", "purpose", "subject", "body", "html").iterator():
        code = email.purpose in CODE_PURPOSES
        before = (email.subject, email.body, email.html)
        email.subject = redact(email.subject, code=code)[:300]
        email.body = redact(email.body, code=code)
        email.html = redact(email.html, code=code)
        if (email.subject, email.body, email.html) != before:
            changed.append(email)
        if len(changed) >= BATCH:
            OutboundEmail.objects.bulk_update(changed, ["subject", "body", "html"])
            changed = []
    if changed:
        OutboundEmail.objects.bulk_update(changed, ["subject", "body", "html"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_sealed_secrets"),
    ]

    operations = [
        migrations.RunPython(redact_outbox, migrations.RunPython.noop, elidable=True),
    ]
