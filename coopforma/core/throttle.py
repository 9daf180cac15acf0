# SPDX-License-Identifier: AGPL-3.0-or-later
"""Throttling: who a request comes from, and the rate limits of the pages that send e-mails or check codes.

Failed logins are django-axes' job (config/settings.py, AXES_*). The other limits use django-ratelimit: each
`throttle("name", by=[...])` on a view counts its POSTs per client address ("ip"), per e-mail typed in the form
("email") and/or per link token of the URL ("token"), against `settings.THROTTLE_RATES["name:ip"]` etc.
("5/h", "20/15m"…; a missing rate means no limit of that kind). Counters live in the shared cache (CACHES), so
every web process counts together. Past a limit the answer is the French 429 page (`too_many_requests`).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

View = Callable[..., HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, only when BEHIND_PROXY is set, the last address of
    X-Forwarded-For (the one our own proxy appended: a client can put anything before it, not after it)."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a bucket for requests without an address


def rate(group: str, request: HttpRequest) -> str | None:
    """The configured rate of `group` ("portal_link:email"…), None when that limit is off."""
    return getattr(settings, "THROTTLE_RATES", {}).get(group) or None


def _by_ip(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def _by_email(group: str, request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().lower()


def _by_token(group: str, request: HttpRequest) -> str:
    match = request.resolver_match
    return str(match.kwargs.get("token", "")) if match else ""


KEYS: dict[str, Callable[[str, HttpRequest], str]] = {"ip": _by_ip, "email": _by_email, "token": _by_token}


def throttle(name: str, *, by: Iterable[str]) -> Callable[[View], View]:
    """Limit the POSTs of a view per each key kind of `by` (see the module docstring)."""

    def decorate(view: View) -> View:
        for kind in by:
            view = ratelimit(group=f"{name}:{kind}", key=KEYS[kind], rate=rate, method="POST", block=True)(view)
        return view

    return decorate


def too_many_requests(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """RATELIMIT_VIEW: the French page for a request over its limit, status 429."""
    return render(request, "429.html", status=429)
