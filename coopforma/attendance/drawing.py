# SPDX-License-Identifier: AGPL-3.0-or-later
"""The optional drawn signature of a trainee's émargement: a small PNG, checked before anything is recorded.

The phone sends the canvas as a `data:image/png;base64,…` URL. Refused: anything but a PNG that Pillow reads
completely, over `MAX_BYTES` or `MAX_WIDTH` × `MAX_HEIGHT` pixels (a signature box, not a photo).
"""

import base64
import binascii
import hashlib
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 100_000
MAX_WIDTH = 1200
MAX_HEIGHT = 600
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PREFIX = "data:image/png;base64,"


def _refused(message: str) -> ValidationError:
    return ValidationError({"drawing": message}, code="drawing_invalid")


def drawing_from_data_url(value: str | None) -> bytes | None:
    """The PNG bytes of a posted data URL; None when nothing was drawn."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.startswith(_PREFIX) or len(value) > len(_PREFIX) + MAX_BYTES * 4 // 3 + 4:
        raise _refused(_("La signature dessinée est trop grande ou illisible : effacez-la et recommencez."))
    try:
        data = base64.b64decode(value[len(_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise _refused(_("La signature dessinée n'est pas lisible : effacez-la et recommencez.")) from None
    return check_png(data)


def check_png(data: bytes) -> bytes:
    """`data` if it is a PNG within the limits; ValidationError (French, for the phone) otherwise."""
    if len(data) > MAX_BYTES:
        raise _refused(_("La signature dessinée est trop grande : effacez-la et recommencez."))
    if not data.startswith(PNG_SIGNATURE):
        raise _refused(_("La signature dessinée n'est pas une image PNG."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width > MAX_WIDTH or image.height > MAX_HEIGHT:
                raise _refused(_("La signature dessinée est trop grande : effacez-la et recommencez."))
            image.load()  # decodes every pixel: a truncated or corrupt file is refused here
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise _refused(_("La signature dessinée n'est pas lisible : effacez-la et recommencez.")) from None
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def as_svg(data: bytes, *, width: int = 160, height: int = 60) -> str:
    """The PNG wrapped in an SVG (typst reads images from `sys.inputs` strings: the PDFs embed it this way)."""
    encoded = base64.b64encode(data).decode()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" preserveAspectRatio="xMidYMid meet" '
        f'href="data:image/png;base64,{encoded}"/></svg>'
    )
