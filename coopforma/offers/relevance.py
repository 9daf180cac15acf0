# SPDX-License-Identifier: AGPL-3.0-or-later
"""What is "on cooperation" for a network: an offer's score from the network's rule set, with its reasons.

The rule set (`RelevanceRules`) lists Formacodes, NSF codes, French keywords and organisations known to the
network (SIRET), each with a weight, and two thresholds. Keywords are matched without accents and with a light
French stemming: each word of a keyword is reduced to its Snowball stem (« coopératives » → « cooper ») and
matches any word of the text made of that stem and a short ending (« coopération », « coopérer »); acronyms and
short words (ESS, CAE, Scop) match as whole words. The keywords are compiled into two dictionaries (first words,
exact or by stem), so each distinct word of an offer is looked up once: `score_offers` scores 300,000 offers in
bulk after an import.

An offer entered by one of the network's partner structures and published by its moderators is shown
(moderated already), and so are the network's own exchanges of know-how (source `exchanges-<network>`, published
with their members' consent). The moderators' decisions (`OfferRelevance.decision`) are never touched here: they win.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import snowballstemmer
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core.compat import task
from coopforma.networks.models import Network
from coopforma.offers import competencies
from coopforma.offers.models import (
    CompetencyOrigin,
    Offer,
    OfferCompetency,
    OfferRelevance,
    OfferStatus,
    RelevanceRules,
    RelevanceVerdict,
    SourceKind,
)

CHUNK = 2000
# A stem matches a word made of it and at most this many more letters (coopér|atives).
SUFFIX = 6
# Words this short (or written in capitals in the rule set) are acronyms: matched as whole words, plural allowed.
SHORT = 4
MEMO_SIZE = 200_000

_stemmer = snowballstemmer.stemmer("french")


# Punctuation that separates words and that the ASCII fold below would drop (gluing « l’ESS » into « less »).
_SEPARATORS = (("’", "'"), ("–", " "), ("—", " "), ("«", " "), ("»", " "), ("·", ""), ("œ", "oe"), ("Œ", "oe"))


def normalise(text: str) -> str:
    """Lower case, ASCII, without accents (« Coopérative » → « cooperative »); C speed (NFKD, then ASCII)."""
    text = text or ""
    if not text.isascii():
        for char, replacement in _SEPARATORS:  # str.replace is C speed; a translate table with strings is not
            if char in text:
                text = text.replace(char, replacement)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.lower()


def stem(word: str) -> str:
    return str(_stemmer.stemWord(normalise(word)))


WORD = re.compile(r"[a-z0-9]+")


def _word_matcher(word: str, acronym: bool) -> tuple[str, str]:
    """("exact", word) for an acronym or a short word (plural in s or x allowed), ("stem", root) otherwise."""
    if acronym or len(word) <= SHORT:
        return ("exact", word)
    return ("stem", stem(word))


def _matches(matcher: tuple[str, str], token: str) -> bool:
    kind, value = matcher
    if kind == "exact":
        return token == value or (len(token) == len(value) + 1 and token[:-1] == value and token[-1] in "sx")
    return token.startswith(value) and len(token) - len(value) <= SUFFIX


@dataclass(frozen=True)
class Compiled:
    network_id: int
    rules: RelevanceRules
    keyword_labels: tuple[str, ...]
    keyword_words: tuple[tuple[tuple[str, str], ...], ...]  # each keyword's word matchers
    exact_index: dict[str, tuple[int, ...]]  # a token (and its plurals) -> keywords whose first word it is
    stem_index: dict[str, tuple[int, ...]]  # a root -> keywords whose first word has that stem
    root_lengths: tuple[int, ...]
    formacodes: frozenset[str]
    nsf_codes: tuple[str, ...]
    sirets: frozenset[str]
    sirens: frozenset[str]
    # token -> the keywords it may start (a national feed's vocabulary repeats: each word is analysed once).
    memo: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def _candidates(self, token: str) -> tuple[int, ...]:
        known = self.memo.get(token)
        if known is not None:
            return known
        candidates: list[int] = []
        for plural in (token, token[:-1] if token[-1:] in ("s", "x") else ""):
            candidates.extend(self.exact_index.get(plural, ()))
        for length in self.root_lengths:
            if length <= len(token) <= length + SUFFIX:
                candidates.extend(self.stem_index.get(token[:length], ()))
        if len(self.memo) > MEMO_SIZE:
            self.memo.clear()
        self.memo[token] = result = tuple(candidates)
        return result

    def keywords_in(self, text: str) -> list[str]:
        """The keywords found in `text`, in the order of the rule set.

        Each distinct word of the text is looked up once in two dictionaries (the first words of the keywords,
        exact or by stem); a keyword of several words is then checked at the positions of its first word.
        """
        tokens = WORD.findall(normalise(text))
        found: set[int] = set()
        for token in set(tokens):
            for index in self._candidates(token):
                if index in found:
                    continue
                words = self.keyword_words[index]
                if len(words) == 1:
                    found.add(index)
                    continue
                for position, value in enumerate(tokens):
                    if value == token and all(
                        position + offset < len(tokens) and _matches(matcher, tokens[position + offset])
                        for offset, matcher in enumerate(words[1:], start=1)
                    ):
                        found.add(index)
                        break
        return [self.keyword_labels[i] for i in sorted(found)]


def compile_rules(rules: RelevanceRules) -> Compiled:
    labels: list[str] = []
    all_words: list[tuple[tuple[str, str], ...]] = []
    exact: dict[str, list[int]] = {}
    stems: dict[str, list[int]] = {}
    for keyword in rules.keywords:
        words = WORD.findall(normalise(str(keyword)))
        if not words:
            continue
        acronym = str(keyword).strip().isupper()
        matchers = tuple(_word_matcher(word, acronym) for word in words)
        if matchers in all_words:  # « coopérative » and « coopération » share their stem: one keyword
            continue
        index = len(labels)
        labels.append(str(keyword).strip())
        all_words.append(matchers)
        kind, value = matchers[0]
        (exact if kind == "exact" else stems).setdefault(value, []).append(index)
    sirets = frozenset(str(s).replace(" ", "") for s in rules.known_sirets if str(s).strip())
    return Compiled(
        network_id=rules.network_id,
        rules=rules,
        keyword_labels=tuple(labels),
        keyword_words=tuple(all_words),
        exact_index={k: tuple(v) for k, v in exact.items()},
        stem_index={k: tuple(v) for k, v in stems.items()},
        root_lengths=tuple(sorted({len(root) for root in stems})),
        formacodes=frozenset(str(c).strip() for c in rules.formacodes if str(c).strip()),
        nsf_codes=tuple(str(c).strip().lower() for c in rules.nsf_codes if str(c).strip()),
        sirets=frozenset(s for s in sirets if len(s) == 14),
        sirens=frozenset(s for s in sirets if len(s) == 9),
    )


@dataclass(frozen=True)
class Score:
    score: int
    reasons: list[str]
    verdict: str


def verdict_for(rules: RelevanceRules, score: int) -> str:
    if score >= rules.high_threshold:
        return RelevanceVerdict.SHOWN
    if score >= rules.low_threshold:
        return RelevanceVerdict.QUEUE
    return RelevanceVerdict.HIDDEN


def score_values(
    compiled: Compiled,
    *,
    text: str,
    formacodes: Iterable[str],
    nsf_codes: Iterable[str],
    provider_siret: str,
    own_partner: bool = False,
    own_exchanges: bool = False,
) -> Score:
    """The score of one offer's values, with one French sentence per reason."""
    rules = compiled.rules
    if own_partner:
        reason = _("Offre d'une structure partenaire du réseau, publiée par ses modérateur·rices.")
        return Score(score=100, reasons=[reason], verdict=RelevanceVerdict.SHOWN)
    if own_exchanges:
        reason = _("Offre ou échange de savoir-faire du réseau, publié avec l'accord de ses membres.")
        return Score(score=100, reasons=[reason], verdict=RelevanceVerdict.SHOWN)
    total = 0
    reasons: list[str] = []
    codes = sorted({str(c) for c in formacodes or []} & compiled.formacodes)
    if codes:
        total += rules.formacode_weight
        reasons.append(
            _("Formacode %(codes)s de la liste du réseau (+%(n)d).")
            % {"codes": ", ".join(codes), "n": rules.formacode_weight}
        )
    nsf = sorted({str(c) for c in nsf_codes or [] if str(c).lower().startswith(compiled.nsf_codes)})
    if nsf and compiled.nsf_codes:
        total += rules.nsf_weight
        reasons.append(
            _("Code NSF %(codes)s de la liste du réseau (+%(n)d).") % {"codes": ", ".join(nsf), "n": rules.nsf_weight}
        )
    found = compiled.keywords_in(text) if compiled.keyword_labels and text else []
    if found:
        points = min(len(found), rules.keyword_cap) * rules.keyword_weight
        total += points
        quoted = ", ".join(f"« {label} »" for label in found)
        reasons.append(
            _("Mots-clés trouvés : %(words)s (+%(n)d).") % {"words": quoted, "n": points}
            if len(found) > 1
            else _("Mot-clé trouvé : %(words)s (+%(n)d).") % {"words": quoted, "n": points}
        )
    siret = (provider_siret or "").replace(" ", "")
    if siret and (siret in compiled.sirets or siret[:9] in compiled.sirens):
        total += rules.known_weight
        reasons.append(
            _("Organisme connu du réseau (SIRET %(siret)s) (+%(n)d).") % {"siret": siret, "n": rules.known_weight}
        )
    if not reasons:
        reasons.append(_("Rien dans l'offre ne correspond aux règles du réseau."))
    total = min(total, 1000)
    return Score(score=total, reasons=reasons, verdict=verdict_for(rules, total))


