# SPDX-License-Identifier: AGPL-3.0-or-later
"""The référentiel competencies an offer from outside the member catalogues aims at (partner, LHEO, federated,
exchanges offers), for the map's filter and facet, the gaps by competency and the API (issue 16).

The member catalogues' offers keep their exact links (their trainings' objectives, referentiel's
ObjectiveCompetency). For the other offers, a network's competencies are suggested from the offer's title,
presentation and objectives by the référentiel's matching (referentiel/matching.py: French stems without accents,
a word of the competency's label counting double, one of its other names or observable criteria once): the three
best with a score of at least `MIN_SCORE` (one word of the label is not enough in a long text). The suggestions are
refreshed with the relevance score (`relevance.score_offers`, after each import or update, in bulk): the offer's
words are stemmed once per distinct word of the whole import, and looked up in an index of the competencies'
stems. Links confirmed by a moderator, set by the partner structure, or removed by a moderator are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coopforma.networks.models import Network
from coopforma.offers.models import CompetencyOrigin, OfferCompetency
from coopforma.referentiel import matching
from coopforma.referentiel import selectors as referentiel_selectors
from coopforma.referentiel.models import Item, ItemKind

MIN_SCORE = 3
_RAW_WORD = re.compile(r"\w+")
LIMIT = 3


@dataclass
class Matcher:
    """A network's competencies (latest published version) as an index stem → [(competency key, weight)]."""

    network: Network
    index: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    order: dict[Any, int] = field(default_factory=dict)  # key → position in the version (ties)
    _stems: dict[str, frozenset[str]] = field(default_factory=dict)  # word as written → its stems, for the run

    @classmethod
    def for_network(cls, network: Network) -> Matcher | None:
        """None when the network has no published référentiel (two queries)."""
        version = referentiel_selectors.latest_published(network=network)
        if version is None:
            return None
        matcher = cls(network=network)
        items = Item.objects.filter(version=version, kind=ItemKind.COMPETENCY).order_by("position", "pk")
        for position, (key, label, aliases, criteria) in enumerate(
            items.values_list("key", "label", "aliases", "criteria")
        ):
            matcher.order[key] = position
            in_label = matching.stems(label)
            others = matching.stems(" ".join(str(x) for x in [*(aliases or []), *(criteria or [])])) - in_label
            for stem in in_label:
                matcher.index.setdefault(stem, []).append((key, 2))
            for stem in others:
                matcher.index.setdefault(stem, []).append((key, 1))
        return matcher if matcher.index else None

    def stems(self, text: str) -> set[str]:
        """`matching.stems`, each distinct word of the run normalised and stemmed once."""
        found: set[str] = set()
        for raw in set(_RAW_WORD.findall(text.lower())):
            cached = self._stems.get(raw)
            if cached is None:
                cached = self._stems[raw] = frozenset(matching.stem(word) for word in matching.words(raw))
            found |= cached
        return found

    def suggest(self, text: str) -> list[tuple[Any, int]]:
        """The best competencies' keys for `text` with their score, best first (référentiel's order for ties)."""
        scores: dict[Any, int] = {}
        for stem in self.stems(text):
            for key, weight in self.index.get(stem, ()):
                scores[key] = scores.get(key, 0) + weight
        ranked = sorted(
            ((key, score) for key, score in scores.items() if score >= MIN_SCORE),
            key=lambda pair: (-pair[1], self.order[pair[0]]),
        )
        return ranked[:LIMIT]


def offer_text(title: str, summary: str, objectives: str) -> str:
    return f"{title}\n{summary}\n{objectives}"


def refresh(matcher: Matcher, offers: Iterable[tuple[int, str]]) -> int:
    """Bring the suggested links of `offers` ((id, text)) for the matcher's network up to date: one query to read
    them, then only what changed is deleted and inserted (an unchanged feed scored again writes nothing). How many
    suggestions the offers have."""
    offers = list(offers)
    if not offers:
        return 0
    wanted = {(pk, key, min(score, 32767)) for pk, text in offers for key, score in matcher.suggest(text)}
    existing = {
        (offer_id, key, score): pk
        for pk, offer_id, key, score in OfferCompetency.objects.filter(
            network=matcher.network,
            offer_id__in=[pk for pk, _text in offers],
            origin=CompetencyOrigin.SUGGESTED,
            removed=False,
        ).values_list("pk", "offer_id", "competency_key", "score")
    }
    stale = [pk for link, pk in existing.items() if link not in wanted]
    if stale:
        OfferCompetency.objects.filter(pk__in=stale).delete()
    # A confirmed, partner's or removed link of the same competency wins: its row stays, the suggestion is dropped.
    OfferCompetency.objects.bulk_create(
        [
            OfferCompetency(
                network=matcher.network,
                offer_id=offer_id,
                competency_key=key,
                origin=CompetencyOrigin.SUGGESTED,
                score=score,
            )
            for offer_id, key, score in sorted(wanted - existing.keys(), key=lambda link: (link[0], str(link[1])))
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(wanted)
