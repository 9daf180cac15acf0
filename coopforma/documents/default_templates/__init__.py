# SPDX-License-Identifier: AGPL-3.0-or-later
"""The default French texts of the document kinds: typst markup with Jinja keywords, one file per kind.

`_header.typ` (page set-up, the organisation's letterhead) is put in front of every kind's text, so that each
default template is self-contained (the template editor checks and stores a template as one text).
"""

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def load_header() -> str:
    """The page set-up and letterhead (logo, colour, identity) put in front of every default and simple template."""
    return (HERE / "_header.typ").read_text(encoding="utf-8")


@cache
def load_default(code: str) -> str:
    header = load_header()
    body = (HERE / f"{code}.typ").read_text(encoding="utf-8")
    return header + "\n" + body