def rules_for(network: Network) -> RelevanceRules:
    """The network's rule set (an empty one with the default weights when none is saved yet)."""
    rules = RelevanceRules.objects.filter(network=network).first()
    return rules if rules is not None else RelevanceRules(network=network)


def candidate_offers(network: Network) -> QuerySet[Offer]:
    """The offers a network judges: active ones from shared sources (feeds, member catalogues, federation) or from
    its own sources and partner structures, not another network's."""
    return (
        Offer.objects.filter(status=OfferStatus.ACTIVE)
        .filter(Q(source__network__isnull=True) | Q(source__network=network))
        .filter(Q(partner__isnull=True) | Q(partner__network=network))
    )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


FIELDS = (
    "pk",
    "title",
    "summary",
    "objectives",
    "content",
    "formacodes",
    "nsf_codes",
    "provider_siret",
    "partner__network_id",
    "source__kind",
    "source__network_id",
)


def score_offers(network: Network, offer_ids: Iterable[int] | None = None) -> int:
    """Score `offer_ids` (every candidate offer when None) for `network`, in bulk; how many were scored.

    Upserts one `OfferRelevance` per offer (score, reasons, verdict); a moderator's decision stays as it was. The
    competencies suggested for the offers outside the member catalogues are refreshed on the way (competencies.py).
    """
    compiled = compile_rules(rules_for(network))
    matcher = competencies.Matcher.for_network(network)
    candidates = candidate_offers(network)
    ids = list(candidates.order_by("pk").values_list("pk", flat=True)) if offer_ids is None else sorted(set(offer_ids))
    now = timezone.now()
    scored = 0
    for chunk in _chunks(ids):
        rows = []
        texts: list[tuple[int, str]] = []
        for values in candidates.filter(pk__in=chunk).values_list(*FIELDS):
            pk, title, summary, objectives, content, formacodes, nsf_codes, siret, partner_network, kind, owner = values
            result = score_values(
                compiled,
                text=f"{title}\n{summary}\n{objectives}\n{content}",
                formacodes=formacodes or [],
                nsf_codes=nsf_codes or [],
                provider_siret=siret,
                own_partner=kind == SourceKind.PARTNER and partner_network == network.pk,
                # The network's own exchanges (exchanges/publication.py): consented by their members, shown.
                own_exchanges=kind == SourceKind.EXCHANGES and owner == network.pk,
            )
            rows.append(
                OfferRelevance(
                    network=network,
                    offer_id=pk,
                    score=min(result.score, 32767),
                    reasons=result.reasons,
                    verdict=result.verdict,
                    scored_at=now,
                )
            )
            if matcher is not None and kind != SourceKind.MEMBER_CATALOGUE:
                texts.append((pk, competencies.offer_text(title, summary, objectives)))
        if matcher is not None:
            competencies.refresh(matcher, texts)
        OfferRelevance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["network", "offer"],
            update_fields=["score", "reasons", "verdict", "scored_at"],
            batch_size=500,
        )
        scored += len(rows)
    return scored


