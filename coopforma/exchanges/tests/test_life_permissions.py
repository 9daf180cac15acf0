# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who sees and changes an exchange: its participants' persons, its facilitator and the network's facilitators
see it (anybody else 404, another network's facilitator with our ids too); only the facilitators change its plan,
steps, state and milestones (403 for a participant); each participant writes only their own debrief; a published
artefact's public page exists only once every author agreed, and only while the network is public."""

import pytest
from django.urls import reverse

from coopforma.exchanges import exchange_services as services
from coopforma.exchanges.models import Artefact, ArtefactKind, Debrief, Licence, Milestone, Step
from coopforma.exchanges.tests.test_life_scene import build
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    scene = build()
    scene.milestone = Milestone.objects.create(exchange=scene.exchange, title="Charte écrite")
    scene.artefact = Artefact.objects.create(
        exchange=scene.exchange, kind=ArtefactKind.SHEET, title="Fiche", body="Secret Alpha", licence=Licence.CC_BY
    )
    scene.artefact.authors.add(scene.provider)
    Debrief.objects.create(participant=scene.p_provider, learnt="Bilan Alpha")
    return scene


def urls(s, slug="reseau-vif"):  # type: ignore[no-untyped-def]
    kw = {"network": slug, "exchange_id": s.exchange.pk}
    return [
        reverse("exchanges:exchange", kwargs=kw),
        reverse("exchanges:exchange_edit", kwargs=kw),
        reverse("exchanges:exchange_state", kwargs=kw),
        reverse("exchanges:step_create", kwargs=kw),
        reverse("exchanges:step_edit", kwargs={**kw, "step_id": s.past_step.pk}),
        reverse("exchanges:step_attendance", kwargs={**kw, "step_id": s.past_step.pk}),
        reverse("exchanges:debrief", kwargs=kw),
        reverse("exchanges:milestone_create", kwargs=kw),
        reverse("exchanges:milestone_edit", kwargs={**kw, "milestone_id": s.milestone.pk}),
        reverse("exchanges:artefact_create", kwargs=kw),
        reverse("exchanges:artefact", kwargs={**kw, "artefact_id": s.artefact.pk}),
    ]


POST_ONLY = [
    ("step_delete", "step_id"),
    ("milestone_mark", "milestone_id"),
    ("milestone_delete", "milestone_id"),
    ("artefact_agree", "artefact_id"),
    ("log_entry_create", None),
]


def post_urls(s, slug="reseau-vif"):  # type: ignore[no-untyped-def]
    ids = {"step_id": s.past_step.pk, "milestone_id": s.milestone.pk, "artefact_id": s.artefact.pk}
    kw = {"network": slug, "exchange_id": s.exchange.pk}
    return [reverse(f"exchanges:{name}", kwargs={**kw, **({key: ids[key]} if key else {})}) for name, key in POST_ONLY]


def test_anonymous_is_sent_to_login(s, client):  # type: ignore[no-untyped-def]
    for url in [*urls(s), reverse("exchanges:exchanges", kwargs={"network": "reseau-vif"})]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_participant_of_another_exchange_gets_404(s, web):  # type: ignore[no-untyped-def]
    client = web(s.third.user)
    for url in urls(s):
        assert client.get(url).status_code == 404, url
    for url in [*urls(s), *post_urls(s)]:
        assert client.post(url, {"body": "x", "title": "x"}).status_code == 404, url
    listing = client.get(reverse("exchanges:exchanges", kwargs={"network": "reseau-vif"})).content.decode()
    assert "Autre échange" in listing and "Gouvernance partagée" not in listing


def test_another_networks_facilitator_gets_404_with_its_slug_and_403_with_ours(s, web):  # type: ignore[no-untyped-def]
    client = web(s.other_facilitator)
    for url in [*urls(s, "reseau-autre"), *post_urls(s, "reseau-autre")]:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"title": "x", "body": "x"}).status_code == 404, url
    for url in urls(s):
        assert client.get(url).status_code == 403, url
    assert Step.objects.filter(exchange=s.exchange).count() == 2
    assert not s.exchange.log.exists()


def test_the_network_facilitators_see_every_exchange_the_members_only_theirs(s, web):  # type: ignore[no-untyped-def]
    another_facilitator = person(s.network, NetworkRole.FACILITATOR).user
    page = reverse("exchanges:exchange", kwargs={"network": "reseau-vif", "exchange_id": s.exchange.pk})
    assert web(another_facilitator).get(page).status_code == 200
    assert web(s.learner.user).get(page).status_code == 200
    assert web(person(s.network, NetworkRole.MEMBER).user).get(page).status_code == 404
    assert web(person(s.network, NetworkRole.COMMITTEE).user).get(page).status_code == 404


