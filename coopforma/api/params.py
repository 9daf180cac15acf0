# SPDX-License-Identifier: AGPL-3.0-or-later
"""Query parameters shared by the routes, bounded so that no value reaches the database out of its range
(an offset of 2^63 or a year 99999 would otherwise end as a 500): out of bounds is a 422 naming the parameter;
and the one pagination of every list (`paged`).
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate

MAX_LIMIT = 1000  # the largest `limit` accepted (beyond: 422)
PAGE_MAX = 200  # the most items a page holds, whatever the `limit`
DEFAULT_LIMIT = 100
MAX_OFFSET = 1_000_000_000

# The years the pages accept in their filters and the BPF exists for (reporting.selectors.MIN_YEAR/MAX_YEAR).
FilterYear = Annotated[int, Field(ge=2000, le=2100, description="a year from 2000 to 2100")]


class Pagination(LimitOffsetPagination):
    """The API's one pagination: `{"items": [...], "count": <all the items>}`, with `limit` (1–1000, default 100;
    a page holds at most 200 items) and `offset` (0–10^9)."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page (at most {PAGE_MAX} are served)"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items skipped")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=PAGE_MAX, **kwargs)


V = TypeVar("V", bound=Callable[..., Any])


def paged(view_func: V) -> V:
    """Paginate a list route with `Pagination` (every list route does: test_routes.py checks it). The route
    returns a queryset or a list; its `response` is `list[ItemOut]`."""
    wrapped = paginate(Pagination)(view_func)
    wrapped.paged = True
    return wrapped


def coded(choices: type[Any], *, default: Any = ..., what: str = "") -> Any:
    """A coded field (a Django TextChoices), documented in the OpenAPI schema with its values (`enum`) and each
    value's French label; validated by the service, which refuses an unknown code with a French message."""
    labels = "; ".join(f"`{value}`: {label}" for value, label in choices.choices)
    description = f"{what + ' — ' if what else ''}one of: {labels}"
    values = list(choices.values)
    if default is not ... and default == "":
        values = ["", *values]
    return Field(default, description=description, json_schema_extra={"enum": values})
