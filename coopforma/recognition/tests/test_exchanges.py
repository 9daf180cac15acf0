# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how that prepare a bloc (docs/recognition.md): suggested from the competencies their
debriefs and listings cover, adopted or removed by the committee, shown with what their records prove (dates,
participants, competencies declared in the debriefs: declared, not assessed) on the page, in the JSON and the PDF."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from coopforma.core.models import ActivityLog
from coopforma.exchanges.models import Debrief, DebriefCompetency, ExchangeState
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.access import actor_for
from coopforma.recognition import selectors, services
from coopforma.recognition.dossier import project_dossier
from coopforma.recognition.models import BlockExchange
from coopforma.recognition.tests.factories import create_project, setup_network

pytestmark = pytest.mark.django_db


def _debrief(exchange, member, *competencies):  # type: ignore[no-untyped-def]
    debrief = Debrief.objects.create(participant=exchange.participants.get(member=member), learnt="Appris")
    for competency in competencies:
        DebriefCompetency.objects.create(debrief=debrief, competency=competency)
    return debrief


@pytest.fixture
def scene():  # type: ignore[no-untyped-def]
    people = setup_network()
    project = create_project(people)
    block = project.blocks.first()
    competency = block.competencies.first()
    network = people["network"]
    alice, bob, chloe = (joined_member(network, display_name=n) for n in ("Alice", "Bob", "Chloé"))
    start = dt.date(2026, 10, 2)
    # Suggested by its debriefs: two participants declare the bloc's competency.
    debriefed = exchange_between(alice, bob, title="Codéveloppement", state=ExchangeState.DONE, starts_on=start)
    _debrief(debriefed, alice, competency)
    _debrief(debriefed, bob, competency)
    # Suggested by its listing: the offer names the competency (no debrief yet).
    listed = exchange_between(chloe, bob, title="Visite d'un tiers-lieu", starts_on=start + dt.timedelta(days=5))
    listed.offer.competencies.add(competency)
    # Not suggested: cancelled, unrelated, or another network's.
    cancelled = exchange_between(alice, chloe, title="Annulé", state=ExchangeState.CANCELLED)
    _debrief(cancelled, alice, competency)
    unrelated = exchange_between(bob, alice, title="Sans lien")
    theirs = setup_network("autre-reseau")
    dan, eve = (joined_member(theirs["network"]) for _ in range(2))
    elsewhere = exchange_between(dan, eve, title="Ailleurs")
    _debrief(elsewhere, dan, theirs["version"].items.get(code=competency.code))
    return {
        **people,
        "project": project,
        "block": block,
        "competency": competency,
        "debriefed": debriefed,
        "listed": listed,
        "cancelled": cancelled,
        "unrelated": unrelated,
        "elsewhere": elsewhere,
        "theirs": theirs,
    }


def _rows(scene):  # type: ignore[no-untyped-def]
    view = next(v for v in selectors.blocks_of(project=scene["project"]) if v.block == scene["block"])
    return {row.exchange.title: row for row in view.exchanges}


def test_exchanges_are_suggested_from_debriefs_and_listings_with_what_their_records_prove(scene):
    rows = _rows(scene)
    assert set(rows) == {"Codéveloppement", "Visite d'un tiers-lieu"}
    code = scene["competency"].code
    debriefed = rows["Codéveloppement"]
    assert not debriefed.adopted and debriefed.competencies == [code]
    assert debriefed.participants == 2 and debriefed.debriefs == 2 and debriefed.declared == {code: 2}
    listed = rows["Visite d'un tiers-lieu"]
    assert listed.competencies == [code] and listed.declared == {} and listed.debriefs == 0


def test_the_committee_adopts_and_removes_an_exchange(scene):
    actor = actor_for(scene["committee"], scene["network"])
    project, block = scene["project"], scene["block"]
    services.block_exchange_adopt(
        actor=actor, project_id=project.pk, block_id=block.pk, exchange_id=scene["unrelated"].pk
    )
    services.block_exchange_adopt(
        actor=actor, project_id=project.pk, block_id=block.pk, exchange_id=scene["debriefed"].pk
    )
    rows = _rows(scene)
    assert rows["Sans lien"].adopted and rows["Sans lien"].competencies == []  # adopted without a suggestion
    assert rows["Codéveloppement"].adopted
    assert ActivityLog.objects.filter(action="recognition.exchange.adopted", object_id=project.pk).count() == 2

    dossier = project_dossier(project)
    assert "déclarées, non évaluées" in dossier["exchanges"]["note"]
    records = {r["title"]: r for r in dossier["exchanges"]["records"]}
    assert set(records) == {"Sans lien", "Codéveloppement"}  # adopted ones only, not the suggestions
    record = records["Codéveloppement"]
    assert record["participants"] == 2 and record["debriefs"] == 2 and record["starts_on"] == "2026-10-02"
    assert record["declared_competencies"] == [
        {"block": block.code, "competency": scene["competency"].code, "debriefs": 2}
    ]
    assert record["blocks"] == [block.code] and record["state_label"] == "Réalisé"
    assert set(dossier["blocks"][0]["exchanges"]) == {"Sans lien", "Codéveloppement"}

    services.block_exchange_remove(
        actor=actor, project_id=project.pk, block_id=block.pk, exchange_id=scene["unrelated"].pk
    )
    assert "Sans lien" not in _rows(scene)
    assert ActivityLog.objects.filter(action="recognition.exchange.removed", object_id=project.pk).exists()
    with pytest.raises(Http404):  # no longer adopted
        services.block_exchange_remove(
            actor=actor, project_id=project.pk, block_id=block.pk, exchange_id=scene["unrelated"].pk
        )


