# SPDX-License-Identifier: AGPL-3.0-or-later
"""Secrets the application must use again later (not only compare), encrypted at rest.

Fernet with a key derived from SECRET_KEY and a purpose, so that each use has its own key: a value sealed for
one purpose cannot be opened as another. Changing SECRET_KEY makes every sealed value unreadable (`unseal_text`
then answers ""), which is the intended failure: rotate the secrets after rotating the key.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet(purpose: str) -> Fernet:
    digest = hashlib.sha256(f"coopforma.{purpose}:".encode() + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_text(value: str, *, purpose: str) -> str:
    """`value` encrypted for `purpose`."""
    return _fernet(purpose).encrypt(value.encode()).decode()


def unseal_text(sealed: str, *, purpose: str) -> str:
    """The value of `seal_text`; "" when it cannot be read (another purpose, SECRET_KEY changed, damaged)."""
    if not sealed:
        return ""
    try:
        return _fernet(purpose).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return ""
