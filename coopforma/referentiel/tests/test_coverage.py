# SPDX-License-Identifier: AGPL-3.0-or-later
"""The coverage matrix: which competencies the trainings of the network's member organisations aim at, public
for a public network, in CSV too, in a constant number of queries; and the map's hook (trainings by competency)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import Role
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.referentiel import selectors, services
from coopforma.referentiel.tests.setup import client_for, competency, world

pytestmark = pytest.mark.django_db
URL = "/reseaux/formations-cooperatives/referentiel/couverture/"


@pytest.fixture
def w():
    w = world()
    actor = actor_for(w["admin"], w["org"], Role.ADMIN)
    services.objective_competency_link(
        actor=actor, training_id=w["training"].pk, objective=1, competency_id=competency(w["version"], "M1-C4").pk
    )
    return w


def link(w, training, code, objective=0):
    services.objective_competency_link(
        actor=actor_for(w["admin"], w["org"], Role.ADMIN),
        training_id=training.pk,
        objective=objective,
        competency_id=competency(w["version"], code).pk,
    )


def test_matrix_counts_the_trainings_and_highlights_the_uncovered(w):
    rows = {row.item.code: row for row in selectors.coverage(network=w["our_network"], version=w["version"])}
    assert rows["M1-C4"].count == 1 and rows["M1-C4"].group.startswith("M1 ")
    assert rows["M1-C4"].trainings[0].public_url == f"/f/cooperer/{w['training'].pk}/"
    assert rows["M1-C1"].count == 0
    page = client_for().get(URL)
    text = page.content.decode()
    assert page.status_code == 200 and "Coopérer sur un territoire" in text and 'class="uncovered"' in text
    assert f'href="/f/cooperer/{w["training"].pk}/"' in text


def test_a_draft_training_is_counted_without_a_public_link(w):
    draft = TrainingFactory(organisation=w["org"], title="Brouillon", status="draft", is_public=False)
    link(w, draft, "M1-C4")
    row = next(r for r in selectors.coverage(network=w["our_network"], version=w["version"]) if r.item.code == "M1-C4")
    assert row.count == 2 and {t.title: t.public_url for t in row.trainings}["Brouillon"] == ""


def test_trainings_of_organisations_outside_the_network_do_not_count(w):
    # The other organisation (member of the other network only) cannot even link our référentiel's items;
    # a training of ours stops counting when we leave the network.
    w["org"].networks.all().delete()
    assert selectors.trainings_for_competency(network=w["our_network"], key=competency(w["version"], "M1-C4").key) == []
    rows = selectors.coverage(network=w["our_network"], version=w["version"])
    assert all(row.count == 0 for row in rows)


def test_trainings_for_competency_follows_the_key(w):
    key = competency(w["version"], "M1-C4").key
    assert selectors.trainings_for_competency(network=w["our_network"], key=key) == [w["training"].pk]
    assert selectors.trainings_for_competency(network=w["their_network"], key=key) == []


def test_csv_export(w):
    response = client_for().get(URL + "couverture.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Métier", "Identifiant", "Compétence"]
    line = next(r for r in rows if r[1] == "M1-C4")
    assert line[3] == "1" and "Coopérer sur un territoire (Scop Coopérer)" in line[4]


def test_constant_query_count(w):
    client = client_for()
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(5):
        training = TrainingFactory(organisation=w["org"], title=f"Formation {n}", is_public=True)
        link(w, training, "M1-C1")
        link(w, training, "M2-C2", objective=1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_private_network_coverage_is_for_its_members_only(w):
    w["our_network"].is_public = False
    w["our_network"].save()
    assert client_for().get(URL).status_code == 404
    assert client_for(w["their_moderator"]).get(URL).status_code == 404
    assert client_for(w["our_member"]).get(URL).status_code == 200
    assert client_for(w["our_member"]).get(URL + "?version=9.9").status_code == 404
