# SPDX-License-Identifier: AGPL-3.0-or-later
"""Stored files streamed, whole or by byte range (core.files.file_response)."""

import io

import pytest
from django.test import RequestFactory

from coopforma.core.files import file_response

DATA = bytes(range(256)) * 40  # 10,240 bytes


class Handle(io.BytesIO):
    closed_once = False

    def close(self) -> None:
        type(self).closed_once = True
        super().close()


def _get(range_header: str = "") -> object:
    headers = {"HTTP_RANGE": range_header} if range_header else {}
    request = RequestFactory().get("/f.pdf", **headers)
    return file_response(request, Handle(DATA), content_type="application/pdf", filename="f.pdf", size=len(DATA))


def test_whole_file_is_streamed_and_says_it_accepts_ranges():
    response = _get()
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == DATA
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "application/pdf" and "inline" in response["Content-Disposition"]


@pytest.mark.django_db  # closing a response ends the request: Django then checks its database connections
def test_a_range_gives_206_and_only_those_bytes():
    response = _get("bytes=100-4199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-4199/{len(DATA)}" and response["Content-Length"] == "4100"
    assert b"".join(response.streaming_content) == DATA[100:4200]
    response.close()
    assert Handle.closed_once


def test_open_and_suffix_ranges():
    assert b"".join(_get("bytes=10000-").streaming_content) == DATA[10000:]
    tail = _get("bytes=-500")
    assert tail["Content-Range"] == f"bytes {len(DATA) - 500}-{len(DATA) - 1}/{len(DATA)}"
    assert b"".join(tail.streaming_content) == DATA[-500:]
    assert b"".join(_get("bytes=10000-99999").streaming_content) == DATA[10000:]  # clipped to the end


def test_a_range_outside_the_file_is_416_and_others_give_the_whole_file():
    refused = _get("bytes=20000-")
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{len(DATA)}"
    several = _get("bytes=0-10,20-30")  # several ranges: the whole file (allowed by RFC 9110)
    assert several.status_code == 200 and b"".join(several.streaming_content) == DATA
