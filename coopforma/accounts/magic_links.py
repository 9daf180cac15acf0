# SPDX-License-Identifier: AGPL-3.0-or-later
"""Magic links: a random token e-mailed to a person (portal access without a password); only its hash is kept."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from coopforma.accounts.models import MagicLink, Organisation

PORTAL_VALIDITY = timedelta(days=7)
# The browser session's key holding the portal's magic link id (public.views); the émargement link clears it,
# so that the last personal link opened on a phone says who the portal shows.
PORTAL_SESSION_KEY = "portal_link_id"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def magic_link_create(
    *, organisation: Organisation, email: str, purpose: str = "portal", validity: timedelta = PORTAL_VALIDITY
) -> tuple[MagicLink, str]:
    """A new link for `email`; returns the row and the clear token (to put in the e-mail, never stored)."""
    token = secrets.token_urlsafe(32)
    link = MagicLink.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        purpose=purpose,
        token_hash=token_hash(token),
        expires_at=timezone.now() + validity,
    )
    return link, token


def magic_link_consume(*, token: str, purpose: str = "portal") -> MagicLink | None:
    """The valid (unexpired) link for `token`, its use recorded; None for an unknown or expired token."""
    link = (
        MagicLink.objects.select_related("organisation")
        .filter(token_hash=token_hash(token), purpose=purpose, expires_at__gt=timezone.now())
        .first()
    )
    if link is not None:
        link.last_used_at = timezone.now()
        link.save(update_fields=["last_used_at", "updated_at"])
    return link


def magic_link_active(*, link_id: int | None, purpose: str = "portal") -> MagicLink | None:
    """The link a portal session holds, if it has not expired."""
    if not link_id:
        return None
    return (
        MagicLink.objects.select_related("organisation")
        .filter(pk=link_id, purpose=purpose, expires_at__gt=timezone.now())
        .first()
    )
