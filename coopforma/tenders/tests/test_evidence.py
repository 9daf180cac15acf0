# SPDX-License-Identifier: AGPL-3.0-or-later
"""The evidence of need the tender watch gives a certification project (recognition.evidence)."""

import pytest

from coopforma.tenders.models import Nature
from coopforma.tenders.selectors import notices_evidence
from coopforma.tenders.tests.factories import notice
from coopforma.tenders.training import search_words

pytestmark = pytest.mark.django_db


def _notice(text: str, **fields):
    return notice(object=text, search_text=search_words(text), **fields)


def test_the_training_notices_naming_the_job_are_counted_as_calls_and_awards():
    _notice("Formation des animateurs de coopération territoriale", reserved_ess=True)
    _notice("Animatrices de la coopération : formation-action")  # every word of the phrase, stemmed
    _notice("Formation d'animateurs de coopération : résultat", nature=Nature.AWARD)
    _notice("Formation des animateurs de coopération territoriale", cancelled=True)  # cancelled: not counted
    _notice("Formation à la comptabilité des coopératives")  # « animateur » missing
    figures = notices_evidence(None, ["animateur de cooperation", "animateur de cooperation territoriale"])
    assert (figures["notices"], figures["reserved_ess"], figures["awards"]) == (2, 1, 1)
    assert figures["available"] and figures["source"] and figures["date"]
    assert "2 avis de marché" in figures["summary"]


def test_no_keyword_counts_nothing():
    _notice("Formation des animateurs de coopération territoriale")
    assert notices_evidence(None, [])["notices"] == 0
