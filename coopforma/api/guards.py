# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every API operation gets (applied once in api.py with `api.add_decorator`), after authentication and
the validation of its parameters, around the route's own code:

- values no column can hold: a NUL character or a lone surrogate (``"\\ud800"``, valid in JSON, not in UTF-8)
  in a text, an integer beyond 64 bits (±9.2 × 10^18), anywhere in the path, the query string or the JSON
  body, are refused with a 422 naming where they are: neither the database, the JSON encoder nor a PDF can
  store them, and they would otherwise end as a 500 wherever a route forgot to bound its input;
- all or nothing: a write (POST, PUT, PATCH, DELETE) runs in one transaction, rolled back when the route
  raises or answers an error (4xx), so that a route calling several services, or a service refusing after a
  first save, keeps nothing of a refused request.
"""

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import ValidationError

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


INT64 = range(-(2**63), 2**63)
_INTEGER = re.compile(r"[+-]?\d+")


def is_unsafe_text(value: str) -> bool:
    """True when `value` holds a NUL character or a lone surrogate (which UTF-8 cannot encode)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _is_huge(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value not in INT64


def _escaped(key: str) -> str:
    """A name holding unsafe characters, written so that it can be shown back (\\x00, \\ud800)."""
    return key.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _refused(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(where, why) of every value under `value` that no column can hold."""
    if isinstance(value, str):
        if is_unsafe_text(value):
            yield loc, "text"
        elif loc[0] != "body" and _INTEGER.fullmatch(value) and (len(value) > 20 or int(value) not in INT64):
            yield loc, "number"  # a query or path parameter: its type is the route's, read as an integer
    elif _is_huge(value):
        yield loc, "number"
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and is_unsafe_text(key):
                yield (*loc, _escaped(key)), "text"
            else:
                yield from _refused(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _refused(item, (*loc, index))


def refused_values(request: HttpRequest) -> list[dict[str, Any]]:
    """The 422 error items of the values in the request's path, query string and JSON body that no column
    can hold (see the module's docstring)."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if request.resolver_match:
        found.extend(_refused({k: str(v) for k, v in request.resolver_match.kwargs.items()}, ("path",)))
    for key, values in request.GET.lists():
        found.extend(_refused({key: values if len(values) > 1 else values[0]}, ("query",)))
    if request.method not in READ_METHODS and request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:  # ninja already refused an unreadable body (400); nothing to add
            body = None
        found.extend(_refused(body, ("body",)))
    messages = {
        "text": _("Caractère interdit : un caractère nul ou un code Unicode isolé (texte mal encodé)."),
        "number": _("Nombre trop grand."),
    }
    return [{"loc": list(loc), "msg": messages[why], "type": f"invalid_{why}"} for loc, why in found]


def guarded(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse what no column can hold (422), then run the route; a write in one transaction (see the module's
    docstring)."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = refused_values(request)
        if errors:
            raise ValidationError(errors)
        if request.method in READ_METHODS:
            return view_func(request, *args, **kwargs)
        with transaction.atomic():
            result = view_func(request, *args, **kwargs)
            status = getattr(result, "status_code", 200)  # a ninja Status or an HttpResponse
            if status >= 400:  # a refusal the route answered itself rather than raised
                transaction.set_rollback(True)
            return result

    return wrapper
