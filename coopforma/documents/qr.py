# SPDX-License-Identifier: AGPL-3.0-or-later
"""The verification link of a document and its QR code (SVG, handed to typst through `sys.inputs`)."""

import io

import segno
from django.conf import settings


def verification_url(code: str) -> str:
    """The short public URL where anyone checks a document: {SITE_URL}/v/<code>."""
    return f"{settings.SITE_URL.rstrip('/')}/v/{code}"


def qr_svg(data: str) -> str:
    """A QR code as a standalone SVG document (black modules, 2-module quiet zone)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="svg", border=2, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("ascii")
