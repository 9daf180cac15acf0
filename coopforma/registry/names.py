# SPDX-License-Identifier: AGPL-3.0-or-later
"""The normalised form of a name, the same on every database: what the name search compares."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped, words joined by one space: « Société d'Été » -> "societe d ete"."""
    lower = text.lower()
    if not lower.isascii():
        lower = lower.replace("œ", "oe").replace("æ", "ae")
        lower = unicodedata.normalize("NFKD", lower).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(" ", lower).strip()


def search_form(name: str) -> str:
    """The stored search column: the normalised name with a leading space, so that " " + prefix finds a word."""
    return " " + normalise(name)


WORD_LENGTH = 40


def words(name: str) -> set[str]:
    """The distinct words of a name for the word index (one letter alone is left out; long words cut at 40)."""
    return {w[:WORD_LENGTH] for w in normalise(name).split() if len(w) > 1}
