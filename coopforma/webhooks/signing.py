# SPDX-License-Identifier: AGPL-3.0-or-later
"""The signature of a delivery: `Coopforma-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.

The timestamp is inside what is signed, so a receiver refuses an old message replayed by someone who caught it
(docs/api.md shows how to verify, with the tolerance to apply).
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of generated secrets


def secret_new() -> str:
    """A new signing secret (256 bits of randomness)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" with `secret`."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def signature_verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """Whether `header` signs `body` with `secret`, made at most `tolerance` seconds before or after `now`
    (what a receiver does; the documentation's snippet is this function)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))
