# SPDX-License-Identifier: AGPL-3.0-or-later
"""Requests whose body is too large are refused before it is read (413), anonymous ones included.

Placed early in MIDDLEWARE, before anything reads request.POST (the CSRF check does). The size is the one the
client announces (Content-Length): Django reads no more than that. A body sent without it (chunked) is refused
with 411: Django under WSGI would read none of it, and nothing then bounds it. Multipart bodies, the only ones
carrying files, may reach MAX_UPLOAD_BYTES; every other body MAX_REQUEST_BYTES (settings, from the environment).
The reverse proxy should enforce the same limit (nginx: client_max_body_size).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def body_limit(request: HttpRequest) -> int:
    """The largest body accepted for this request, in bytes."""
    if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/form-data"):
        return settings.MAX_UPLOAD_BYTES
    return settings.MAX_REQUEST_BYTES


def size_label(size: int) -> str:
    """20971520 → « 20 Mo », 2621440 → « 2,5 Mo », 2000 → « 2 Ko »."""
    megabytes = size / (1024 * 1024)
    if megabytes >= 1:
        return _("%(n)s Mo") % {"n": number_format(round(megabytes, 1) if megabytes % 1 else int(megabytes))}
    return _("%(n)s Ko") % {"n": number_format(max(1, round(size / 1024)))}


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before LocaleMiddleware: a refusal speaks the language the browser asks for.
        with translation.override(translation.get_language_from_request(request)):
            refusal = self._check(request)
        return refusal or self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        limit = body_limit(request)
        announced = request.META.get("CONTENT_LENGTH") or ""
        if announced:
            try:
                length = int(announced)
            except ValueError:
                length = -1
            if length < 0:
                return self._refuse(request, 400, _("La taille annoncée de la requête n'est pas valide."))
            if length > limit:
                return self._refuse(
                    request,
                    413,
                    _("La requête dépasse la taille maximale acceptée (%(max)s).") % {"max": size_label(limit)},
                )
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._refuse(
                request, 411, _("Envoyez la taille de la requête (en-tête Content-Length) : elle est obligatoire.")
            )
        return None

    def _refuse(self, request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            code = {400: "bad_request", 411: "length_required", 413: "request_too_large"}[status]
            # the API's error envelope (coopforma/api/errors.py; core may not import api)
            return JsonResponse({"detail": message, "code": code, "errors": []}, status=status)
        return render(request, "request_refused.html", {"message": message}, status=status)


INT64 = range(-(2**63), 2**63)


class OutOfRangeIdMiddleware:
    """An integer of the URL that no 64-bit column can hold (`/…/99999999999999999999/`) names no record: the
    branded 404 at once, before a view hands it to the database (SQLite raises OverflowError on it, a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: tuple, view_kwargs: dict
    ) -> None:
        if request.path.startswith(API_PREFIX):  # the API answers its own 404 in JSON (api/guards.py)
            return
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
                raise Http404(_("Cette adresse ne désigne aucun enregistrement."))
