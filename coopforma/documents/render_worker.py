# SPDX-License-Identifier: AGPL-3.0-or-later
"""A render worker: the process where templates are rendered and typst compiles (started by `render_pool`).

`python -I render_worker.py <directory holding coopforma>`: imports typst, Jinja and PDFium, lays out a first page
(fonts loaded once), greets, then answers one job at a time read from its standard input until it closes. Before
each job it sets its CPU-time and address-space limits; while typst compiles it may open no file descriptor (no
socket, no file); it writes no core file. (Linux; where `resource` is missing, only the parent's wall-time limit
applies.) After a MemoryError or an unexpected error it answers and exits: the pool starts a fresh one.

Requests are pickled by the parent (trusted); answers are a JSON header followed by the byte strings it sizes.
"""

import contextlib
import json
import pickle
import struct
import sys
import traceback
import zlib
from collections.abc import Iterator
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - Windows: wall time only
    resource = None  # type: ignore[assignment]

_HEADER = struct.Struct(">I")
_MB = 1024 * 1024


def _set_limit(which: int, soft: int) -> None:
    if resource is None:  # pragma: no cover
        return
    try:
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):  # pragma: no cover - e.g. RLIMIT_AS on macOS: the wall time still applies
        pass


@contextlib.contextmanager
def no_new_files() -> Iterator[None]:
    """While typst compiles: no new file descriptor, so typst can open neither a file nor a socket (a package
    download fails before any connection). Python itself may open files between (lazy imports)."""
    if resource is None:  # pragma: no cover
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (3, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _limit(limits: dict[str, int]) -> None:
    if resource is None:  # pragma: no cover
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _set_limit(resource.RLIMIT_CPU, used + limits["cpu"])
    _set_limit(resource.RLIMIT_AS, limits["memory_mb"] * _MB)


def png(width: int, height: int, channels: int, stride: int, pixels: bytes) -> bytes:
    """Raw RGB(A) rows → a PNG file (filter 0 on every row, one IDAT chunk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = width * channels
    raw = b"".join(b"\x00" + pixels[y * stride : y * stride + row] for y in range(height))
    colour = 6 if channels == 4 else 2
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 3))
        + chunk(b"IEND", b"")
    )


def rasterise(pdfium: Any, pdf: bytes, *, first: int | None, ppi: float) -> tuple[list[bytes], int]:
    """The first `first` pages of `pdf` (all when None) as PNG, and its number of pages."""
    document = pdfium.PdfDocument(pdf)
    try:
        count = len(document)
        images = []
        for index in range(count if first is None else min(first, count)):
            page = document[index]
            bitmap = page.render(scale=ppi / 72, rev_byteorder=True)
            images.append(png(bitmap.width, bitmap.height, bitmap.n_channels, bitmap.stride, bytes(bitmap.buffer)))
            bitmap.close()
            page.close()
        return images, count
    finally:
        document.close()


def page_count(pdfium: Any, pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def handle(request: dict[str, Any], rendering: Any, pdfium: Any) -> tuple[dict[str, Any], list[bytes]]:
    limits = request["limits"]
    _limit(limits)
    try:
        if request["op"] == "markup":
            text = rendering.render_markup_here(request["source"], request["context"]).encode("utf-8")
            return {"ok": True, "sizes": [len(text)]}, [text]
        max_pages = request.get("max_pages") or limits["pages"]
        markup, inputs = request["markup"], request["inputs"]
        with no_new_files():
            pdf = rendering.compile_here(
                markup,
                inputs=inputs,
                tagged=request["op"] == "pdf" and request["tagged"],
                standard=request.get("standard", "") if request["op"] == "pdf" else "",
            )
        count = page_count(pdfium, pdf)
        blobs = [pdf] if request["op"] == "pdf" else []
        if count > max_pages:
            raise rendering.TemplateProblem(f"le document ferait {count} pages : {max_pages} au plus")
        if request["op"] == "png":
            blobs, count = rasterise(pdfium, pdf, first=request["first"], ppi=request["ppi"])
        return {"ok": True, "pages": count, "sizes": [len(blob) for blob in blobs]}, blobs
    except rendering.TemplateProblem as problem:
        return {
            "ok": False,
            "reason": "problem",
            "message": problem.message,
            "line": problem.line,
            "keyword": problem.keyword,
        }, []
    except MemoryError:
        return {"ok": False, "reason": "memory"}, []


def _send(stream: Any, header: dict[str, Any], blobs: list[bytes]) -> None:
    data = json.dumps(header).encode("utf-8")
    stream.write(_HEADER.pack(len(data)) + data)
    for blob in blobs:
        stream.write(blob)
    stream.flush()


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    import pypdfium2 as pdfium

    from coopforma.documents import rendering

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # only answers go to the parent's pipe
    # Warm up before confining: fonts, the typst compiler, PDFium (which may look for fonts on first use).
    rasterise(pdfium, rendering.compile_here("Coopforma"), first=1, ppi=10)
    rendering.render_markup_here("{{ x }}", {"x": 1})
    if resource is not None:
        _set_limit(resource.RLIMIT_CORE, 0)  # a worker killed on a limit leaves no core file
    _send(answers, {"ready": True}, [])
    while True:
        head = requests.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return  # the parent closed the pipe (or is gone)
        (length,) = _HEADER.unpack(head)
        request = pickle.loads(requests.read(length))  # noqa: S301 - from the parent process
        try:
            header, blobs = handle(request, rendering, pdfium)
        except Exception:
            traceback.print_exc()
            header, blobs = {"ok": False, "reason": "error"}, []
        _send(answers, header, blobs)
        if header.get("reason") in ("memory", "error"):
            return  # a fresh worker takes over


if __name__ == "__main__":
    main()