def test_a_participant_cannot_edit_the_plan_steps_state_nor_milestones(s, web):  # type: ignore[no-untyped-def]
    client = web(s.learner.user)
    kw = {"network": "reseau-vif", "exchange_id": s.exchange.pk}
    for name, extra in [
        ("exchange_edit", {}),
        ("exchange_state", {}),
        ("step_create", {}),
        ("step_edit", {"step_id": s.past_step.pk}),
        ("milestone_create", {}),
        ("milestone_edit", {"milestone_id": s.milestone.pk}),
    ]:
        url = reverse(f"exchanges:{name}", kwargs={**kw, **extra})
        assert client.get(url).status_code == 403, url
        response = client.post(
            url,
            {
                "title": "Piraté",
                "plan": "Piraté",
                "state": "cancelled",
                "reason": "x",
                "starts_at": "2026-01-01T09:00",
                "ends_at": "2026-01-01T10:00",
                "place": "x",
            },
        )
        assert response.status_code == 403, url
    for name, key in POST_ONLY[:3]:
        url = reverse(f"exchanges:{name}", kwargs={**kw, key: s.past_step.pk if key == "step_id" else s.milestone.pk})
        assert client.post(url).status_code == 403, url
    s.exchange.refresh_from_db()
    assert s.exchange.title == "Gouvernance partagée" and s.exchange.state == "arranging"
    assert Step.objects.filter(exchange=s.exchange).count() == 2
    assert Milestone.objects.filter(exchange=s.exchange, done_on__isnull=True).count() == 1


def test_attendance_is_recorded_by_the_facilitators_or_the_steps_host_only(s, web):  # type: ignore[no-untyped-def]
    s.exchange.attendance_required = True
    s.exchange.save()
    url = reverse(
        "exchanges:step_attendance",
        kwargs={"network": "reseau-vif", "exchange_id": s.exchange.pk, "step_id": s.past_step.pk},
    )
    assert web(s.learner.user).post(url, {"present": [s.p_learner.pk]}).status_code == 403
    s.past_step.host = s.learner
    s.past_step.save()
    assert web(s.learner.user).post(url, {"present": [s.p_learner.pk]}).status_code == 302
    assert list(s.past_step.present.all()) == [s.p_learner]


def test_a_participant_writes_only_their_own_debrief(s, web):  # type: ignore[no-untyped-def]
    client = web(s.learner.user)
    url = reverse("exchanges:debrief", kwargs={"network": "reseau-vif", "exchange_id": s.exchange.pk})
    page = client.get(url).content.decode()
    assert "Bilan Alpha" not in page  # the form is theirs, empty
    assert client.post(url, {"learnt": "Mon bilan Beta"}).status_code == 302
    assert Debrief.objects.get(participant=s.p_provider).learnt == "Bilan Alpha"
    assert Debrief.objects.get(participant=s.p_learner).learnt == "Mon bilan Beta"
    # A facilitator who does not take part has no debrief to write.
    assert web(s.facilitator).get(url).status_code == 403


def test_only_an_author_edits_or_agrees_to_an_artefact(s, web):  # type: ignore[no-untyped-def]
    kw = {"network": "reseau-vif", "exchange_id": s.exchange.pk, "artefact_id": s.artefact.pk}
    client = web(s.learner.user)
    assert client.get(reverse("exchanges:artefact", kwargs=kw)).status_code == 200  # read by the exchange
    post = {"kind": "sheet", "title": "Piratée", "body": "x", "licence": "cc0-1.0"}
    assert client.post(reverse("exchanges:artefact", kwargs=kw), post).status_code == 403
    assert client.post(reverse("exchanges:artefact_agree", kwargs=kw)).status_code == 403
    s.artefact.refresh_from_db()
    assert s.artefact.title == "Fiche" and s.artefact.published_at is None


def test_the_public_artefact_page_waits_for_every_author_and_a_public_network(s, client):  # type: ignore[no-untyped-def]
    artefact = services.artefact_create(
        actor=s.actor(s.provider.user),
        exchange=s.exchange,
        kind=ArtefactKind.STORY,
        title="Récit Alpha",
        body="Ce que nous avons appris.",
        licence=Licence.CC_BY_SA,
        coauthor_ids=[s.learner.pk],
    )
    url = reverse("exchanges:artefact_public", kwargs={"network": "reseau-vif", "artefact_id": artefact.pk})
    assert client.get(url).status_code == 404  # the co-author has not agreed
    services.artefact_agree(actor=s.actor(s.learner.user), artefact=artefact)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Fabrique Alpha" in body and "Tiers-lieu Beta" in body
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in body
    wrong = reverse("exchanges:artefact_public", kwargs={"network": "reseau-autre", "artefact_id": artefact.pk})
    assert client.get(wrong).status_code == 404
    s.network.is_public = False
    s.network.save()
    assert client.get(url).status_code == 404


def test_an_id_beyond_64_bits_is_404_not_500(s, web, client):  # type: ignore[no-untyped-def]
    huge = 10**30
    facilitator = web(s.facilitator)
    kw = {"network": "reseau-vif"}
    assert facilitator.get(reverse("exchanges:exchange", kwargs={**kw, "exchange_id": huge})).status_code == 404
    for name, key in [("step_edit", "step_id"), ("milestone_edit", "milestone_id"), ("artefact", "artefact_id")]:
        url = reverse(f"exchanges:{name}", kwargs={**kw, "exchange_id": s.exchange.pk, key: huge})
        assert facilitator.get(url).status_code == 404, url
    assert client.get(reverse("exchanges:artefact_public", kwargs={**kw, "artefact_id": huge})).status_code == 404
