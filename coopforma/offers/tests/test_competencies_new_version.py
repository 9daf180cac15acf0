# SPDX-License-Identifier: AGPL-3.0-or-later
"""A new référentiel version rescores the offers' suggested competencies (issue 16): once the version's publication
is committed, `referentiel.signals.version_published` enqueues `offers.tasks.suggest_competencies_task`, which
recomputes the suggestions against the new version as the scoring does; the moderators' and partners' links stay,
and a link a moderator removed is never suggested again."""

import pytest
from django.utils import timezone

from coopforma.core.compat import DUMMY_TASKS_BACKEND, default_task_backend
from coopforma.offers import relevance
from coopforma.offers.models import CompetencyOrigin, OfferCompetency, OfferRelevance
from coopforma.offers.tasks import suggest_competencies_task
from coopforma.offers.tests.network_factories import feed_offer
from coopforma.referentiel import selectors as referentiel_selectors
from coopforma.referentiel import services as referentiel_services
from coopforma.referentiel.tests.setup import competency, world

pytestmark = pytest.mark.django_db

TENSIONS = "Prévenir et réguler les tensions dans un collectif de travail"
ACCOUNTS = "Comptabilité et bilan d'une société coopérative"


def _links(offer, network):
    """(code in the network's latest published version, else the key; origin; removed) of the offer's links."""
    version = referentiel_selectors.latest_published(network=network)
    codes = {item.key: item.code for item in version.items.all()}
    return {
        (codes.get(link.competency_key, str(link.competency_key)), link.origin, link.removed)
        for link in OfferCompetency.objects.filter(offer=offer)
    }


def _publish(scene, capture, *changes):
    """Propose, accept and publish `changes` ((kind, target, label)); the commit's callbacks run (the signal)."""
    network, committee = scene["our_network"], scene["our_committee"]
    for kind, target, label in changes:
        proposal = referentiel_services.proposal_create(
            user=committee, network_id=network.pk, kind=kind, reason="Test", target_code=target, label=label
        )
        referentiel_services.proposal_decide(
            user=committee, network_id=network.pk, proposal_id=proposal.pk, accept=True
        )
    draft = network.referentiel.versions.get(state="draft")
    with capture(execute=True):
        referentiel_services.version_publish(user=committee, network_id=network.pk, number=draft.number)


@pytest.fixture
def scene():
    w = world()
    ours = w["our_network"]
    suggested = feed_offer(title="Réguler les tensions", summary=TENSIONS)
    removed = feed_offer(title="Réguler les tensions", summary=TENSIONS)
    confirmed = feed_offer(title="Réguler les tensions", summary=TENSIONS)
    accounts = feed_offer(title="Tenir les comptes d'une Scop", summary=ACCOUNTS)
    offers = [suggested, removed, confirmed, accounts]
    relevance.score_offers(ours, [o.pk for o in offers])
    key = competency(w["version"], "M1-C4").key
    now = timezone.now()
    OfferCompetency.objects.filter(offer=removed, competency_key=key).update(
        origin=CompetencyOrigin.CONFIRMED, removed=True, decided_at=now
    )
    OfferCompetency.objects.filter(offer=confirmed, competency_key=key).update(
        origin=CompetencyOrigin.CONFIRMED, decided_at=now
    )
    OfferCompetency.objects.create(
        network=ours, offer=accounts, competency_key=competency(w["version"], "M1-C1").key, origin="partner"
    )
    return {**w, "suggested": suggested, "removed": removed, "confirmed": confirmed, "accounts": accounts}


def test_a_new_version_suggests_its_competencies_and_keeps_the_decisions(scene, django_capture_on_commit_callbacks):
    assert _links(scene["suggested"], scene["our_network"]) == {("M1-C4", "suggested", False)}
    assert _links(scene["accounts"], scene["our_network"]) == {
        ("M1-C1", "partner", False)
    }  # nothing on accounts in version 1
    _publish(
        scene,
        django_capture_on_commit_callbacks,
        ("add_competency", "M1", "Tenir la comptabilité d'une société coopérative"),
        ("reword", "M1-C4", "Prévenir et réguler les tensions et les conflits"),
    )
    new = referentiel_selectors.latest_published(network=scene["our_network"])
    added = new.items.get(label="Tenir la comptabilité d'une société coopérative").code
    # The new competency is suggested where the text names it; the partner's link stays.
    assert _links(scene["accounts"], scene["our_network"]) == {("M1-C1", "partner", False), (added, "suggested", False)}
    assert _links(scene["suggested"], scene["our_network"]) == {
        ("M1-C4", "suggested", False)
    }  # reworded, still suggested
    assert _links(scene["removed"], scene["our_network"]) == {
        ("M1-C4", "confirmed", True)
    }  # removed: never suggested again
    assert _links(scene["confirmed"], scene["our_network"]) == {("M1-C4", "confirmed", False)}


def test_a_retired_competency_loses_its_suggestions_not_the_moderators_links(scene, django_capture_on_commit_callbacks):
    old_key = str(competency(scene["version"], "M1-C4").key)
    _publish(scene, django_capture_on_commit_callbacks, ("retire_item", "M1-C4", ""))
    assert _links(scene["suggested"], scene["our_network"]) == set()
    assert _links(scene["removed"], scene["our_network"]) == {(old_key, "confirmed", True)}
    assert _links(scene["confirmed"], scene["our_network"]) == {
        (old_key, "confirmed", False)
    }  # kept (the map shows only the version's)
    assert _links(scene["accounts"], scene["our_network"]) == {("M1-C1", "partner", False)}


def test_the_task_writes_nothing_when_nothing_changed_and_skips_unjudged_offers(scene):
    ours = scene["our_network"]
    unjudged = feed_offer(title="Réguler les tensions", summary=TENSIONS)  # no relevance row for the network
    before = set(OfferCompetency.objects.values_list("pk", "offer_id", "competency_key", "origin", "removed"))
    # The matcher's suggestions: M1-C4 for the three texts on tensions (the decided links of two of them win).
    assert suggest_competencies_task.enqueue(ours.pk).return_value == 3
    after = set(OfferCompetency.objects.values_list("pk", "offer_id", "competency_key", "origin", "removed"))
    assert after == before
    assert not OfferCompetency.objects.filter(offer=unjudged).exists()
    assert OfferRelevance.objects.filter(network=ours).count() == 4  # not scored again
    assert suggest_competencies_task.enqueue(10**9).return_value == 0  # a network gone: nothing


def test_the_publication_only_enqueues_the_task_when_a_worker_runs_them(
    scene, settings, django_capture_on_commit_callbacks
):
    """The recomputing is a background task: the publication's request does not wait for it."""
    settings.TASKS = {"default": {"BACKEND": DUMMY_TASKS_BACKEND}}
    _publish(
        scene,
        django_capture_on_commit_callbacks,
        ("add_competency", "M1", "Tenir la comptabilité d'une société coopérative"),
    )
    queued = [r for r in default_task_backend.results if r.task.func is suggest_competencies_task.func]
    assert [r.args for r in queued] == [[scene["our_network"].pk]]
    assert _links(scene["accounts"], scene["our_network"]) == {("M1-C1", "partner", False)}  # not run yet
