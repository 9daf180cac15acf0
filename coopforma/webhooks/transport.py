# SPDX-License-Identifier: AGPL-3.0-or-later
"""Where a webhook may go, and the one HTTP request that takes it there (urllib: no new dependency).

An endpoint is an address on the public Internet reached over HTTPS. Addresses of the server itself or of a
private network (localhost, 10.x, 192.168.x, 169.254.x — cloud metadata —, ::1…) are refused when the endpoint
is saved and again when it is called (the name may resolve elsewhere by then), and redirects are not followed:
otherwise an organisation could make our server call its neighbours (SSRF). Only a development server
(settings.DEBUG) or the tests (settings.WEBHOOKS_ALLOW_LOCAL) may use http://127.0.0.1 or http://localhost.
"""

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coopforma.core.links import is_public_address

TIMEOUT_SECONDS = 5
EXCERPT_CHARS = 1000
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def local_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_LOCAL", False))


def endpoint_url_check(url: str) -> str:
    """`url` cleaned, or ValidationError({"url": …}) saying why it cannot receive webhooks."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise ValidationError({"url": _("Adresse invalide.")}, code="invalid") from None
    if not host:
        raise ValidationError({"url": _("Adresse invalide.")}, code="invalid")
    if parts.username or parts.password:
        raise ValidationError(
            {"url": _("L'adresse ne doit pas contenir d'identifiant ni de mot de passe.")}, code="credentials"
        )
    local = host in LOCAL_HOSTS or host.endswith(".localhost")
    if local and local_allowed():
        if parts.scheme not in ("http", "https"):
            raise ValidationError({"url": _("L'adresse doit commencer par https://.")}, code="scheme")
        return url
    if parts.scheme != "https":
        raise ValidationError({"url": _("L'adresse doit commencer par https://.")}, code="scheme")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass  # a name: checked below, and again, resolved, when it is called
    else:
        if not is_public_address(host):
            raise ValidationError(
                {"url": _("L'adresse doit être joignable sur Internet (pas une adresse privée ou réservée).")},
                code="private",
            )
        return url
    if local or host.endswith((".local", ".internal", ".lan", ".home.arpa")) or "." not in host:
        raise ValidationError(
            {"url": _("L'adresse doit être joignable sur Internet (pas une machine locale ou interne).")},
            code="private",
        )
    return url


class DeliveryError(Exception):
    """The request could not be made or had no answer (refused address, DNS, connection, timeout, TLS)."""


@dataclass(frozen=True)
class Response:
    status_code: int
    excerpt: str
    duration_ms: int


def _destination_check(url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.lower() in LOCAL_HOSTS and local_allowed():
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise DeliveryError(_("Nom introuvable : %(host)s") % {"host": host}) from exc
    for info in infos:
        if not is_public_address(str(info[4][0])):
            raise DeliveryError(_("Adresse refusée (privée ou réservée) : %(host)s") % {"host": host})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: recorded, not followed


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body` to `url` (short timeout, no redirect); the answer's status and first characters."""
    endpoint_url_check(url)
    _destination_check(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked above
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            status, raw = answer.status, answer.read(EXCERPT_CHARS * 4)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, (exc.read(EXCERPT_CHARS * 4) if exc.fp else b"")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{type(exc).__name__}: {reason}"[:500]) from exc
    duration = int((time.monotonic() - started) * 1000)
    return Response(status, raw.decode("utf-8", "replace")[:EXCERPT_CHARS], duration)