def suggest_competencies(network: Network) -> int:
    """Recompute the suggested competency links of the offers the network judged (those with a relevance row, the
    member catalogues' excepted) against its latest published référentiel, as `score_offers` does, without scoring
    them again: after a new version is published. Only what changed is written; links confirmed by a moderator,
    set by a partner structure or removed (never suggested again) are kept as they are. Without a published
    version with competencies, the suggestions are deleted. How many suggestions the matcher made (a decided link
    of the same competency wins over its suggestion)."""
    matcher = competencies.Matcher.for_network(network)
    if matcher is None:
        OfferCompetency.objects.filter(network=network, origin=CompetencyOrigin.SUGGESTED, removed=False).delete()
        return 0
    judged = OfferRelevance.objects.filter(network=network).values("offer_id")
    offers = (
        candidate_offers(network).filter(pk__in=judged).exclude(source__kind=SourceKind.MEMBER_CATALOGUE).order_by()
    )
    ids = list(offers.order_by("pk").values_list("pk", flat=True))
    suggested = 0
    for chunk in _chunks(ids):
        texts = [
            (pk, competencies.offer_text(title, summary, objectives))
            for pk, title, summary, objectives in offers.filter(pk__in=chunk).values_list(
                "pk", "title", "summary", "objectives"
            )
        ]
        suggested += competencies.refresh(matcher, texts)
    return suggested


def networks_with_rules() -> QuerySet[Network]:
    """The networks with a rule set: the ones that judge the offers of an import."""
    return Network.objects.filter(relevance_rules__isnull=False)


@task()
def rescore_network(network_id: int) -> int:
    """Score every candidate offer again after the rule set changed (a background task: 300,000 offers)."""
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        return 0
    from coopforma.offers import search  # search reads relevance's stemming

    scored = score_offers(network)
    if scored >= search.STATISTICS_AFTER_ROWS:
        search.refresh_statistics()
    return scored
