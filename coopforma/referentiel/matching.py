# SPDX-License-Identifier: AGPL-3.0-or-later
"""Suggest the competencies a training's objective aims at: the words of the objective against the label, the
other names and the observable criteria of each competency, compared as French stems without accents
(« animer », « animation » and « Animé » meet at « anim »), the label counting double."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer

from coopforma.catalogue.search import normalise

_stemmer = snowballstemmer.stemmer("french")
_WORD = re.compile(r"[a-z0-9]+")
# Words every objective has (« être capable de mettre en œuvre les… »): they say nothing of the competency.
_STOPWORDS_TEXT = """
au aux avec ce ces dans de des du elle en et etre eux il ils je la le les leur leurs lui ma mais me meme mes moi mon
ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous afin
ainsi avoir cette cet capable capables savoir etc selon lors entre sans sous tout tous toute toutes mettre oeuvre faire
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words(text: str) -> set[str]:
    """The meaningful words of `text`, without accents (3 letters or more, no stop word)."""
    return {w for w in _WORD.findall(normalise(text)) if len(w) > 2 and w not in STOPWORDS}


def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str) -> set[str]:
    """The stems of the meaningful words of `text` (3 letters or more, no stop word)."""
    return set(_stemmer.stemWords(sorted(words(text))))


@dataclass(frozen=True)
class Suggestion:
    competency_id: int
    score: int
    shared: tuple[str, ...]  # the stems in common, for the curious


def rank(objective: str, candidates: Iterable[tuple[int, str, Iterable[str]]], *, limit: int = 3) -> list[Suggestion]:
    """The `limit` best candidates `(id, label, [aliases and criteria])` for `objective`, best first; a
    candidate sharing no stem is never suggested. Ties keep the candidates' order (the référentiel's)."""
    wanted = stems(objective)
    if not wanted:
        return []
    found: list[Suggestion] = []
    for competency_id, label, others in candidates:
        in_label = wanted & stems(label)
        in_others = wanted & stems(" ".join(others))
        score = 2 * len(in_label) + len(in_others - in_label)
        if score:
            found.append(Suggestion(competency_id, score, tuple(sorted(in_label | in_others))))
    found.sort(key=lambda s: -s.score)  # stable: ties stay in the référentiel's order
    return found[:limit]