@pytest.mark.parametrize("which", ["elsewhere", "cancelled"])
def test_another_networks_or_a_cancelled_exchange_is_refused_and_nothing_is_written(scene, which):
    actor = actor_for(scene["committee"], scene["network"])
    logs = ActivityLog.objects.count()
    with pytest.raises(ValidationError) as error:
        services.block_exchange_adopt(
            actor=actor, project_id=scene["project"].pk, block_id=scene["block"].pk, exchange_id=scene[which].pk
        )
    assert "exchange_id" in error.value.error_dict
    assert not BlockExchange.objects.exists() and ActivityLog.objects.count() == logs


def test_adopting_twice_is_refused(scene):
    actor = actor_for(scene["committee"], scene["network"])
    ids = {"project_id": scene["project"].pk, "block_id": scene["block"].pk, "exchange_id": scene["listed"].pk}
    services.block_exchange_adopt(actor=actor, **ids)
    with pytest.raises(ValidationError, match="déjà"):
        services.block_exchange_adopt(actor=actor, **ids)
    assert BlockExchange.objects.count() == 1


@pytest.mark.parametrize("role", ["committee", "moderator"])
def test_another_networks_committee_gets_404_with_our_ids(scene, role):
    theirs = scene["theirs"]
    actor = actor_for(theirs[role], theirs["network"])
    ids = {"project_id": scene["project"].pk, "block_id": scene["block"].pk, "exchange_id": scene["debriefed"].pk}
    with pytest.raises(Http404):
        services.block_exchange_adopt(actor=actor, **ids)
    BlockExchange.objects.create(block=scene["block"], exchange=scene["debriefed"])
    with pytest.raises(Http404):
        services.block_exchange_remove(actor=actor, **ids)
    client = Client()
    client.force_login(theirs[role])
    base = f"/reseaux/{theirs['network'].slug}/referentiel/projets/{scene['project'].pk}/blocs/{scene['block'].pk}"
    assert client.post(f"{base}/echanges/", {"exchange": scene["listed"].pk}).status_code == 404
    assert client.post(f"{base}/echanges/{scene['debriefed'].pk}/retirer/").status_code == 404
    assert BlockExchange.objects.count() == 1


def test_a_member_sees_the_exchanges_but_may_not_adopt_nor_remove(scene):
    actor = actor_for(scene["member"], scene["network"])
    ids = {"project_id": scene["project"].pk, "block_id": scene["block"].pk, "exchange_id": scene["debriefed"].pk}
    with pytest.raises(PermissionDenied):
        services.block_exchange_adopt(actor=actor, **ids)
    BlockExchange.objects.create(block=scene["block"], exchange=scene["debriefed"])
    with pytest.raises(PermissionDenied):
        services.block_exchange_remove(actor=actor, **ids)
    client = Client()
    client.force_login(scene["member"])
    base = f"/reseaux/{scene['network'].slug}/referentiel/projets/{scene['project'].pk}/"
    page = client.get(base).content.decode()
    assert "Codéveloppement" in page and "Visite d&#x27;un tiers-lieu" in page and "non évaluées" in page
    assert "Retenir un échange" not in page
    block = f"blocs/{scene['block'].pk}/echanges/"
    assert client.post(base + block, {"exchange": scene["listed"].pk}).status_code == 403
    assert client.post(base + block + f"{scene['debriefed'].pk}/retirer/").status_code == 403
    assert BlockExchange.objects.count() == 1


def test_the_committee_adopts_a_suggestion_on_the_page_and_the_pdf_lists_it(scene):
    client = Client()
    client.force_login(scene["committee"])
    base = f"/reseaux/{scene['network'].slug}/referentiel/projets/{scene['project'].pk}/"
    page = client.get(base).content.decode()
    assert "Retenir un échange" in page and "suggéré" in page
    response = client.post(base + f"blocs/{scene['block'].pk}/echanges/", {"exchange": scene["debriefed"].pk})
    assert response.status_code == 302
    assert BlockExchange.objects.filter(block=scene["block"], exchange=scene["debriefed"]).exists()
    response = client.post(base + f"blocs/{scene['block'].pk}/echanges/", {"exchange": scene["elsewhere"].pk})
    assert response.status_code == 302 and BlockExchange.objects.count() == 1  # not a choice: refused
    from coopforma.documents.rendering import render_markup
    from coopforma.recognition.documents import default_template, dossier_context, dossier_pdf

    markup = render_markup(default_template(), dossier_context(scene["project"]))
    assert "Codéveloppement" in markup and "non évaluées" in markup
    assert dossier_pdf(scene["project"]).startswith(b"%PDF")
