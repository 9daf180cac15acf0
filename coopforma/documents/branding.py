# SPDX-License-Identifier: AGPL-3.0-or-later
"""The organisation's logo and main colour in every generated PDF.

They enter a document's context (`images.logo`, an SVG wrapping the PNG re-encoded at upload, and
`branding.color`, a validated `#rrggbb`), so they are part of its stored snapshot: finalising a draft redraws the
logo it was made with, and an issued document never changes when the logo or the colour changes later. The
engine passes them to typst as `sys.inputs` (`image_logo`, `brand_color`); the letterhead (`_header.typ`) reads them.
"""

import base64
import io
import re
from functools import lru_cache
from typing import Any

DEFAULT_COLOR = "#1d4e4a"
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@lru_cache(maxsize=16)
def logo_svg(png: bytes) -> str:
    """The logo (a PNG re-encoded at upload) wrapped in an SVG, the form in which the engine passes images."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    data = base64.b64encode(png).decode()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" xlink:href="data:image/png;base64,{data}"/></svg>'
    )


def brand_color(organisation: Any) -> str:
    color = str(getattr(organisation, "brand_color", "") or "")
    return color.lower() if HEX_COLOR.match(color) else DEFAULT_COLOR


def with_branding(context: dict[str, Any], organisation: Any) -> dict[str, Any]:
    """`context` completed with the organisation's logo and colour (a kind that put its own logo keeps it)."""
    images = dict(context.get("images") or {})
    logo = bytes(getattr(organisation, "logo", b"") or b"")
    if logo and "logo" not in images:
        images["logo"] = logo_svg(logo)
    branded = {**context, "branding": {"color": brand_color(organisation), **(context.get("branding") or {})}}
    if images:
        branded["images"] = images
    return branded


def branding_inputs(context: dict[str, Any]) -> dict[str, str]:
    """The typst inputs of a context's branding: its images (`image_<name>`) and its colour (`brand_color`)."""
    inputs = {f"image_{name}": str(svg) for name, svg in (context.get("images") or {}).items()}
    color = str((context.get("branding") or {}).get("color") or "")
    if HEX_COLOR.match(color):
        inputs["brand_color"] = color
    return inputs
