# SPDX-License-Identifier: AGPL-3.0-or-later
"""The rotating QR code: a signed (slot id, 45-second window) token, valid for the current and previous window.

A photo of the screen sent to an absent friend stops working within 45 to 90 seconds.
"""

import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WINDOW_SECONDS = 45
SALT = "coopforma.attendance.qr"


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def qr_token(slot_id: int, *, now: float | None = None) -> str:
    return signing.dumps({"s": slot_id, "w": current_window(now)}, salt=SALT)


def qr_slot_id(token: str, *, now: float | None = None) -> int:
    """The slot id of a valid token; ValidationError (with a message for the phone) otherwise."""
    try:
        data = signing.loads(token, salt=SALT)
        slot_id, window = int(data["s"]), int(data["w"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            {"qr": _("Ce QR code n'est pas valide. Scannez celui affiché par votre formateur·rice.")},
            code="qr_invalid",
        ) from None
    current = current_window(now)
    if window not in (current, current - 1):
        raise ValidationError(
            {"qr": _("Ce QR code a expiré. Scannez celui affiché en ce moment à l'écran.")}, code="qr_expired"
        )
    return slot_id
