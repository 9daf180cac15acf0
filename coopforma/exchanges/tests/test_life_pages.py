# SPDX-License-Identifier: AGPL-3.0-or-later
"""An exchange's life through its pages: the list (filters, constant queries), the page (roles in French, no
contact details, declared debriefs), the facilitators' edits and states, steps in Paris time and their
attendance, debriefs in référentiel competencies, artefacts published once every author agreed, learning
expeditions and compagnonnages with their French refusals."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coopforma.exchanges.models import (
    Artefact,
    Debrief,
    Exchange,
    ExchangeKind,
    LogEntry,
    Milestone,
    Participant,
    Step,
)
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.exchanges.tests.test_life_scene import build

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    return build()


def u(name, s, **kw):  # type: ignore[no-untyped-def]
    if name not in ("exchanges", "expedition_create", "transfer_create"):
        kw.setdefault("exchange_id", s.exchange.pk)
    return reverse(f"exchanges:{name}", kwargs={"network": "reseau-vif", **kw})


def test_the_list_filters_and_keeps_constant_queries(s, web, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    page = client.get(u("exchanges", s)).content.decode()
    assert "Gouvernance partagée" in page and "Autre échange" in page and "Mise en relation en cours" in page
    assert "Autre échange" not in client.get(u("exchanges", s) + "?kind=expedition").content.decode()
    assert "Aucun échange" in client.get(u("exchanges", s) + "?state=done").content.decode()
    assert client.get(u("exchanges", s) + "?state=nimportequoi").status_code == 200
    with django_assert_max_num_queries(20) as few:
        client.get(u("exchanges", s))
    for _ in range(5):
        exchange_between(joined_member(s.network), joined_member(s.network))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(u("exchanges", s))


def test_the_exchange_page_shows_roles_and_no_contact_details(s, web, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    Debrief.objects.create(participant=s.p_provider, learnt="J'ai transmis la méthode.")
    with django_assert_max_num_queries(40):
        page = web(s.learner.user).get(u("exchange", s)).content.decode()
    assert "Transmet son savoir-faire" in page and "Apprend" in page
    assert s.provider.email not in page and s.provider.phone not in page
    assert "transmis la méthode." in page and "déclarés" in page
    assert "Modifier le déroulé" not in page  # a participant does not edit


def test_the_facilitator_edits_plan_dates_competencies_and_refuses_bad_dates(s, web):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    data = {
        "title": "Gouvernance partagée",
        "format": "workshop",
        "starts_on": "2026-05-10",
        "ends_on": "2026-05-01",
        "plan": "Matin : visite",
        "competency_ids": [s.c1.pk],
        "attendance_required": "on",
    }
    response = client.post(u("exchange_edit", s), data)
    assert (
        response.status_code == 200 and "La fin de l&#x27;échange doit suivre son début." in response.content.decode()
    )
    s.exchange.refresh_from_db()
    assert s.exchange.plan == ""
    response = client.post(u("exchange_edit", s), {**data, "ends_on": "2026-05-12"})
    assert response.status_code == 302
    s.exchange.refresh_from_db()
    assert s.exchange.plan == "Matin : visite" and s.exchange.attendance_required
    assert list(s.exchange.competencies.all()) == [s.c1]
    other = build_competency_elsewhere(s)
    refused = client.post(u("exchange_edit", s), {**data, "ends_on": "2026-05-12", "competency_ids": [other.pk]})
    assert refused.status_code == 200 and list(s.exchange.competencies.all()) == [s.c1]


def build_competency_elsewhere(s):  # type: ignore[no-untyped-def]
    from coopforma.referentiel.models import Item, ItemKind, Referentiel, Version, VersionState

    version = Version.objects.create(
        referentiel=Referentiel.objects.create(network=s.other_network), number="1.0", major=1,
        state=VersionState.PUBLISHED,
    )  # fmt: skip
    return Item.objects.create(version=version, kind=ItemKind.COMPETENCY, code="X1", label="Ailleurs")


def test_states_done_after_a_step_and_cancelled_with_a_reason(s, web):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    fresh = exchange_between(s.third, s.learner, facilitator=s.facilitator)  # only a step tomorrow
    refused = client.post(u("exchange_state", s, exchange_id=fresh.pk), {"state": "done"})
    assert "Un échange est réalisé une fois qu&#x27;une de ses étapes a eu lieu." in refused.content.decode()
    assert client.post(u("exchange_state", s, exchange_id=fresh.pk), {"state": "cancelled"}).status_code == 200
    fresh.refresh_from_db()
    assert fresh.state == "arranging"
    assert (
        client.post(u("exchange_state", s, exchange_id=fresh.pk), {"state": "cancelled", "reason": "Météo"}).status_code
        == 302
    )
    fresh.refresh_from_db()
    assert fresh.state == "cancelled" and LogEntry.objects.get(exchange=fresh).body == "Échange annulé : Météo"
    assert client.post(u("exchange_state", s), {"state": "planned"}).status_code == 302
    assert client.post(u("exchange_state", s), {"state": "done"}).status_code == 302
    s.exchange.refresh_from_db()
    assert s.exchange.state == "done"


def test_steps_are_in_paris_time_and_ordered(s, web):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    base = {"title": "Atelier", "place": "La Fabrique, Lyon", "host_id": s.provider.pk}
    bad = client.post(u("step_create", s), {**base, "starts_at": "2026-06-10T14:00", "ends_at": "2026-06-10T09:00"})
    assert bad.status_code == 200 and "La fin de l&#x27;étape doit suivre son début." in bad.content.decode()
    nowhere = client.post(
        u("step_create", s), {**base, "place": "", "starts_at": "2026-06-10T09:00", "ends_at": "2026-06-10T12:00"}
    )
    assert nowhere.status_code == 200 and Step.objects.filter(title="Atelier").count() == 0
    stranger = client.post(
        u("step_create", s),
        {**base, "host_id": s.third.pk, "starts_at": "2026-06-10T09:00", "ends_at": "2026-06-10T12:00"},
    )
    assert stranger.status_code == 200 and Step.objects.filter(title="Atelier").count() == 0
    ok = client.post(u("step_create", s), {**base, "starts_at": "2026-06-10T09:00", "ends_at": "2026-06-10T12:00"})
    assert ok.status_code == 302
    step = Step.objects.get(title="Atelier")
    assert step.starts_at == dt.datetime(2026, 6, 10, 7, 0, tzinfo=dt.UTC)  # 9:00 in Paris (summer time)
    assert step.host == s.provider
    assert "10 juin 2026 09:00" in client.get(u("exchange", s)).content.decode()
    assert client.post(u("step_delete", s, step_id=step.pk)).status_code == 302
    assert not Step.objects.filter(pk=step.pk).exists()


def test_attendance_after_the_step_started_seen_by_participants(s, web):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    past = u("step_attendance", s, step_id=s.past_step.pk)
    refused = client.post(past, {"present": [s.p_learner.pk]})
    assert "ne relève pas l&#x27;émargement" in refused.content.decode()
    s.exchange.attendance_required = True
    s.exchange.save()
    early = client.post(u("step_attendance", s, step_id=s.future_step.pk), {"present": [s.p_learner.pk]})
    assert "une fois l&#x27;étape commencée" in early.content.decode()
    assert s.future_step.attendance_taken_at is None
    other = Participant.objects.filter(exchange=s.other_exchange).first()
    assert client.post(past, {"present": [other.pk]}).status_code == 200
    assert client.post(past, {"present": [s.p_learner.pk, s.p_provider.pk]}).status_code == 302
    s.past_step.refresh_from_db()
    assert s.past_step.attendance_taken_at is not None and s.past_step.present.count() == 2
    page = web(s.learner.user).get(u("exchange", s)).content.decode()
    assert "Non relevé" in page and "Fabrique Alpha, Tiers-lieu Beta" in page


def test_debriefs_wait_for_a_past_step_cite_competencies_and_are_read_by_the_others(s, web):  # type: ignore[no-untyped-def]
    fresh = exchange_between(s.third, s.learner)
    client = web(s.learner.user)
    early = client.post(u("debrief", s, exchange_id=fresh.pk), {"learnt": "Trop tôt"})
    assert early.status_code == 200 and not Debrief.objects.exists()
    data = {"learnt": "Animer sans chef", "rating": "4", "competency_1": s.c1.pk, "level_1": "pratique"}
    assert client.post(u("debrief", s), {**data, "competency_2": s.c1.pk}).status_code == 200
    assert client.post(u("debrief", s), {**data, "rating": "9"}).status_code == 200
    assert not Debrief.objects.exists()
    assert client.post(u("debrief", s), data).status_code == 302
    debrief = Debrief.objects.get(participant=s.p_learner)
    assert [(c.competency, c.level) for c in debrief.competencies.all()] == [(s.c1, "pratique")]
    assert client.post(u("debrief", s), {**data, "competency_1": s.c2.pk, "level_1": ""}).status_code == 302
    assert [c.competency for c in debrief.competencies.all()] == [s.c2]
    page = web(s.provider.user).get(u("exchange", s)).content.decode()
    assert "Animer sans chef" in page and "M1-C2" in page and "ne valent pas évaluation" in page


def test_an_artefact_is_published_once_every_author_agreed(s, web, client):  # type: ignore[no-untyped-def]
    mine = web(s.provider.user)
    data = {"kind": "sheet", "title": "Fiche gouvernance", "body": "Trois outils.", "licence": "etalab-2.0"}
    assert mine.post(u("artefact_create", s), {**data, "coauthor_ids": [s.third.pk]}).status_code == 200
    assert mine.post(u("artefact_create", s), {**data, "coauthor_ids": [s.learner.pk]}).status_code == 302
    artefact = Artefact.objects.get()
    assert artefact.published_at is None and set(artefact.authors.all()) == {s.provider, s.learner}
    page = mine.get(u("artefact", s, artefact_id=artefact.pk)).content.decode()
    assert "accord attendu" in page and "Licence Ouverte" in page
    # An edit before publication asks the others again.
    theirs = web(s.learner.user)
    assert (
        theirs.post(
            u("artefact", s, artefact_id=artefact.pk),
            {**data, "body": "Quatre outils.", "coauthor_ids": [s.provider.pk]},
        ).status_code
        == 302
    )
    assert list(artefact.agreements.values_list("author_id", flat=True)) == [s.learner.pk]
    assert mine.post(u("artefact_agree", s, artefact_id=artefact.pk)).status_code == 302
    artefact.refresh_from_db()
    assert artefact.published_at is not None
    public = client.get(
        reverse("exchanges:artefact_public", kwargs={"network": "reseau-vif", "artefact_id": artefact.pk})
    )
    assert public.status_code == 200 and "Quatre outils." in public.content.decode()
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in public.content.decode()
    frozen = theirs.post(
        u("artefact", s, artefact_id=artefact.pk), {**data, "coauthor_ids": [s.provider.pk]}, follow=True
    )
    assert "ne change plus" in frozen.content.decode()
    artefact.refresh_from_db()
    assert artefact.body == "Quatre outils."


def test_a_learning_expedition_with_a_cohort_hosts_steps_and_a_shared_log(s, web):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    assert web(s.learner.user).get(u("expedition_create", s)).status_code == 403
    host2 = joined_member(s.network, display_name="Tiers-lieu Epsilon")
    data = {
        "title": "Expédition Drôme",
        "learner_ids": [s.learner.pk, s.third.pk],
        "host_ids": [s.provider.pk, host2.pk],
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-03",
        "logistics": "Covoiturage depuis Lyon",
    }
    twice = client.post(u("expedition_create", s), {**data, "host_ids": [s.provider.pk, s.learner.pk]})
    assert "Une même personne est choisie deux fois." in twice.content.decode()
    elsewhere = client.post(u("expedition_create", s), {**data, "host_ids": [s.other_member.pk]})
    assert elsewhere.status_code == 200 and "Sélectionnez un choix valide" in elsewhere.content.decode()
    assert not Exchange.objects.filter(kind=ExchangeKind.EXPEDITION).exists()
    response = client.post(u("expedition_create", s), data)
    expedition = Exchange.objects.get(kind=ExchangeKind.EXPEDITION)
    assert response["Location"] == u("exchange", s, exchange_id=expedition.pk)
    roles = dict(expedition.participants.values_list("member_id", "role"))
    assert roles == {s.learner.pk: "learner", s.third.pk: "learner", s.provider.pk: "host", host2.pk: "host"}
    step = {"title": "Visite 1", "starts_at": "2026-09-01T10:00", "ends_at": "2026-09-01T16:00", "place": "Die"}
    assert client.post(u("step_create", s, exchange_id=expedition.pk), {**step, "host_id": host2.pk}).status_code == 302
    assert (
        web(s.third.user).post(u("log_entry_create", s, exchange_id=expedition.pk), {"body": "Départ à 8h"}).status_code
        == 302
    )
    assert web(host2.user).post(u("log_entry_create", s, exchange_id=expedition.pk), {"body": ""}).status_code == 302
    assert list(LogEntry.objects.filter(exchange=expedition).values_list("author_id", "body")) == [
        (s.third.pk, "Départ à 8h")
    ]
    page = web(host2.user).get(u("exchange", s, exchange_id=expedition.pk)).content.decode()
    assert "Programme des visites" in page and "Covoiturage depuis Lyon" in page and "Départ à 8h" in page


def test_a_compagnonnage_with_milestones_due_after_its_start(s, web):  # type: ignore[no-untyped-def]
    client = web(s.facilitator)
    data = {
        "title": "Essaimage du PTCE",
        "compagnon_id": s.provider.pk,
        "beneficiary_ids": [s.third.pk],
        "themes": "Gouvernance, modèle économique",
        "starts_on": "2026-10-01",
    }
    same = client.post(u("transfer_create", s), {**data, "beneficiary_ids": [s.provider.pk]})
    assert "Une même personne est choisie deux fois." in same.content.decode()
    assert client.post(u("transfer_create", s), data).status_code == 302
    transfer = Exchange.objects.get(kind=ExchangeKind.TRANSFER)
    assert dict(transfer.participants.values_list("member_id", "role")) == {
        s.provider.pk: "compagnon",
        s.third.pk: "beneficiary",
    }
    early = client.post(
        u("milestone_create", s, exchange_id=transfer.pk), {"title": "Diagnostic", "due_on": "2026-09-15"}
    )
    assert "L&#x27;échéance ne peut pas précéder le début de l&#x27;échange." in early.content.decode()
    assert not Milestone.objects.exists()
    ok = client.post(
        u("milestone_create", s, exchange_id=transfer.pk),
        {"title": "Diagnostic", "deliverable": "Rapport", "due_on": "2026-10-15"},
    )
    assert ok.status_code == 302
    milestone = Milestone.objects.get()
    assert client.post(u("milestone_mark", s, exchange_id=transfer.pk, milestone_id=milestone.pk)).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    page = web(s.third.user).get(u("exchange", s, exchange_id=transfer.pk)).content.decode()
    assert "Structure compagnon" in page and "Rapport" in page and "Gouvernance, modèle économique" in page
