# SPDX-License-Identifier: AGPL-3.0-or-later
"""The pages: published versions public and citable, the draft and the proposals for the network only."""

import csv
import io
import json

import pytest
import yaml
from django.test import Client

from coopforma.referentiel import services
from coopforma.referentiel.models import Proposal, ProposalState
from coopforma.referentiel.tests.factories import DRAFT, load_draft, network_with_people

pytestmark = pytest.mark.django_db
BASE = "/reseaux/formations-cooperatives/referentiel/"


@pytest.fixture
def people():
    people = network_with_people()
    load_draft(people["network"], publish=True)
    return people


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_browses_the_published_version(people):
    client = client_for()
    page = client.get(BASE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Animateur·rice de coopération territoriale" in text and "CC BY-SA 4.0" in text
    assert "Propositions" not in text
    page = client.get(BASE + "v/0.1/competences/M1-C2/")
    assert "Faciliter l&#x27;intelligence collective" in page.content.decode()
    assert client.get(BASE + "v/0.1/metiers/M3/").status_code == 200
    block = client.get(BASE + "v/0.1/blocs/S5/").content.decode()
    assert "M1" in block and "M8" in block
    assert client.get(BASE + "v/0.1/activites/M1-A1/").status_code == 200
    assert client.get(BASE + "v/0.1/competences/M99-C1/").status_code == 404
    assert client.get(BASE + "v/0.1/modifications/").status_code == 200
    latest = client.get(BASE + "competences/M1-C2/")
    assert latest.status_code == 302 and latest["Location"] == BASE + "v/0.1/competences/M1-C2/"


def test_search_is_accent_insensitive_with_htmx(people):
    client = client_for()
    page = client.get(BASE + "recherche/", {"q": "REciprocite"})
    assert "M6-C1" in page.content.decode()
    fragment = client.get(BASE + "recherche/", {"q": "gouvernance partagée"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().startswith('<div id="results"') and "S5" in fragment.content.decode()


def test_a_draft_is_not_public(people):
    proposal = services.proposal_create(
        user=people["member"], network_id=people["network"].pk, kind="retire_item", target_code="M1", reason="x"
    )
    services.proposal_decide(user=people["committee"], network_id=people["network"].pk, proposal_id=proposal.pk,
                             accept=True)  # fmt: skip
    outsider = network_with_people("autre")["member"]
    for client in (client_for(), client_for(outsider)):
        assert client.get(BASE + "v/0.2/").status_code == 404
        assert client.get(BASE + "v/0.2/metiers/M2/").status_code == 404
        assert client.get(BASE + "v/0.2/telecharger/json/").status_code == 404
        assert "0.2" not in client.get(BASE).content.decode()
    member = client_for(people["member"])
    assert member.get(BASE + "v/0.2/").status_code == 200
    assert member.get(BASE + "competences/M1-C2/")["Location"].startswith(BASE + "v/0.1/")  # latest *published*


def test_a_private_network_is_hidden_from_outsiders():
    people = network_with_people("prive", is_public=False)
    load_draft(people["network"], publish=True)
    assert client_for().get("/reseaux/prive/referentiel/").status_code == 404
    assert client_for(people["member"]).get("/reseaux/prive/referentiel/").status_code == 200


def test_open_data_downloads(people):
    client = client_for()
    data = client.get(BASE + "v/0.1/telecharger/json/")
    assert data.status_code == 200 and data["Content-Type"].startswith("application/json")
    assert json.loads(data.content)["version"] == "0.1"
    draft = yaml.safe_load(DRAFT.read_text())
    assert {**json.loads(data.content), "version": "0.1-draft"} == draft
    rows = list(csv.DictReader(io.StringIO(client.get(BASE + "v/0.1/telecharger/csv/").content.decode())))
    assert len(rows) == 117 and rows[0]["type"] == "version"
    assert yaml.safe_load(client.get(BASE + "v/0.1/telecharger/yaml/").content)["metiers"][0]["id"] == "M1"
    assert client.get(BASE + "v/0.1/telecharger/pdf/").status_code == 404


def test_skos_jsonld_holds_every_item(people):
    response = client_for().get(BASE + "v/0.1/telecharger/jsonld/")
    assert response["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.content)
    assert doc["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    scheme, *concepts = doc["@graph"]
    assert scheme["@type"] == "skos:ConceptScheme"
    assert scheme["owl:versionInfo"] == "0.1"
    assert scheme["dct:license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert scheme["@id"] == "http://testserver" + BASE + "v/0.1/"
    assert len(concepts) == 116 and all("skos:Concept" in c["@type"] for c in concepts)
    by_code = {c["skos:notation"]: c for c in concepts}
    m1 = by_code["M1"]
    assert m1["skos:prefLabel"] == {"@language": "fr", "@value": "Animateur·rice de coopération territoriale"}
    assert {"@language": "fr", "@value": "chargé·e de coopération"} in m1["skos:altLabel"]
    assert m1["skos:definition"]["@value"].startswith("Faire travailler ensemble")
    c2 = by_code["M1-C2"]
    assert c2["@id"] == "http://testserver" + BASE + "v/0.1/competences/M1-C2/"
    assert c2["skos:broader"] == [m1["@id"]] and c2["@id"] in m1["skos:narrower"]
    assert by_code["S4"]["@id"] in m1["skos:related"] and m1["@id"] in by_code["S4"]["skos:related"]
    assert set(scheme["skos:hasTopConcept"]) == {by_code[c]["@id"] for c in by_code if c[0] in "MS" and "-" not in c}


def test_the_proposal_workflow_through_the_pages(people):
    member = client_for(people["member"])
    response = member.post(
        BASE + "propositions/nouvelle/",
        {"kind": "add_competency", "target_code": "M7", "label": "Adapter au handicap", "reason": "Indicateur 26"},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}propositions/{proposal.pk}/"
    bad = member.post(BASE + "propositions/nouvelle/", {"kind": "retire_item", "target_code": "M99", "reason": "x"})
    assert bad.status_code == 200 and "M99" in bad.content.decode() and Proposal.objects.count() == 1
    comment = member.post(
        f"{BASE}propositions/{proposal.pk}/commenter/", {"text": "Bonne idée"}, HTTP_HX_REQUEST="true"
    )
    assert "Bonne idée" in comment.content.decode()
    assert member.post(f"{BASE}propositions/{proposal.pk}/decider/", {"decision": "accept"}).status_code == 403
    committee = client_for(people["committee"])
    refused = committee.post(f"{BASE}propositions/{proposal.pk}/decider/", {"decision": "refuse", "reason": ""})
    assert refused.status_code == 422
    accepted = committee.post(f"{BASE}propositions/{proposal.pk}/decider/", {"decision": "accept"})
    assert accepted.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED and proposal.result_code == "M7-C7"
    assert member.post(BASE + "v/0.2/publier/").status_code == 403
    assert committee.post(BASE + "v/0.2/publier/").status_code == 302
    diff = client_for().get(BASE + "v/0.2/modifications/").content.decode()
    assert "M7-C7" in diff and "Adapter au handicap" in diff
    assert "Indicateur 26" in client_for().get(BASE + "v/0.2/").content.decode()  # the changelog
    assert client_for().get(BASE + "competences/M7-C7/")["Location"] == BASE + "v/0.2/competences/M7-C7/"
    assert client_for().get(BASE + "v/0.1/competences/M7-C7/").status_code == 404  # 0.1 is as it was


def test_proposals_are_for_the_network_only(people):
    proposal = services.proposal_create(
        user=people["member"], network_id=people["network"].pk, kind="retire_item", target_code="M1", reason="x"
    )
    other = network_with_people("autre")
    anonymous = client_for().get(BASE + "propositions/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for user in (other["member"], other["committee"]):
        client = client_for(user)
        assert client.get(BASE + "propositions/").status_code == 404
        assert client.get(f"{BASE}propositions/{proposal.pk}/").status_code == 404
        assert client.post(f"{BASE}propositions/{proposal.pk}/decider/", {"decision": "accept"}).status_code == 404
        assert client.post(f"{BASE}propositions/{proposal.pk}/commenter/", {"text": "x"}).status_code == 404
        assert client.post(BASE + "v/0.1/publier/").status_code == 404
        # their own network's URL with our proposal's id
        own = f"/reseaux/autre/referentiel/propositions/{proposal.pk}/"
        assert client.get(own).status_code == 404
        assert client.post(own + "decider/", {"decision": "accept"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN and not proposal.comments.exists()
    page = client_for(people["member"]).get(BASE + "propositions/")
    assert "Retrait" in page.content.decode()


def test_pages_work_at_390_pixels_without_codes(people):
    """No code of ours shows: kinds, states and levels read in French."""
    services.proposal_create(
        user=people["member"], network_id=people["network"].pk, kind="add_job", label="Jardinier", reason="x"
    )
    client = client_for(people["committee"])
    for url in (BASE, BASE + "v/0.1/", BASE + "propositions/", BASE + "v/0.1/metiers/M1/"):
        text = client.get(url).content.decode()
        for code in ("add_job", "competency", ">open<", ">published<", ">draft<"):
            assert code not in text, (url, code)


def test_hostile_urls_are_404_not_500(people):
    client = client_for(people["member"])
    for url in (
        BASE + "propositions/99999999999999999999999/",
        BASE + "v/" + "9" * 300 + "/",
        BASE + "v/0.1/competences/" + "x" * 300 + "/",
        "/reseaux/" + "a" * 300 + "/referentiel/",
    ):
        assert client.get(url).status_code == 404, url
    too_long = client.get(BASE + "recherche/", {"q": "é" * 5000})
    assert too_long.status_code == 200
