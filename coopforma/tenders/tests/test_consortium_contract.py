# SPDX-License-Identifier: AGPL-3.0-or-later
"""A won groupement started in the mandataire's organisation: one draft session per lot won, from the matching
training chosen, through the sessions' service, and per lot what billing needs (amount in cents, the buyer's
Chorus Pro data). Only a person of the mandataire allowed to create sessions; a refused form writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coopforma.accounts.models import Membership
from coopforma.billing.models import Invoice
from coopforma.catalogue.models import TrainingStatus
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.log import ActivityLog
from coopforma.people.tests.factories import TraineeFactory
from coopforma.tenders import consortium_services as svc
from coopforma.tenders import services
from coopforma.tenders.models import ConsortiumLotContract, NoticeLot
from coopforma.tenders.tests.factories import notice, scenario
from coopforma.training_sessions.models import Enrolment, Session

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    scene.notice = notice(object="Formation à la coopération territoriale et à l'animation de réseaux d'acteurs")
    scene.lot1 = NoticeLot.objects.create(
        notice=scene.notice, number="1", title="Coopération territoriale", amount_cents=800_000
    )
    scene.lot2 = NoticeLot.objects.create(notice=scene.notice, number="2", title="Animation de réseaux")
    scene.lot3 = NoticeLot.objects.create(notice=scene.notice, number="3", title="Tutorat")  # not answered
    for org, user in [(scene.coop, scene.coop_user), (scene.other_coop, scene.other_coop_user)]:
        services.interest_create(actor=scene.actor(user), notice=scene.notice, organisation_id=org.pk)
    moderator = scene.actor(scene.moderator)
    scene.consortium = svc.consortium_create(
        actor=moderator,
        notice=scene.notice,
        form="joint",
        mandataire_id=scene.coop.pk,
        member_ids=[scene.other_coop.pk],
    )
    svc.consortium_shares_set(
        actor=moderator,
        consortium=scene.consortium,
        shares={
            (scene.coop.pk, scene.lot1.pk): 1000,
            (scene.coop.pk, scene.lot2.pk): 400,
            (scene.other_coop.pk, scene.lot2.pk): 600,
        },
    )
    svc.consortium_state_set(actor=moderator, consortium=scene.consortium, state="submitted")
    svc.consortium_state_set(actor=moderator, consortium=scene.consortium, state="won", price_cents=1_500_000)
    svc.consortium_client_create(actor=scene.actor(scene.coop_user), consortium=scene.consortium, siret=SIRET)
    scene.training = TrainingFactory(
        organisation=scene.coop, title="Animer la coopération territoriale", status=TrainingStatus.VALIDATED
    )
    scene.draft_training = TrainingFactory(
        organisation=scene.coop, title="Animation de réseaux coopératifs", status=TrainingStatus.DRAFT
    )
    scene.unrelated = TrainingFactory(
        organisation=scene.coop,
        title="Tableur avancé",
        summary="",
        objectives=["Calculer"],
        status=TrainingStatus.VALIDATED,
    )
    scene.others = TrainingFactory(
        organisation=scene.other_coop, title="Coopération territoriale", status=TrainingStatus.VALIDATED
    )
    return scene


def url(slug, consortium):  # type: ignore[no-untyped-def]
    return reverse("tenders:consortium_contract", kwargs={"network": slug, "consortium_id": consortium.pk})


def form(s, **changes):  # type: ignore[no-untyped-def]
    data = {
        f"training_{s.lot1.pk}": s.training.pk,
        f"amount_{s.lot1.pk}": "8 000,00",
        f"training_{s.lot2.pk}": s.training.pk,
        f"amount_{s.lot2.pk}": "7 000,50",
        "buyer_siret": "732 829 320 00074",
        "chorus_service_code": "SERV-FORMATION",
        "commitment_number": "EJ-2026/0042",
    }
    data.update(changes)
    return data


def test_a_person_of_the_mandataire_creates_one_draft_session_per_lot_won_with_its_billing_data(s, web):  # type: ignore[no-untyped-def]
    client = web(s.coop_user)
    page = client.get(url("reseau-coop", s.consortium)).content.decode()
    assert "Animer la coopération territoriale" in page and "Tableur avancé" not in page
    assert f"amount_{s.lot3.pk}" not in page  # a lot not answered is not asked
    response = client.post(url("reseau-coop", s.consortium), form(s))
    assert response.status_code == 302
    contracts = list(ConsortiumLotContract.objects.filter(consortium=s.consortium).order_by("lot__number"))
    assert [(c.lot, c.amount_cents) for c in contracts] == [(s.lot1, 800_000), (s.lot2, 700_050)]
    assert {(c.buyer_siret, c.chorus_service_code, c.commitment_number) for c in contracts} == {
        (SIRET, "SERV-FORMATION", "EJ-2026/0042")
    }
    sessions = Session.objects.filter(pk__in=[c.session_id for c in contracts])
    assert {(x.organisation_id, x.training_id, x.status) for x in sessions} == {(s.coop.pk, s.training.pk, "draft")}
    assert "lot 2 Animation de réseaux" in contracts[1].session.title
    assert ActivityLog.objects.filter(action="tenders.consortium.contract_started").count() == 1
    page = client.get(url("reseau-coop", s.consortium)).content.decode()
    assert "EJ-2026/0042" in page and "8 000,00" in page.replace("\xa0", " ").replace("\u202f", " ")
    # Once.
    with pytest.raises(ValidationError, match="déjà créées"):
        svc.contract_start(actor=s.actor(s.coop_user), consortium=s.consortium, lots={}, buyer_siret=SIRET)
    assert Session.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"buyer_siret": "12345678901234"}, "Luhn"),
        ({"buyer_siret": "123"}, "14 chiffres"),
        ({"chorus_service_code": "code avec espaces"}, "Code service Chorus Pro"),
        ({"commitment_number": "X" * 51}, "50 caractères"),
        ({"amount_LOT1": "0"}, "supérieur à 0"),
        ({"amount_LOT1": "-5,00"}, "négatif"),
        ({"training_LOT1": "UNRELATED"}, "Sélectionnez un choix valide"),
        ({"training_LOT2": "DRAFT"}, "Faites d&#x27;abord valider la formation"),
    ],
)
def test_a_refused_form_writes_nothing_and_says_why_in_french(s, web, changes, message):  # type: ignore[no-untyped-def]
    values = {"UNRELATED": s.unrelated.pk, "DRAFT": s.draft_training.pk}
    data = form(s)
    for key, value in changes.items():
        key = key.replace("LOT1", str(s.lot1.pk)).replace("LOT2", str(s.lot2.pk))
        data[key] = values.get(value, value)
    response = web(s.coop_user).post(url("reseau-coop", s.consortium), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ConsortiumLotContract.objects.exists() and not Session.objects.exists()


def test_the_service_refuses_a_training_of_another_member_and_missing_lots(s):  # type: ignore[no-untyped-def]
    actor = s.actor(s.coop_user)
    with pytest.raises(ValidationError) as exc:
        svc.contract_start(
            actor=actor,
            consortium=s.consortium,
            lots={s.lot1.pk: (s.others.pk, 100), s.lot3.pk: (s.training.pk, 100)},
            buyer_siret=SIRET,
        )
    text = str(exc.value)
    assert "formation de l'organisation mandataire" in text and "chaque lot remporté" in text
    assert not ConsortiumLotContract.objects.exists() and not Session.objects.exists()


def test_only_a_person_of_the_mandataire_and_only_in_our_network(s, web):  # type: ignore[no-untyped-def]
    # The moderator (no membership in the mandataire) and the other member: refused, nothing written.
    with pytest.raises(PermissionDenied):
        svc.contract_start(
            actor=s.actor(s.moderator),
            consortium=s.consortium,
            lots={s.lot1.pk: (s.training.pk, 100), s.lot2.pk: (s.training.pk, 100)},
            buyer_siret=SIRET,
        )
    assert web(s.other_coop_user).post(url("reseau-coop", s.consortium), form(s)).status_code == 403
    # Another network's moderator with its own slug and our ids: 404; with ours, no role: 403.
    assert web(s.outsider).post(url("autre-reseau", s.consortium), form(s)).status_code == 404
    assert web(s.outsider).get(url("autre-reseau", s.consortium)).status_code == 404
    assert web(s.outsider).get(url("reseau-coop", s.consortium)).status_code == 403
    assert not ConsortiumLotContract.objects.exists() and not Session.objects.exists()


def test_not_before_the_groupement_is_won_with_its_buyer_a_client(s, web):  # type: ignore[no-untyped-def]
    s.consortium.client = None
    s.consortium.save()
    with pytest.raises(ValidationError, match="client"):
        svc.contract_start(actor=s.actor(s.coop_user), consortium=s.consortium, lots={}, buyer_siret=SIRET)
    s.consortium.state = "lost"
    s.consortium.save()
    with pytest.raises(ValidationError, match="remporté"):
        svc.contract_start(actor=s.actor(s.coop_user), consortium=s.consortium, lots={}, buyer_siret=SIRET)
    page = web(s.coop_user).get(url("reseau-coop", s.consortium)).content.decode()
    assert "quand le groupement l&#x27;a remporté" in page or "quand le groupement l'a remporté" in page


def test_the_api_gives_the_lots_started_to_the_groupements_members_in_constant_queries(  # type: ignore[no-untyped-def]
    s, api, django_assert_max_num_queries
):
    svc.contract_start(
        actor=s.actor(s.coop_user),
        consortium=s.consortium,
        lots={s.lot1.pk: (s.training.pk, 800_000), s.lot2.pk: (s.training.pk, 700_050)},
        buyer_siret=SIRET,
        commitment_number="EJ-1",
    )
    client = api(s.other_coop_user, s.other_coop)
    with django_assert_max_num_queries(14):
        listed = client.get("/api/v1/tenders/consortiums").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    contracts = items[0]["contracts"]
    assert [(c["lot"], c["amount_cents"], c["commitment_number"]) for c in contracts] == [
        ("1", 800_000, "EJ-1"),
        ("2", 700_050, "EJ-1"),
    ]
    assert items[0]["milestones"] == []  # the notice had no deadline


# --- the first dates from the execution period; the drafts (invoices, enrolments) from a started contract -------


def started(s, **kwargs):  # type: ignore[no-untyped-def]
    return svc.contract_start(
        actor=s.actor(s.coop_user),
        consortium=s.consortium,
        lots={s.lot1.pk: (s.training.pk, 800_000), s.lot2.pk: (s.training.pk, 700_050)},
        buyer_siret=SIRET,
        chorus_service_code="SERV-FORMATION",
        commitment_number="EJ-2026/0042",
        **kwargs,
    )


def test_the_sessions_first_day_is_the_start_of_the_execution_period_when_known(s):  # type: ignore[no-untyped-def]
    s.consortium.period_start, s.consortium.period_end = dt.date(2027, 3, 1), dt.date(2027, 6, 30)
    s.consortium.save()
    contracts = started(s)
    for contract in contracts:
        session = Session.objects.get(pk=contract.session_id)
        assert (session.start_date, session.end_date) == (dt.date(2027, 3, 1), dt.date(2027, 3, 1))
        assert session.total_minutes > 0
        assert "du 1er mars 2027 au 30 juin 2027" in session.notes or "01/03/2027" in session.notes
        assert s.notice.idweb in session.notes


def test_without_an_execution_period_the_sessions_have_no_date(s):  # type: ignore[no-untyped-def]
    for contract in started(s):
        session = Session.objects.get(pk=contract.session_id)
        assert session.start_date is None and not session.slots.exists()


def drafts_url(slug, consortium):  # type: ignore[no-untyped-def]
    return reverse("tenders:consortium_contract_drafts", kwargs={"network": slug, "consortium_id": consortium.pk})


def test_one_draft_invoice_per_lot_to_the_buyer_with_its_chorus_data_and_enrolments_only_for_known_trainees(  # type: ignore[no-untyped-def]
    s, web
):
    started(s)
    buyer = s.consortium.client
    known = [TraineeFactory(organisation=s.coop, client=buyer) for _i in range(2)]
    TraineeFactory(organisation=s.coop)  # not the buyer's: not offered
    client = web(s.coop_user)
    page = client.get(drafts_url("reseau-coop", s.consortium)).content.decode()
    assert known[0].last_name in page and f"headcount_{s.lot2.pk}" in page
    response = client.post(
        drafts_url("reseau-coop", s.consortium),
        {f"trainees_{s.lot1.pk}": [t.pk for t in known], f"headcount_{s.lot2.pk}": "15"},
    )
    assert response.status_code == 302
    contracts = {c.lot_id: c for c in ConsortiumLotContract.objects.select_related("invoice", "enrolment")}
    invoices = Invoice.objects.filter(organisation=s.coop).order_by("pk")
    assert invoices.count() == 2
    for lot, amount in [(s.lot1, 800_000), (s.lot2, 700_050)]:
        invoice = contracts[lot.pk].invoice
        assert invoice is not None
        assert (invoice.status, invoice.number, invoice.client_id, invoice.total_ht_cents) == (
            "draft",
            "",
            buyer.pk,
            amount,
        )
        assert (invoice.recipient_siret, invoice.chorus_service_code, invoice.commitment_number) == (
            SIRET,
            "SERV-FORMATION",
            "EJ-2026/0042",
        )
        assert invoice.session_id == contracts[lot.pk].session_id and invoice.legal == {}
        assert s.notice.idweb in invoice.lines.get().label
    # Lot 1: its trainees were known — a provisional enrolment at the lot's amount, with them.
    enrolment = contracts[s.lot1.pk].enrolment
    assert enrolment is not None and (enrolment.status, enrolment.price_cents) == ("provisional", 800_000)
    assert set(enrolment.participants.values_list("trainee_id", flat=True)) == {t.pk for t in known}
    assert contracts[s.lot1.pk].invoice.enrolment_id == enrolment.pk
    # Lot 2: no trainee known — no enrolment, the headcount planned.
    assert contracts[s.lot2.pk].enrolment is None and contracts[s.lot2.pk].planned_headcount == 15
    assert Enrolment.objects.count() == 1
    assert ActivityLog.objects.filter(action="tenders.consortium.drafts_created").count() == 1
    # Once.
    with pytest.raises(ValidationError, match="déjà préparés"):
        svc.contract_drafts_create(actor=s.actor(s.coop_user), consortium=s.consortium)
    # The normal billing flow issues a draft: its number and legal mentions come from billing.
    assert "Brouillon" in client.get(drafts_url("reseau-coop", s.consortium)).content.decode()


def test_a_refused_drafts_request_writes_nothing(s, web):  # type: ignore[no-untyped-def]
    started(s)
    stranger = TraineeFactory(organisation=s.coop)  # a trainee of another client
    other_org = TraineeFactory(organisation=s.other_coop, client=s.consortium.client)
    actor = s.actor(s.coop_user)
    for trainees, headcounts, message in [
        ({s.lot1.pk: [stranger.pk]}, {}, "stagiaires de l'acheteur"),
        ({s.lot1.pk: [other_org.pk]}, {}, "stagiaires de l'acheteur"),
        ({}, {s.lot2.pk: 0}, "entre 1 et 10 000"),
        ({s.lot3.pk: []}, {}, "pas un lot lancé"),
    ]:
        with pytest.raises(ValidationError, match=message):
            svc.contract_drafts_create(actor=actor, consortium=s.consortium, trainees=trainees, headcounts=headcounts)
    # Too many trainees for the session (its capacity): refused by the sessions' rules, nothing kept.
    many = [TraineeFactory(organisation=s.coop, client=s.consortium.client) for _i in range(13)]
    response = web(s.coop_user).post(
        drafts_url("reseau-coop", s.consortium), {f"trainees_{s.lot1.pk}": [t.pk for t in many]}
    )
    assert response.status_code == 200
    assert not Invoice.objects.exists() and not Enrolment.objects.exists()
    assert not ConsortiumLotContract.objects.filter(planned_headcount__isnull=False).exists()


def test_only_a_person_of_the_mandataire_allowed_to_bill_and_only_in_our_network(s, web):  # type: ignore[no-untyped-def]
    started(s)
    with pytest.raises(PermissionDenied):
        svc.contract_drafts_create(actor=s.actor(s.moderator), consortium=s.consortium)
    assert web(s.other_coop_user).post(drafts_url("reseau-coop", s.consortium), {}).status_code == 403
    # A person of the mandataire without billing.manage (a trainer): 403.
    Membership.objects.filter(user=s.coop_user).update(role="trainer")
    assert web(s.coop_user).post(drafts_url("reseau-coop", s.consortium), {}).status_code == 403
    # Another network's moderator with its own slug and our ids: 404; with ours: 403.
    assert web(s.outsider).post(drafts_url("autre-reseau", s.consortium), {}).status_code == 404
    assert web(s.outsider).get(drafts_url("reseau-coop", s.consortium)).status_code == 403
    assert not Invoice.objects.exists() and not Enrolment.objects.exists()


def test_no_drafts_before_the_contract_is_started(s, web):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="Lancez d'abord"):
        svc.contract_drafts_create(actor=s.actor(s.coop_user), consortium=s.consortium)
    page = web(s.coop_user).get(drafts_url("reseau-coop", s.consortium)).content.decode()
    assert "Lancez d" in page


# --- the drafts through the API (same service, same permissions as the page) -----------------------------------


def api_drafts(s):  # type: ignore[no-untyped-def]
    return f"/api/v1/tenders/consortiums/{s.consortium.pk}/contract/drafts"


def test_the_api_drafts_the_invoices_and_enrolments_of_a_started_contract(s, api):  # type: ignore[no-untyped-def]
    started(s)
    known = [TraineeFactory(organisation=s.coop, client=s.consortium.client) for _i in range(2)]
    client = api(s.coop_user, s.coop)
    body = {"lots": [{"lot": "1", "trainee_ids": [t.pk for t in known]}, {"lot": "2", "planned_headcount": 15}]}
    response = client.post(api_drafts(s), body, content_type="application/json")
    assert response.status_code == 201, response.content
    drafted = {c["lot"]: c for c in response.json()}
    contracts = {c.lot_id: c for c in ConsortiumLotContract.objects.all()}
    lot1, lot2 = contracts[s.lot1.pk], contracts[s.lot2.pk]
    assert drafted["1"]["invoice_id"] == lot1.invoice_id and drafted["1"]["enrolment_id"] == lot1.enrolment_id
    assert lot1.enrolment is not None and set(lot1.enrolment.participants.values_list("trainee_id", flat=True)) == {
        t.pk for t in known
    }
    assert (drafted["2"]["enrolment_id"], drafted["2"]["planned_headcount"]) == (None, 15)
    assert Invoice.objects.filter(organisation=s.coop, status="draft").count() == 2
    # The groupement's API shows the drafts; once only.
    one = client.get(f"/api/v1/tenders/consortiums/{s.consortium.pk}").json()
    assert {c["lot"]: c["invoice_id"] for c in one["contracts"]} == {"1": lot1.invoice_id, "2": lot2.invoice_id}
    again = client.post(api_drafts(s), {}, content_type="application/json")
    assert again.status_code == 422 and "déjà préparés" in again.json()["detail"]


@pytest.mark.parametrize(
    ("lots", "field", "message"),
    [
        ([{"lot": "3"}], "lots.0.lot", "lot lancé"),
        ([{"lot": "1"}, {"lot": "1"}], "lots.1.lot", "une seule fois"),
        ([{"lot": "1", "trainee_ids": [0]}], "lots.0.trainee_ids", "stagiaires de l'acheteur"),
        ([{"lot": "2"}, {"lot": "1", "planned_headcount": 0}], "lots.1.planned_headcount", "entre 1 et 10 000"),
        ([{"lot": "2", "planned_headcount": 10**12}], "lots.0.planned_headcount", "entre 1 et 10 000"),
    ],
)
def test_the_api_refuses_in_french_naming_the_field_and_writes_nothing(s, api, lots, field, message):  # type: ignore[no-untyped-def]
    started(s)
    response = api(s.coop_user, s.coop).post(api_drafts(s), {"lots": lots}, content_type="application/json")
    assert response.status_code == 422, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == field and message in error["message"]
    assert not Invoice.objects.exists() and not Enrolment.objects.exists()
    assert not ConsortiumLotContract.objects.filter(planned_headcount__isnull=False).exists()


def test_the_api_drafts_only_for_a_token_of_the_mandataire_allowed_to_bill(s, api):  # type: ignore[no-untyped-def]
    started(s)
    body = {"lots": [{"lot": "2", "planned_headcount": 5}]}

    def post(user, org):  # type: ignore[no-untyped-def]
        return api(user, org).post(api_drafts(s), body, content_type="application/json").status_code

    # A member of the groupement, not the mandataire: 403.
    assert post(s.other_coop_user, s.other_coop) == 403
    # The mandataire's person without billing.manage (a trainer): 403.
    Membership.objects.filter(user=s.coop_user).update(role="trainer")
    assert post(s.coop_user, s.coop) == 403
    # Another network's organisation with our ids: 404.
    assert post(s.outsider, s.outsider_org) == 404
    assert not Invoice.objects.exists() and not Enrolment.objects.exists()
    assert not ConsortiumLotContract.objects.filter(planned_headcount__isnull=False).exists()
    # The admin again: allowed.
    Membership.objects.filter(user=s.coop_user).update(role="admin")
    assert post(s.coop_user, s.coop) == 201
