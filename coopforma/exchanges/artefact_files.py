# SPDX-License-Identifier: AGPL-3.0-or-later
"""The file attached to a capitalisation artefact (a sheet, a story, a tool): what is accepted and how it is kept.

Accepted: PDF, OpenDocument text (ODT), Word (DOCX), JPEG, PNG and WebP images, plain text and Markdown (UTF-8),
10 Mo at most. The type is read from the content (its first bytes; for ODT and DOCX, the zip's directory), never
from the name or the browser's word: a script renamed `fiche.pdf` is refused. The stored name is random
(`exchanges/artefacts/<network id>/<32 hex>.<ext>`): nobody finds a file by guessing its path; it is sent only
through the pages that check who asks (`views/exchanges.py`) and the API."""

import io
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", "ODT")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
PNG = FileType("image/png", ".png", "PNG")
WEBP = FileType("image/webp", ".webp", "WebP")
TEXT = FileType("text/plain", ".txt", "TXT")
MARKDOWN = FileType("text/markdown", ".md", "Markdown")

BY_EXTENSION = {t.extension: t for t in (PDF, ODT, DOCX, JPEG, PNG, WEBP, TEXT, MARKDOWN)}


def _zip_type(data: bytes) -> FileType | None:
    """ODT (its first member `mimetype` names the type) or DOCX (`word/document.xml`), read from the zip's
    directory only (nothing is decompressed but the few bytes of `mimetype`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                if archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return ODT
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, NotImplementedError):
        return None
    return None


def _text_type(data: bytes, name: str) -> FileType | None:
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return MARKDOWN if name.lower().endswith((".md", ".markdown")) else TEXT


def sniff(data: bytes, name: str = "") -> FileType | None:
    """The accepted type of `data` read from its content (the name only tells Markdown from plain text)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return _text_type(data, name)


def read_upload(upload: Any) -> tuple[bytes, FileType]:
    """The bytes and type of an uploaded file, or a French ValidationError on `file` (nothing is written)."""
    name = str(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    too_big = ValidationError(
        {"file": _("« %(name)s » dépasse %(max)s Mo : déposez une version plus légère.") % {"name": name, "max": 10}}
    )
    if size is not None and size > MAX_BYTES:
        raise too_big
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_big
    if not data:
        raise ValidationError({"file": _("« %(name)s » est vide.") % {"name": name}})
    found = sniff(data, name)
    if found is None:
        raise ValidationError(
            {
                "file": _(
                    "« %(name)s » n'est pas un fichier accepté : PDF, ODT, DOCX, image JPEG, PNG ou WebP, "
                    "texte ou Markdown."
                )
                % {"name": name}
            }
        )
    return data, found


def storage_name(*, network_id: int, file_type: FileType) -> str:
    """A random path (not guessable from the artefact's id or title)."""
    return f"exchanges/artefacts/{network_id}/{uuid.uuid4().hex}{file_type.extension}"


def file_type_of(stored_name: str | None) -> FileType:
    """The type of a stored file (its extension was chosen from its content when it was stored)."""
    name = stored_name or ""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return BY_EXTENSION.get(extension, FileType("application/octet-stream", "", ""))


def download_response(stored_name: str | None, *, title: str) -> FileResponse:
    """The stored file as a download named after the artefact's title (never inline: no uploaded content runs in
    our pages), with the type read from its content when it was stored; 404 when there is none."""
    if not stored_name:
        raise Http404
    file_type = file_type_of(stored_name)
    try:
        handle = default_storage.open(stored_name, "rb")
    except OSError as exc:  # the record outlived its file (a restore without the media): nothing to send
        raise Http404 from exc
    filename = (slugify(title) or "capitalisation")[:80] + file_type.extension
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=file_type.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
