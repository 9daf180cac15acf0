# SPDX-License-Identifier: AGPL-3.0-or-later
"""Written together: proposals, comments, the committee's decisions, the draft they make, its publication."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopforma.core.log import history_for
from coopforma.referentiel import selectors, services
from coopforma.referentiel.models import Item, ProposalState, Version
from coopforma.referentiel.tests.factories import load_draft, network_with_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    people = network_with_people()
    load_draft(people["network"], publish=True)
    return people


def propose(people, user_key="member", **kwargs):
    kwargs.setdefault("reason", "Parce que.")
    return services.proposal_create(user=people[user_key], network_id=people["network"].pk, **kwargs)


def decide(people, proposal, *, accept=True, reason="", user_key="committee"):
    return services.proposal_decide(
        user=people[user_key], network_id=people["network"].pk, proposal_id=proposal.pk, accept=accept, reason=reason
    )


def test_accepted_proposals_make_the_next_draft_and_its_changelog(people):
    network = people["network"]
    new = propose(people, kind="add_competency", target_code="M7", label="Adapter une formation au handicap")
    reword = propose(people, kind="reword", target_code="M1-C3", label="Tenir une posture de tiers")
    retire = propose(people, kind="retire_item", target_code="M2-C5")
    merge = propose(people, kind="merge", target_code="M6-C4", other_code="M1-C2")
    refused = propose(people, kind="add_job", label="Jardinier·e")
    services.proposal_comment(user=people["committee"], network_id=network.pk, proposal_id=new.pk, text="Oui !")
    for proposal in (new, reword, retire, merge):
        decide(people, proposal)
    decide(people, refused, accept=False, reason="Hors du champ.")
    draft = Version.objects.get(state="draft")
    assert draft.number == "0.2"
    codes = set(draft.items.values_list("code", flat=True))
    assert "M7-C7" in codes and "M2-C5" not in codes and "M6-C4" not in codes
    assert draft.items.get(code="M1-C3").label == "Tenir une posture de tiers"
    assert "Facilitation de groupes" in draft.items.get(code="M1-C2").aliases
    # the published 0.1 did not move, and the items keep their keys across versions
    published = Version.objects.get(number="0.1")
    assert published.items.get(code="M1-C3").label == "Tenir une posture de tiers, neutre et à l'écoute"
    assert published.items.get(code="M1-C1").key == draft.items.get(code="M1-C1").key
    refused.refresh_from_db()
    assert refused.state == ProposalState.REFUSED and refused.decision_reason == "Hors du champ."
    assert refused in selectors.proposal_list(user=people["member"], network=network)  # still readable
    version = services.version_publish(user=people["moderator"], network_id=network.pk, number="0.2")
    assert "Nouvelle compétence M7-C7 « Adapter une formation au handicap »" in version.changelog
    assert "Jardinier" not in version.changelog
    diff = selectors.version_diff(old=published, new=version)
    states = {(c.state, c.code) for c in diff}
    assert {("added", "M7-C7"), ("removed", "M2-C5"), ("removed", "M6-C4"), ("changed", "M1-C3")} <= states
    changed = next(c for c in diff if c.code == "M1-C3")
    assert changed.fields == [
        ("libellé", "Tenir une posture de tiers, neutre et à l'écoute", "Tenir une posture de tiers")
    ]
    assert history_for(version).filter(action="referentiel.version.published").exists()
    # a retired code is never given again
    again = propose(people, kind="add_competency", target_code="M2", label="Autre")
    assert decide(people, again).result_code == "M2-C7"


def test_a_published_version_never_changes(people):
    network = people["network"]
    with pytest.raises(ValidationError, match="publiée"):
        services.item_update(user=people["committee"], network_id=network.pk, number="0.1", code="M1", label="X")
    with pytest.raises(ValidationError, match="publiée"):
        services.version_publish(user=people["committee"], network_id=network.pk, number="0.1")
    assert Item.objects.get(code="M1").label == "Animateur·rice de coopération territoriale"
    decide(people, propose(people, kind="reword", target_code="M1", label="Animateur·rice"))
    item = services.item_update(
        user=people["committee"], network_id=network.pk, number="0.2", code="M1-C1", criteria=["nomme les acteurs"]
    )
    assert item.criteria == ["nomme les acteurs"]
    assert Item.objects.get(version__number="0.1", code="M1-C1").criteria == []


def test_a_member_proposes_and_comments_but_does_not_decide(people):
    proposal = propose(people, kind="reword", target_code="M1", label="Animateur")
    with pytest.raises(PermissionDenied):
        decide(people, proposal, user_key="member")
    with pytest.raises(PermissionDenied):
        services.version_publish(user=people["member"], network_id=people["network"].pk, number="0.1")
    with pytest.raises(PermissionDenied):
        services.item_update(user=people["member"], network_id=people["network"].pk, number="0.1", code="M1", label="X")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN


def test_another_networks_people_can_neither_propose_nor_decide(people):
    other = network_with_people("autre-reseau")
    with pytest.raises(Http404):
        services.proposal_create(
            user=other["member"], network_id=people["network"].pk, kind="retire_item", target_code="M1", reason="x"
        )
    proposal = propose(people, kind="retire_item", target_code="M1")
    for key in ("committee", "moderator"):
        with pytest.raises(Http404):
            services.proposal_decide(
                user=other[key], network_id=people["network"].pk, proposal_id=proposal.pk, accept=True
            )
        with pytest.raises(Http404):  # their own network, our proposal's id
            services.proposal_decide(
                user=other[key], network_id=other["network"].pk, proposal_id=proposal.pk, accept=True
            )
    with pytest.raises(Http404):
        services.proposal_comment(
            user=other["member"], network_id=people["network"].pk, proposal_id=proposal.pk, text="x"
        )
    assert selectors.proposal_list(user=other["member"], network=people["network"]).count() == 0
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN and not proposal.comments.exists()


def test_bad_proposals_say_what_and_where(people):
    with pytest.raises(ValidationError) as caught:
        propose(people, kind="add_competency", target_code="M1-C1", label="", reason=" ")
    assert set(caught.value.message_dict) == {"target_code", "label", "reason"}
    with pytest.raises(ValidationError) as caught:
        propose(people, kind="merge", target_code="M1-C1", other_code="M1")
    assert "other_code" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        propose(people, kind="retire_item", target_code="M99")
    assert "M99" in caught.value.message_dict["target_code"][0]
    proposal = propose(people, kind="retire_item", target_code="M1")
    with pytest.raises(ValidationError) as caught:
        decide(people, proposal, accept=False)
    assert "reason" in caught.value.message_dict
    decide(people, proposal)
    with pytest.raises(ValidationError):
        decide(people, proposal)


def test_anonymous_sees_published_only_and_members_the_draft(people):
    network = people["network"]
    decide(people, propose(people, kind="retire_item", target_code="M1"))
    assert [v.number for v in selectors.versions_visible(user=None, network=network)] == ["0.1"]
    with pytest.raises(Http404):
        selectors.version_get(user=None, network=network, number="0.2")
    outsider = network_with_people("dehors")["member"]
    with pytest.raises(Http404):
        selectors.version_get(user=outsider, network=network, number="0.2")
    assert selectors.version_get(user=people["member"], network=network, number="0.2").number == "0.2"


def test_search_ignores_accents_and_case(people):
    version = selectors.latest_published(network=people["network"])
    found = [i.code for i in selectors.item_search(version=version, query="GOUVERNANCE partagee")]
    assert "S5" in found
    assert [i.code for i in selectors.item_search(version=version, query="reciprocite")] == ["M6-C1"]
    assert selectors.item_search(version=version, query="   ") == []
