# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test helpers: final documents made directly (the generation service is tested elsewhere), links from e-mails."""

import hashlib
import re

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from coopforma.documents.models import Document, DocumentStatus
from coopforma.documents.rendering import compile_pdf

CLIENT_EMAIL = "marie@acme.example"
TRAINEE_EMAIL = "paul@example.org"
CONTEXT = {
    "client": {"name": "ACME", "contact_name": "Marie Dupont", "contact_email": CLIENT_EMAIL},
    "trainee": {"full_name": "Paul Martin", "email": TRAINEE_EMAIL},
    "trainers": [{"full_name": "Théo Formateur", "email": "theo@example.org"}],
}
_PDFS: dict[str, bytes] = {}


def pdf_bytes(text: str = "Test") -> bytes:
    if text not in _PDFS:
        _PDFS[text] = compile_pdf(f"= {text}")
    return _PDFS[text]


def final_document(org, *, title="Convention ACME", signers=("client",), quality=False, context=None, **fields):  # type: ignore[no-untyped-def]
    data = pdf_bytes(title)
    document = Document(
        organisation=org,
        kind="convention",
        title=title,
        subject_type=ContentType.objects.get_for_model(org),
        subject_id=org.pk,
        template_body="= Test",
        context=CONTEXT if context is None else context,
        status=fields.pop("status", DocumentStatus.FINAL),
        requires_quality_signature=quality,
        signers=list(signers),
        sha256=hashlib.sha256(data).hexdigest(),
        finalised_at=timezone.now(),
        **fields,
    )
    document.file.save("test.pdf", ContentFile(data), save=False)
    document.save()
    return document


def links_in_mail(pattern: str, to: str | None = None) -> list[str]:
    """The captured groups of `pattern` in the e-mails sent (to `to`, if given), oldest first."""
    found = []
    for message in mail.outbox:
        if to is None or to in message.to:
            found += re.findall(pattern, message.body)
    return found


def sign_tokens(to: str | None = None) -> list[str]:
    return links_in_mail(r"/s/([\w-]+)/", to)


def last_code(to: str) -> str:
    return links_in_mail(r"code de signature : (\d{6})|est : (\d{6})", to)[-1][1]
