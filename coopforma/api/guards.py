# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every API operation gets (applied once in api.py with `api.add_decorator`), after authentication and
the validation of its parameters, around the route's own code:

- text hygiene: a NUL character or a lone surrogate (``"\\ud800"``, valid in JSON, not in UTF-8) anywhere in
  the query string or the JSON body is refused with a 422 naming where it is: neither the database, the
  JSON encoder nor a PDF can store them, and they would otherwise end as a 500;
- all or nothing: a write (POST, PUT, PATCH, DELETE) runs in one transaction, so that a route calling several
  services, or a service refusing after a first save, keeps nothing of a refused request.
"""

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import ValidationError

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_unsafe_text(value: str) -> bool:
    """True when `value` holds a NUL character or a lone surrogate (which UTF-8 cannot encode)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _escaped(key: str) -> str:
    """A name holding unsafe characters, written so that it can be shown back (\\x00, \\ud800)."""
    return key.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _unsafe_locations(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if is_unsafe_text(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and is_unsafe_text(key):
                yield (*loc, _escaped(key))
            else:
                yield from _unsafe_locations(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unsafe_locations(item, (*loc, index))


def unsafe_text_errors(request: HttpRequest) -> list[dict[str, Any]]:
    """The 422 error items of every NUL or lone surrogate in the request's query string and JSON body."""
    locations = [
        loc
        for key, values in request.GET.lists()
        for loc in _unsafe_locations({key: values if len(values) > 1 else values[0]}, ("query",))
    ]
    if request.method not in READ_METHODS and request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:  # ninja already refused an unreadable body (400); nothing to add
            body = None
        locations.extend(_unsafe_locations(body, ("body",)))
    message = _("Caractère interdit : un caractère nul ou un code Unicode isolé (texte mal encodé).")
    return [{"loc": list(loc), "msg": message, "type": "invalid_characters"} for loc in locations]


def guarded(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse unsafe text (422), then run the route; a write in one transaction (see the module's docstring)."""

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        errors = unsafe_text_errors(request)
        if errors:
            raise ValidationError(errors)
        if request.method in READ_METHODS:
            return view_func(request, *args, **kwargs)
        with transaction.atomic():
            return view_func(request, *args, **kwargs)

    return wrapper
