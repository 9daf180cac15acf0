# SPDX-License-Identifier: AGPL-3.0-or-later
"""Integrity of the stored issued documents: every final or signed file read again and compared to its SHA-256.

An issued document is an immutable snapshot (a final PDF and, once signed, the signed PDF), each stored with its
SHA-256 at the time it was made. A file that is missing from the storage or whose bytes no longer give that hash
is a problem to report: `coopforma documents verify` runs this from cron and exits 1 when anything is wrong.
Drafts are not checked (they change until finalised); uploaded scans carry no recorded hash.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage

from coopforma.documents.models import Document, DocumentStatus

CHUNK = 1024 * 1024
# Every state a document reaches once finalised (a replaced version stays an issued document).
ISSUED_STATUSES = [s for s in DocumentStatus.values if s != DocumentStatus.DRAFT]


@dataclass(frozen=True)
class Problem:
    document_id: int
    organisation_slug: str
    title: str
    verification_code: str
    part: str  # French label of the file: « PDF définitif », « PDF signé »
    file_name: str
    what: str  # « manquant », « altéré », « illisible », « sans empreinte »

    def __str__(self) -> str:
        where = f" ({self.file_name})" if self.file_name else ""
        return (
            f"{self.what.upper()} : {self.part} de « {self.title} » — document n° {self.document_id}, "
            f"code {self.verification_code}, organisation {self.organisation_slug}{where}"
        )


def stored_sha256(name: str) -> str | None:
    """The SHA-256 of a file read back from the default storage, or None when the storage has no such file."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def _check(document: Document, *, part: str, name: str, expected: str) -> Problem | None:
    def problem(what: str) -> Problem:
        return Problem(
            document.pk, document.organisation.slug, document.title, document.verification_code, part, name, what
        )

    if not expected or not name:
        return problem("sans empreinte" if name else "manquant")
    try:
        actual = stored_sha256(name)
    except OSError:
        return problem("illisible")
    if actual is None:
        return problem("manquant")
    if actual != expected:
        return problem("altéré")
    return None


def _issued(organisation_slug: str | None) -> Iterator[Document]:
    documents = Document.objects.filter(status__in=ISSUED_STATUSES).select_related("organisation")
    if organisation_slug:
        documents = documents.filter(organisation__slug=organisation_slug)
    fields = ["title", "verification_code", "status", "file", "sha256", "signed_file", "signed_sha256"]
    return documents.order_by("pk").only(*fields, "organisation__slug").iterator(chunk_size=500)


def documents_verify(*, organisation_slug: str | None = None) -> tuple[int, list[Problem]]:
    """(number of files checked, problems) over every issued document, in one organisation if a slug is given."""
    checked, problems = 0, []
    for document in _issued(organisation_slug):
        parts = [("PDF définitif", document.file.name or "", document.sha256)]
        if document.signed_file.name or document.signed_sha256:
            parts.append(("PDF signé", document.signed_file.name or "", document.signed_sha256))
        for part, name, expected in parts:
            checked += 1
            found = _check(document, part=part, name=name, expected=expected)
            if found is not None:
                problems.append(found)
    return checked, problems
