# SPDX-License-Identifier: AGPL-3.0-or-later
"""Which BOAMP notices are about training, and how a watch profile scores a notice.

CPV codes: Common Procurement Vocabulary, CPV 2008 (Regulation (EC) No 213/2008), French labels of the
regulation's annex; see docs/tenders.md and /shared/domain/cooperation.md §5.2. A notice is kept when one of its
CPV codes (main, additional, lots) is in `TRAINING_CPV`, or in `NEIGHBOUR_CPV` with a training word in its
object, or when its object alone says training (`TRAINING_WORDS`), or when it rectifies, cancels or awards a kept
notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from coopforma.offers.relevance import WORD, normalise, stem

# A code is kept when it starts with one of these (805: the whole « services de formation » family).
TRAINING_CPV_PREFIXES = ("805", "79632000", "79633000", "80400000", "80420000")
# Often used for training, but not only: kept when the object also says training.
NEIGHBOUR_CPV_PREFIXES = ("79998000", "79411100", "73200000")

CPV_LABELS = {
    "80500000": _("Services de formation"),
    "80510000": _("Services de formation spécialisée"),
    "80511000": _("Services de formation du personnel"),
    "80520000": _("Installations de formation"),
    "80521000": _("Services relatifs aux programmes de formation"),
    "80522000": _("Séminaires de formation"),
    "80530000": _("Services de formation professionnelle"),
    "80531000": _("Services de formation industrielle et technique"),
    "80531100": _("Services de formation industrielle"),
    "80531200": _("Services de formation technique"),
    "80532000": _("Services de formation à la gestion"),
    "80533000": _("Services de familiarisation et de formation à l'utilisation d'ordinateurs"),
    "80533100": _("Services de formation informatique"),
    "80533200": _("Cours d'informatique"),
    "80540000": _("Services de formation en matière d'environnement"),
    "80550000": _("Services de formation en matière de sécurité"),
    "80560000": _("Services de formation dans le domaine de la santé et formation de secouristes"),
    "80561000": _("Services de formation dans le domaine de la santé"),
    "80562000": _("Services de formation de secouristes"),
    "80570000": _("Services de formation en développement personnel"),
    "80580000": _("Organisation de cours de langues"),
    "80590000": _("Services de tutorat"),
    "79632000": _("Services de formation du personnel"),
    "79633000": _("Services de perfectionnement du personnel"),
    "79998000": _("Services de coaching"),
    "80400000": _("Services d'enseignement pour adultes et autres services d'enseignement"),
    "80420000": _("Services d'apprentissage électronique"),
    "79411100": _("Services de conseil en développement des entreprises"),
    "73200000": _("Services de conseil en recherche et développement"),
}

# Words of an object (normalised: lower case, no accents) that say training.
TRAINING_WORDS = re.compile(
    r"\b(formations?|formation-action|accompagnement|tutorat|coaching|professionnalisation"
    r"|montee en competences?|apprentissage)\b"
)


def cpv_label(code: str) -> str:
    """The French label of a CPV code (8 digits), or "" when it is not one of the training codes."""
    label = CPV_LABELS.get(code)
    return str(label) if label else ""


def is_training(cpv_codes: Iterable[str], text: str) -> bool:
    codes = list(cpv_codes)
    if any(code.startswith(TRAINING_CPV_PREFIXES) for code in codes):
        return True
    says_training = bool(TRAINING_WORDS.search(normalise(text)))
    if any(code.startswith(NEIGHBOUR_CPV_PREFIXES) for code in codes):
        return says_training
    return says_training


def search_words(*texts: str) -> str:
    """The stems of the words of `texts`, space-separated with a space on each side (keyword matching)."""
    stems = {stem(word) for text in texts for word in WORD.findall(normalise(text))}
    return " " + " ".join(sorted(stems)) + " " if stems else ""


def split_terms(text: str) -> list[str]:
    """A profile's keywords, CPV prefixes or départements as typed: one per line, or separated by commas."""
    return [part.strip() for part in re.split(r"[\n,;]", text or "") if part.strip()]


def split_codes(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[str, ...]


SCORE_CPV = 3
SCORE_KEYWORD = 2
SCORE_DEPARTEMENT = 1
SCORE_RESERVED = 5


def keyword_stems(keyword: str) -> list[str]:
    return [stem(word) for word in WORD.findall(normalise(keyword))]


def _has_stem(words: str, root: str) -> bool:
    """The root is one of the words' stems, or (4 letters or more) the start of one: « cooper » finds
    « cooperat » (coopératives)."""
    return f" {root} " in words or (len(root) >= 4 and f" {root}" in words)


def match(profile: object, notice: object) -> Match | None:
    """How well `notice` fits `profile` (None: it does not). Hard filters: départements, amount range; then
    a CPV prefix or a keyword must match when the profile names any; a reserved ESS contract comes first when
    the profile asks so."""
    departements = set(split_codes(getattr(profile, "departements", "")))
    notice_deps = set(getattr(notice, "departements", []) or [])
    if departements and not departements & notice_deps:
        return None
    amount = getattr(notice, "amount_cents", None)
    low, high = getattr(profile, "min_amount_cents", None), getattr(profile, "max_amount_cents", None)
    if amount is not None and ((low is not None and amount < low) or (high is not None and amount > high)):
        return None
    score, reasons = 0, []
    prefixes = [p.split("-")[0] for p in split_codes(getattr(profile, "cpv_prefixes", ""))]
    codes = getattr(notice, "cpv_codes", []) or []
    matched_codes = sorted({c for c in codes for p in prefixes if c.startswith(p)})
    if matched_codes:
        score += SCORE_CPV
        reasons.append(str(_("CPV %(codes)s")) % {"codes": ", ".join(matched_codes)})
    keywords = split_terms(getattr(profile, "keywords", ""))
    words = getattr(notice, "search_text", "") or ""
    for keyword in keywords:
        stems = keyword_stems(keyword)
        if stems and all(_has_stem(words, s) for s in stems):
            score += SCORE_KEYWORD
            reasons.append(f"« {keyword} »")
    if (prefixes or keywords) and score == 0:
        return None
    if departements:
        score += SCORE_DEPARTEMENT
    if getattr(notice, "reserved_ess", False) and getattr(profile, "reserved_first", False):
        score += SCORE_RESERVED
        reasons.append(str(_("marché réservé à l'ESS")))
    return Match(score=score, reasons=tuple(reasons))
