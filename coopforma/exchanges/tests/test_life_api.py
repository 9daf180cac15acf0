# SPDX-License-Identifier: AGPL-3.0-or-later
"""An exchange's life through the API: my exchanges (constant queries), one of them, my debrief, the shared log,
the artefacts and their agreements; another network's facilitator with our ids and a participant of another
exchange get 404, nothing written."""

import json

import pytest

from coopforma.accounts.tests.factories import MembershipFactory
from coopforma.exchanges.models import Artefact, Debrief, LogEntry, Milestone
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.exchanges.tests.test_life_scene import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    return build()


@pytest.fixture
def token(api):  # type: ignore[no-untyped-def]
    def _client(user):  # type: ignore[no-untyped-def]
        return api(user, MembershipFactory(user=user).organisation)

    return _client


def base(s, slug="reseau-vif", exchange_id=None):  # type: ignore[no-untyped-def]
    return f"/api/v1/exchanges/networks/{slug}/exchanges/{exchange_id or s.exchange.pk}"


def send(client, method, url, body):  # type: ignore[no-untyped-def]
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_my_exchanges_and_one_of_them(s, token, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    s.exchange.competencies.add(s.c2)
    Milestone.objects.create(exchange=s.exchange, title="Charte", deliverable="La charte signée")
    client = token(s.learner.user)
    listed = client.get("/api/v1/exchanges/networks/reseau-vif/exchanges").json()
    assert [e["title"] for e in listed["items"]] == ["Gouvernance partagée"]
    one = client.get(base(s)).json()
    assert {p["role"] for p in one["participants"]} == {"provider", "learner"}
    assert "email" not in json.dumps(one["participants"])
    assert [c["code"] for c in one["competencies"]] == ["M1-C2"]
    assert one["milestones"][0]["deliverable"] == "La charte signée" and one["milestones"][0]["done_on"] is None
    assert listed["items"][0]["facilitator"] == s.facilitator.get_full_name()
    facilitator = token(s.facilitator)
    assert facilitator.get("/api/v1/exchanges/networks/reseau-vif/exchanges").json()["count"] == 2
    assert facilitator.get("/api/v1/exchanges/networks/reseau-vif/exchanges?state=done").json()["count"] == 0
    with django_assert_max_num_queries(20) as few:
        facilitator.get("/api/v1/exchanges/networks/reseau-vif/exchanges")
    for _ in range(4):
        more = exchange_between(joined_member(s.network), joined_member(s.network), facilitator=s.facilitator)
        more.competencies.add(s.c1)
        Milestone.objects.create(exchange=more, title="Jalon")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert facilitator.get("/api/v1/exchanges/networks/reseau-vif/exchanges").json()["count"] == 6


def test_my_debrief_in_competencies_refused_values_write_nothing(s, token):  # type: ignore[no-untyped-def]
    client = token(s.learner.user)
    body = {
        "learnt": "Animer sans chef",
        "rating": 5,
        "competencies": [{"competency_id": s.c1.pk, "level": "maitrise"}],
    }
    bad_level = send(
        client, "PUT", base(s) + "/debrief", {**body, "competencies": [{"competency_id": s.c1.pk, "level": "x"}]}
    )
    assert bad_level.status_code == 422 and bad_level.json()["detail"] == "Ce niveau n'existe pas."
    elsewhere = send(
        client, "PUT", base(s) + "/debrief", {**body, "competencies": [{"competency_id": 10**6, "level": ""}]}
    )
    assert elsewhere.status_code == 422
    assert not Debrief.objects.exists()
    written = send(client, "PUT", base(s) + "/debrief", body)
    assert written.status_code == 200 and written.json()["declared"] is True
    assert written.json()["competencies"][0]["code"] == "M1-C1"
    listed = token(s.provider.user).get(base(s) + "/debriefs").json()
    assert [d["learnt"] for d in listed["items"]] == ["Animer sans chef"]
    # The facilitator reads them but has no debrief of their own to write.
    assert send(token(s.facilitator), "PUT", base(s) + "/debrief", body).status_code == 403


def test_the_shared_log_and_the_artefacts(s, token):  # type: ignore[no-untyped-def]
    provider, learner = token(s.provider.user), token(s.learner.user)
    assert send(provider, "POST", base(s) + "/log-entries", {"body": "Merci pour l'accueil"}).status_code == 201
    assert learner.get(base(s) + "/log-entries").json()["items"][0]["author"] == "Fabrique Alpha"
    assert send(token(s.facilitator), "POST", base(s) + "/log-entries", {"body": "x"}).status_code == 403
    draft = {"kind": "tool", "title": "Grille", "body": "…", "licence": "cc0-1.0", "coauthor_ids": [s.third.pk]}
    assert send(provider, "POST", base(s) + "/artefacts", draft).status_code == 422
    created = send(provider, "POST", base(s) + "/artefacts", {**draft, "coauthor_ids": [s.learner.pk]})
    assert created.status_code == 201 and created.json()["published_at"] is None
    artefact_id = created.json()["id"]
    agreed = learner.post(base(s) + f"/artefacts/{artefact_id}/agreements")
    assert agreed.status_code == 201 and agreed.json()["published_at"] is not None
    assert agreed.json()["agreed_author_ids"] == sorted([s.provider.pk, s.learner.pk])


def test_others_get_404_and_write_nothing(s, token):  # type: ignore[no-untyped-def]
    artefact = Artefact.objects.create(exchange=s.exchange, kind="sheet", title="F", body="…", licence="cc0-1.0")
    artefact.authors.add(s.provider)
    for client, slug in [(token(s.other_facilitator), "reseau-autre"), (token(s.third.user), "reseau-vif")]:
        url = base(s, slug)
        assert client.get(url).status_code == 404
        assert client.get(url + "/log-entries").status_code == 404
        assert client.get(url + "/debriefs").status_code == 404
        assert send(client, "PUT", url + "/debrief", {"learnt": "x"}).status_code == 404
        assert send(client, "POST", url + "/log-entries", {"body": "x"}).status_code == 404
        assert client.post(url + f"/artefacts/{artefact.pk}/agreements").status_code == 404
    assert token(s.other_facilitator).get(base(s)).status_code == 404  # our slug: not in our network
    assert not Debrief.objects.exists() and not LogEntry.objects.filter(exchange=s.exchange).exists()
    assert not artefact.agreements.exists()
