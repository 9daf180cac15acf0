# SPDX-License-Identifier: AGPL-3.0-or-later
"""Stored files sent to the browser: streamed in chunks (never whole in memory), and by byte range when asked
(a PDF viewer asks for the pages it shows first; a phone resumes a broken download)."""

import re
from typing import IO, Any

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Slice:
    """`length` bytes of an open file from `start`, read in the chunks FileResponse asks for; closes the file."""

    def __init__(self, handle: IO[bytes], start: int, length: int) -> None:
        handle.seek(start)
        self.handle = handle
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self.handle.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `bytes=` range, clipped to the file; None when there is no usable range header;
    (-1, -1) when it asks for nothing in the file (416)."""
    match = _RANGE.match(header.strip())
    if match is None or not any(match.groups()):
        return None  # several ranges or another unit: the whole file, as RFC 9110 allows
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        return (-1, -1)
    return start, end


def file_response(
    request: HttpRequest, handle: Any, *, content_type: str, filename: str, size: int | None = None
) -> HttpResponseBase:
    """The open file `handle` (closed once sent), inline, streamed; a `Range: bytes=…` GET gets 206 and only
    those bytes. `size` defaults to the file's own (`File.size`)."""
    size = size if size is not None else getattr(handle, "size", None)
    wanted = None
    if size and request.method in ("GET", "HEAD") and request.headers.get("Range"):
        wanted = _byte_range(request.headers["Range"], size)
    if wanted == (-1, -1):
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if wanted is None:
        response = FileResponse(handle, content_type=content_type, filename=filename, as_attachment=False)
    else:
        start, end = wanted
        response = FileResponse(
            _Slice(handle, start, end - start + 1), content_type=content_type, filename=filename, as_attachment=False
        )
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    if size:
        response["Accept-Ranges"] = "bytes"
    return response
