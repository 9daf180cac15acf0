# SPDX-License-Identifier: AGPL-3.0-or-later
"""Query parameters shared by the routes, bounded so that no value reaches the database out of its range
(an offset of 2^63 or a year 99999 would otherwise end as a 500): out of bounds is a 422 naming the parameter.
"""

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000

# The years the pages accept in their filters and the BPF exists for (reporting.selectors.MIN_YEAR/MAX_YEAR).
FilterYear = Annotated[int, Field(ge=2000, le=2100, description="a year from 2000 to 2100")]


class Pagination(LimitOffsetPagination):
    """`limit` (1–1000, default 100; a route may serve fewer: its `max_limit`) and `offset` (0–10^9)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, max_limit: int = MAX_LIMIT, **kwargs: Any) -> None:
        super().__init__(max_limit=max_limit, **kwargs)


def coded(choices: type[Any], *, default: Any = ..., what: str = "") -> Any:
    """A coded field (a Django TextChoices), documented in the OpenAPI schema with its values (`enum`) and each
    value's French label; validated by the service, which refuses an unknown code with a French message."""
    labels = "; ".join(f"`{value}`: {label}" for value, label in choices.choices)
    description = f"{what + ' — ' if what else ''}one of: {labels}"
    values = list(choices.values)
    if default is not ... and default == "":
        values = ["", *values]
    return Field(default, description=description, json_schema_extra={"enum": values})
