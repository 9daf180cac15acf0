# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading a page's query string where no form does: what a link may carry (an id to preselect, a search), read
so that nothing typed in the address bar can end in a 500 (a "²" is a digit but no number, a NUL character
cannot be sent to PostgreSQL, an id beyond 64 bits cannot be looked up)."""

from django.http import HttpRequest

MAX_ID = 2**63 - 1


def query_id(request: HttpRequest, name: str) -> int | None:
    """The positive integer `name` of the query string, or None (absent, not written in ASCII digits, too big)."""
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        return None
    return int(value)


def query_text(request: HttpRequest, name: str) -> str:
    """The text `name` of the query string, stripped, without NUL characters."""
    return (request.GET.get(name) or "").replace("\x00", "").strip()
