# SPDX-License-Identifier: AGPL-3.0-or-later
"""A training's objectives aim at competencies of the référentiels of its organisation's networks: suggested
from the objective's words, linked by whoever edits the training, shown on its back-office and public pages."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import MembershipFactory
from coopforma.core.models import ActivityLog
from coopforma.people.tests.factories import TrainerFactory
from coopforma.referentiel import matching, selectors, services
from coopforma.referentiel.models import ObjectiveCompetency
from coopforma.referentiel.tests.setup import client_for, competency, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def admin_actor(w):
    return actor_for(w["admin"], w["org"], Role.ADMIN)


def test_stems_ignore_accents_case_and_endings():
    assert matching.stems("Réguler les TENSIONS") == matching.stems("regulation des tension")
    assert "capabl" not in " ".join(matching.stems("Être capable de réguler"))


def test_suggestions_rank_competencies_by_shared_words(w):
    rows = selectors.objectives_with_competencies(training=w["training"], suggest=True)
    assert [row.text for row in rows] == w["training"].objectives
    assert rows[0].suggestions[0].code == "M1-C1"  # « Analyser un jeu d'acteurs et des rapports de pouvoir »
    assert rows[1].suggestions[0].code == "M1-C4"  # « Prévenir et réguler les tensions »
    assert all(len(row.suggestions) <= 3 for row in rows)
    # Only the référentiels of the organisation's networks: never the other network's items.
    assert {s.version_id for row in rows for s in row.suggestions} == {w["version"].pk}


def test_link_then_unlink_is_logged_and_leaves_the_suggestions(w):
    item = competency(w["version"], "M1-C4")
    link = services.objective_competency_link(
        actor=admin_actor(w), training_id=w["training"].pk, objective=1, competency_id=item.pk, level="pratique"
    )
    assert (link.objective, link.level) == (1, "pratique")
    rows = selectors.objectives_with_competencies(training=w["training"], suggest=True)
    assert [lk.competency.code for lk in rows[1].links] == ["M1-C4"]
    assert "M1-C4" not in [s.code for s in rows[1].suggestions]
    again = services.objective_competency_link(
        actor=admin_actor(w), training_id=w["training"].pk, objective=1, competency_id=item.pk, level="maitrise"
    )
    assert again.pk == link.pk and ObjectiveCompetency.objects.get().level == "maitrise"
    services.objective_competency_unlink(actor=admin_actor(w), training_id=w["training"].pk, link_id=link.pk)
    assert not ObjectiveCompetency.objects.exists()
    actions = list(
        ActivityLog.objects.filter(action__startswith="referentiel.objective").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "referentiel.objective.linked",
        "referentiel.objective.linked",
        "referentiel.objective.unlinked",
    ]


@pytest.mark.parametrize(
    ("objective", "code", "level", "field"),
    [(5, "M1-C4", "", "objective"), (0, "M1-C4", "expert", "level"), (0, "M1", "", "competency")],
)
def test_bad_links_say_what_is_wrong_and_write_nothing(w, objective, code, level, field):
    item = competency(w["version"], code)
    with pytest.raises(ValidationError) as error:
        services.objective_competency_link(
            actor=admin_actor(w), training_id=w["training"].pk, objective=objective, competency_id=item.pk, level=level
        )
    assert field in error.value.message_dict
    assert not ObjectiveCompetency.objects.exists()


def test_only_published_versions_of_our_networks_can_be_linked(w):
    theirs = competency(w["other_version"], "M1-C4")  # a network the organisation is not a member of
    with pytest.raises(ValidationError):
        services.objective_competency_link(
            actor=admin_actor(w), training_id=w["training"].pk, objective=0, competency_id=theirs.pk
        )
    services.proposal_create(
        user=w["our_committee"],
        network_id=w["our_network"].pk,
        kind="reword",
        target_code="M1-C4",
        label="Réguler les tensions",
        reason="Plus court.",
    )
    for proposal in w["our_network"].referentiel.proposals.all():
        services.proposal_decide(
            user=w["our_committee"], network_id=w["our_network"].pk, proposal_id=proposal.pk, accept=True
        )
    draft = selectors.draft_get(user=w["our_committee"], network=w["our_network"])
    with pytest.raises(ValidationError):
        services.objective_competency_link(
            actor=admin_actor(w),
            training_id=w["training"].pk,
            objective=0,
            competency_id=competency(draft, "M1-C4").pk,
        )
    assert not ObjectiveCompetency.objects.exists()


def test_another_organisation_cannot_link_our_training_and_a_read_only_trainer_neither(w):
    item = competency(w["version"], "M1-C4")
    other = actor_for(w["other_admin"], w["other_org"], Role.ADMIN)
    with pytest.raises(Http404):
        services.objective_competency_link(
            actor=other, training_id=w["training"].pk, objective=0, competency_id=item.pk
        )
    # A trainer of the organisation who does not teach this training: the catalogue does not show it to them.
    lesser = MembershipFactory(organisation=w["org"], role=Role.TRAINER).user
    TrainerFactory(organisation=w["org"], user=lesser)
    with pytest.raises(Http404):  # the catalogue hides a training a trainer does not teach
        services.objective_competency_link(
            actor=actor_for(lesser, w["org"], Role.TRAINER),
            training_id=w["training"].pk,
            objective=0,
            competency_id=item.pk,
        )
    assert not ObjectiveCompetency.objects.exists()


def test_back_office_panel_links_by_htmx_and_searches(w):
    client = client_for(w["admin"])
    url = f"/o/cooperer/referentiel/formations/{w['training'].pk}/"
    page = client.get(url + "?panel=1")
    text = page.content.decode()
    assert page.status_code == 200 and "Compétences visées" in text and "Lier" in text and "M1-C1" in text
    item = competency(w["version"], "M1-C1")
    response = client.post(
        url, {"action": "link", "objective": 0, "competency": item.pk, "level": "notions"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Retirer" in response.content.decode()
    assert ObjectiveCompetency.objects.get().competency == item
    bad = client.post(url, {"action": "link", "objective": 0, "competency": item.pk, "level": "expert"})
    assert bad.status_code == 302 and ObjectiveCompetency.objects.count() == 1
    found = client.get(url + "recherche/", {"q": "intelligence collective", "objective": 1})
    assert "M1-C2" in found.content.decode() and 'name="objective" value="1"' in found.content.decode()
    detail = client.get(f"/o/cooperer/catalogue/{w['training'].pk}/")
    assert "training-competencies" in detail.content.decode()
    # Another organisation's admin, with its own slug and our training's id: 404.
    other = client_for(w["other_admin"])
    assert other.get(f"/o/autre-of/referentiel/formations/{w['training'].pk}/").status_code == 404
    assert (
        other.post(
            f"/o/autre-of/referentiel/formations/{w['training'].pk}/", {"objective": 0, "competency": item.pk}
        ).status_code
        == 404
    )


def test_public_page_and_programme_show_the_competencies(w):
    item = competency(w["version"], "M1-C1")
    services.objective_competency_link(
        actor=admin_actor(w), training_id=w["training"].pk, objective=0, competency_id=item.pk, level="pratique"
    )
    page = client_for().get(f"/f/cooperer/{w['training'].pk}/").content.decode()
    assert "Compétences du référentiel" in page
    assert "/reseaux/formations-cooperatives/referentiel/v/0.1/competences/M1-C1/" in page
    rows = selectors.programme_competencies(training_id=w["training"].pk, objectives=w["training"].objectives)
    assert rows[0]["competencies"][0]["code"] == "M1-C1" and rows[0]["competencies"][0]["level"] == "Pratique"
    assert rows[1]["competencies"] == []


def test_the_programme_keyword_lists_each_objectives_competencies(w):
    from coopforma.documents.registry import build_context, get_kind
    from coopforma.training_sessions.tests.factories import SessionFactory

    item = competency(w["version"], "M1-C4")
    services.objective_competency_link(
        actor=admin_actor(w), training_id=w["training"].pk, objective=1, competency_id=item.pk, level="maitrise"
    )
    session = SessionFactory(organisation=w["org"], training=w["training"])
    kind = get_kind("programme")
    assert "referentiel.objectives" in {k.name for k in kind.keywords}
    context = build_context(kind, session)["referentiel"]
    assert context["has_competencies"] is True
    assert context["objectives"][1]["competencies"][0] == {
        "code": "M1-C4",
        "label": "Prévenir et réguler les tensions",
        "level": "Maîtrise",
        "referentiel": "Référentiel des métiers de la coopération 0.1",
    }


def test_the_api_links_lists_and_unlinks_with_the_trainings_rules(w, api):
    client = api(w["admin"], w["org"])
    base = f"/api/v1/referentiel/trainings/{w['training'].pk}/objective-links"
    body = {"objective": 1, "network": "formations-cooperatives", "code": "M1-C4", "level": "pratique"}
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["code"], data["version"], data["level"]) == ("M1-C4", "0.1", "pratique")
    assert data["objective_text"] == w["training"].objectives[1]
    listed = client.get(base).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == data["id"]
    unknown = client.post(base, {**body, "code": "M9-C9"}, content_type="application/json")
    assert unknown.status_code == 422 and "M9-C9" in unknown.content.decode()
    theirs = client.post(base, {**body, "network": "autre-reseau"}, content_type="application/json")
    assert theirs.status_code == 422 and ObjectiveCompetency.objects.count() == 1
    # Another organisation's token, our training's id: 404, nothing written or removed.
    other = api(w["other_admin"], w["other_org"])
    assert other.post(base, body, content_type="application/json").status_code == 404
    assert other.delete(f"{base}/{data['id']}").status_code == 404
    assert other.get(base).status_code == 404
    assert client.delete(f"{base}/{data['id']}").status_code == 204
    assert not ObjectiveCompetency.objects.exists()


def test_the_api_serves_the_coverage_without_a_token(w, api):
    services.objective_competency_link(
        actor=admin_actor(w),
        training_id=w["training"].pk,
        objective=1,
        competency_id=competency(w["version"], "M1-C4").pk,
    )
    client = client_for()
    response = client.get("/api/v1/referentiel/networks/formations-cooperatives/versions/latest/coverage?limit=200")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["items"]}
    assert rows["M1-C4"]["count"] == 1 and rows["M1-C4"]["trainings"][0]["title"] == "Coopérer sur un territoire"
    assert rows["M1-C1"]["count"] == 0
