# SPDX-License-Identifier: AGPL-3.0-or-later
"""The consortium builder: who forms and reads a groupement (moderators all of the network's, a member the
ones it is in, another network's moderator with its own slug and our ids: 404), shares that must add up per lot
(refused in French, nothing written), the team proposed from validated competencies and free dates, the response
kit saying only what the records prove, the outcome and the buyer made a client once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.log import ActivityLog
from coopforma.people.models import Client
from coopforma.people.tests.factories import TrainerFactory
from coopforma.referentiel.models import (
    Item,
    ItemKind,
    Referentiel,
    TrainerCompetency,
    TrainerCompetencyState,
    Version,
    VersionState,
)
from coopforma.reporting.models import BpfCharges
from coopforma.tenders import consortium_selectors as cs
from coopforma.tenders import consortium_services as svc
from coopforma.tenders import services
from coopforma.tenders.models import Consortium, ConsortiumShare, ConsortiumState, NoticeLot
from coopforma.tenders.tests.factories import member_of, notice, scenario
from coopforma.training_sessions.tests.factories import ParticipantFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    scene.notice = notice(object="Formation à la coopération territoriale et à l'animation de réseaux d'acteurs")
    scene.lot1 = NoticeLot.objects.create(notice=scene.notice, number="1", title="Coopération territoriale")
    scene.lot2 = NoticeLot.objects.create(notice=scene.notice, number="2", title="Animation de réseaux")
    for org, user in [(scene.coop, scene.coop_user), (scene.other_coop, scene.other_coop_user)]:
        services.interest_create(actor=scene.actor(user), notice=scene.notice, organisation_id=org.pk)
    # A third member organisation of the network, not in the groupement.
    scene.third = OrganisationFactory(name="Coop Gamma")
    scene.third_user = member_of(scene.network, scene.third)
    scene.consortium = svc.consortium_create(
        actor=scene.actor(scene.moderator),
        notice=scene.notice,
        form="joint",
        mandataire_id=scene.coop.pk,
        member_ids=[scene.coop.pk, scene.other_coop.pk],
    )
    return scene


def url(name, slug, consortium):  # type: ignore[no-untyped-def]
    return reverse(f"tenders:{name}", kwargs={"network": slug, "consortium_id": consortium.pk})


READ_PAGES = ["consortium", "consortium_kit", "consortium_kit_json"]
WRITE_PAGES = ["consortium_shares", "consortium_state", "consortium_team", "consortium_milestone_create"]


# --- permissions --------------------------------------------------------------------------------------------------


def test_members_of_the_groupement_read_it_and_the_moderator_too(s, web):  # type: ignore[no-untyped-def]
    for user in (s.coop_user, s.other_coop_user, s.moderator):
        client = web(user)
        for name in READ_PAGES:
            assert client.get(url(name, "reseau-coop", s.consortium)).status_code == 200, (user, name)
        listing = client.get(reverse("tenders:consortiums", kwargs={"network": "reseau-coop"})).content.decode()
        assert "coopération territoriale" in listing


def test_a_member_not_in_the_groupement_gets_404_and_does_not_see_it_listed(s, web):  # type: ignore[no-untyped-def]
    client = web(s.third_user)
    for name in READ_PAGES:
        assert client.get(url(name, "reseau-coop", s.consortium)).status_code == 404, name
    listing = client.get(reverse("tenders:consortiums", kwargs={"network": "reseau-coop"})).content.decode()
    assert "coopération territoriale" not in listing


def test_another_networks_moderator_with_its_own_slug_and_our_ids_gets_404(s, web):  # type: ignore[no-untyped-def]
    client = web(s.outsider)
    for name in READ_PAGES:
        assert client.get(url(name, "autre-reseau", s.consortium)).status_code == 404, name
    for name in WRITE_PAGES:
        assert client.post(url(name, "autre-reseau", s.consortium), {"state": "withdrawn"}).status_code == 404, name
    s.consortium.refresh_from_db()
    assert s.consortium.state == ConsortiumState.FORMING
    # With our slug: no role here, 403.
    assert client.get(url("consortium", "reseau-coop", s.consortium)).status_code == 403


def test_a_member_cannot_change_shares_nor_state_nor_form_a_groupement(s, web):  # type: ignore[no-untyped-def]
    client = web(s.coop_user)
    shares_url = url("consortium_shares", "reseau-coop", s.consortium)
    assert client.get(shares_url).status_code == 403
    data = {f"share_{s.coop.pk}_{s.lot1.pk}": 1000, f"share_{s.other_coop.pk}_{s.lot1.pk}": 0}
    assert client.post(shares_url, data).status_code == 403
    assert client.post(url("consortium_state", "reseau-coop", s.consortium), {"state": "withdrawn"}).status_code == 403
    assert not ConsortiumShare.objects.exists()
    with pytest.raises(PermissionDenied):
        svc.consortium_shares_set(
            actor=s.actor(s.coop_user), consortium=s.consortium, shares={(s.coop.pk, s.lot1.pk): 1000}
        )
    create = reverse("tenders:consortium_create", kwargs={"network": "reseau-coop", "idweb": s.notice.idweb})
    assert client.get(create).status_code == 403
    assert client.post(create, {"form": "joint", "mandataire": s.coop.pk, "members": [s.coop.pk]}).status_code == 403
    assert Consortium.objects.count() == 1


def test_the_moderator_forms_a_groupement_only_with_interested_organisations(s, web):  # type: ignore[no-untyped-def]
    moderator = s.actor(s.moderator)
    with pytest.raises(ValidationError) as exc:
        svc.consortium_create(
            actor=moderator, notice=s.notice, form="joint", mandataire_id=s.third.pk, member_ids=[s.coop.pk]
        )
    assert "intéressée" in str(exc.value)
    with pytest.raises(ValidationError, match="au moins deux"):
        svc.consortium_create(actor=moderator, notice=s.notice, form="joint", mandataire_id=s.coop.pk, member_ids=[])
    page = web(s.moderator).post(
        reverse("tenders:consortium_create", kwargs={"network": "reseau-coop", "idweb": s.notice.idweb}),
        {"form": "joint_several", "mandataire": s.other_coop.pk, "members": [s.coop.pk, s.other_coop.pk]},
    )
    assert page.status_code == 302
    assert Consortium.objects.filter(form="joint_several", mandataire=s.other_coop).count() == 1


# --- shares -------------------------------------------------------------------------------------------------------


def test_shares_that_do_not_add_up_are_refused_in_french_and_nothing_is_written(s, web):  # type: ignore[no-untyped-def]
    moderator = s.actor(s.moderator)
    svc.consortium_shares_set(
        actor=moderator,
        consortium=s.consortium,
        shares={(s.coop.pk, s.lot1.pk): 600, (s.other_coop.pk, s.lot1.pk): 400},
    )
    before = list(ConsortiumShare.objects.values_list("member__organisation_id", "lot_id", "per_mille"))
    with pytest.raises(ValidationError) as exc:
        svc.consortium_shares_set(
            actor=moderator,
            consortium=s.consortium,
            shares={(s.coop.pk, s.lot1.pk): 600, (s.other_coop.pk, s.lot1.pk): 300, (s.coop.pk, s.lot2.pk): 1000},
        )
    assert "900 ‰" in str(exc.value) and "1000 ‰" in str(exc.value)
    assert list(ConsortiumShare.objects.values_list("member__organisation_id", "lot_id", "per_mille")) == before
    response = web(s.moderator).post(
        url("consortium_shares", "reseau-coop", s.consortium),
        {f"share_{s.coop.pk}_{s.lot2.pk}": 500, f"share_{s.other_coop.pk}_{s.lot2.pk}": 499},
    )
    assert response.status_code == 200 and "999 ‰" in response.content.decode()
    assert list(ConsortiumShare.objects.values_list("member__organisation_id", "lot_id", "per_mille")) == before
    # A share of another notice's lot, or of an organisation outside the groupement: refused.
    other_lot = NoticeLot.objects.create(notice=notice(), number="9")
    for shares in ({(s.coop.pk, other_lot.pk): 1000}, {(s.third.pk, s.lot1.pk): 1000}):
        with pytest.raises(ValidationError):
            svc.consortium_shares_set(actor=moderator, consortium=s.consortium, shares=shares)
    assert list(ConsortiumShare.objects.values_list("member__organisation_id", "lot_id", "per_mille")) == before


def test_shares_page_writes_the_shares_of_each_lot(s, web):  # type: ignore[no-untyped-def]
    response = web(s.moderator).post(
        url("consortium_shares", "reseau-coop", s.consortium),
        {
            f"share_{s.coop.pk}_{s.lot1.pk}": 700,
            f"share_{s.other_coop.pk}_{s.lot1.pk}": 300,
            f"share_{s.coop.pk}_{s.lot2.pk}": 0,
            f"share_{s.other_coop.pk}_{s.lot2.pk}": 0,
        },
    )
    assert response.status_code == 302
    assert sorted(ConsortiumShare.objects.values_list("member__organisation__name", "lot__number", "per_mille")) == [
        ("Coop Alpha", "1", 700),
        ("Coop Beta", "1", 300),
    ]
    assert ActivityLog.objects.filter(action="tenders.consortium.shares_set").count() == 1


# --- the team -----------------------------------------------------------------------------------------------------


def _competency(network, label):  # type: ignore[no-untyped-def]
    referentiel, _created = Referentiel.objects.get_or_create(network=network)
    version, _created = Version.objects.get_or_create(
        referentiel=referentiel,
        number="1.0",
        defaults={"major": 1, "state": VersionState.PUBLISHED, "published_at": timezone.now()},
    )
    return Item.objects.create(
        version=version, kind=ItemKind.COMPETENCY, code=f"C{Item.objects.count() + 1}", label=label
    )


def test_the_team_proposed_has_validated_matching_competencies_and_free_dates(s, web):  # type: ignore[no-untyped-def]
    matching = _competency(s.network, "Conduire une coopération territoriale")
    unrelated = _competency(s.network, "Tenir la comptabilité analytique")
    free = TrainerFactory(organisation=s.coop, first_name="Libre", last_name="Dupont")
    busy = TrainerFactory(organisation=s.other_coop, first_name="Pris", last_name="Durand")
    declared = TrainerFactory(organisation=s.coop, first_name="Déclarée", last_name="Martin")
    outsider = TrainerFactory(organisation=s.third, first_name="Ailleurs", last_name="Petit")
    off_topic = TrainerFactory(organisation=s.coop, first_name="Compta", last_name="Bernard")
    for trainer, item, state in [
        (free, matching, TrainerCompetencyState.VALIDATED),
        (busy, matching, TrainerCompetencyState.VALIDATED),
        (declared, matching, TrainerCompetencyState.PROPOSED),
        (outsider, matching, TrainerCompetencyState.VALIDATED),
        (off_topic, unrelated, TrainerCompetencyState.VALIDATED),
    ]:
        TrainerCompetency.objects.create(trainer=trainer, competency=item, level="practice", state=state)
    start = timezone.localdate() + dt.timedelta(days=60)
    s.consortium.period_start, s.consortium.period_end = start, start + dt.timedelta(days=30)
    s.consortium.save()
    slot = SlotFactory(
        session=SessionFactory(training=TrainingFactory(organisation=s.other_coop)),
        starts_at=timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=3), dt.time(9))),
        ends_at=timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=3), dt.time(12))),
    )
    slot.trainers.add(busy)
    proposals = cs.team_proposals(s.consortium)
    assert [p.trainer for p in proposals] == [free, busy]
    assert proposals[0].free and not proposals[1].free and proposals[1].busy_slots == 1
    assert "cooperation" in proposals[0].reasons[0] and "territoriale" in proposals[0].reasons[0]
    page = web(s.moderator).get(url("consortium", "reseau-coop", s.consortium)).content.decode()
    assert "Libre Dupont" in page and "occupé·e : 1 créneau" in page and "Compta Bernard" not in page
    # Members do not see the proposals; picking someone not proposed is refused.
    assert "Libre Dupont" not in web(s.coop_user).get(url("consortium", "reseau-coop", s.consortium)).content.decode()
    with pytest.raises(ValidationError):
        svc.consortium_team_set(actor=s.actor(s.moderator), consortium=s.consortium, trainer_ids=[declared.pk])
    web(s.moderator).post(url("consortium_team", "reseau-coop", s.consortium), {"trainers": [free.pk]})
    assert list(s.consortium.team.values_list("trainer_id", flat=True)) == [free.pk]


# --- the response kit ---------------------------------------------------------------------------------------------


def test_the_kit_says_only_what_the_records_prove(s, web):  # type: ignore[no-untyped-def]
    BpfCharges.objects.create(organisation=s.coop, fiscal_year=2025, total_charges_cents=1, turnover_cents=12_345_600)
    BpfCharges.objects.create(organisation=s.other_coop, fiscal_year=2025, total_charges_cents=1)  # no turnover
    s.coop.qualiopi_certificate_number = "QUALI-42"
    s.coop.save()
    training = TrainingFactory(
        organisation=s.coop, title="Animer la coopération territoriale", summary="", objectives=["Coopérer"]
    )
    TrainingFactory(organisation=s.coop, title="Tableur avancé", summary="", objectives=["Calculer"])
    session = SessionFactory(training=training, status="done", start_date=dt.date(2025, 3, 1), total_minutes=840)
    ParticipantFactory(enrolment__session=session)
    kit = web(s.coop_user).get(url("consortium_kit_json", "reseau-coop", s.consortium)).json()
    alpha, beta = kit["members"]
    assert alpha["identity"]["name"] == "Coop Alpha" and alpha["mandataire"]
    assert alpha["turnover"] == {"fiscal_year": 2025, "turnover_cents": 12_345_600}
    assert "turnover" not in beta  # a member without a recorded BPF turnover has no turnover line
    assert alpha["identity"]["qualiopi"]["certificate_number"] == "QUALI-42"
    assert beta["identity"]["qualiopi"] is None
    assert [r["training"] for r in alpha["references"]] == ["Animer la coopération territoriale"]
    ref = alpha["references"][0]
    assert ref["trainees"] == 1 and ref["hours"] == 14.0 and ref["satisfaction_percent"] is None
    assert ref["buyer_types"] == ["Entreprise ou association employeuse"]
    assert beta["references"] == []
    assert [p["title"] for p in kit["technical_memo"]["programmes"]] == ["Animer la coopération territoriale"]
    page = web(s.coop_user).get(url("consortium_kit", "reseau-coop", s.consortium)).content.decode()
    assert "123" in page and "QUALI-42" in page and "Tableur avancé" not in page
    assert page.count("Chiffre d&#x27;affaires") + page.count("Chiffre d'affaires") == 1


# --- outcome and client -------------------------------------------------------------------------------------------


def test_outcome_then_the_buyer_becomes_a_client_of_the_mandataire_once(s, web):  # type: ignore[no-untyped-def]
    moderator = s.actor(s.moderator)
    with pytest.raises(ValidationError, match="Répartissez"):
        svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="submitted")
    svc.consortium_shares_set(actor=moderator, consortium=s.consortium, shares={(s.coop.pk, s.lot1.pk): 1000})
    svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="submitted")
    with pytest.raises(ValidationError):
        svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="forming")
    response = web(s.moderator).post(
        url("consortium_state", "reseau-coop", s.consortium),
        {"state": "won", "price_cents": "12 500,00", "feedback": "Bonne note technique"},
    )
    assert response.status_code == 302
    s.consortium.refresh_from_db()
    assert s.consortium.state == ConsortiumState.WON and s.consortium.price_cents == 1_250_000
    # The moderator has no membership in the mandataire's organisation: refused.
    with pytest.raises(PermissionDenied):
        svc.consortium_client_create(actor=moderator, consortium=s.consortium, siret="73282932000074")
    # The other member is not the mandataire: refused too.
    assert (
        web(s.other_coop_user)
        .post(url("consortium_client", "reseau-coop", s.consortium), {"siret": "73282932000074"})
        .status_code
        == 403
    )
    existing = Client.objects.create(organisation=s.coop, kind="public_body", name="Région", siret="73282932000074")
    web(s.coop_user).post(url("consortium_client", "reseau-coop", s.consortium), {"siret": "732 829 320 00074"})
    s.consortium.refresh_from_db()
    assert s.consortium.client == existing and Client.objects.filter(organisation=s.coop).count() == 1
    response = web(s.coop_user).post(url("consortium_client", "reseau-coop", s.consortium), {"siret": "73282932000074"})
    assert Client.objects.filter(organisation=s.coop).count() == 1


def test_a_won_groupement_creates_the_buyer_as_a_public_body_client(s):  # type: ignore[no-untyped-def]
    moderator = s.actor(s.moderator)
    svc.consortium_shares_set(actor=moderator, consortium=s.consortium, shares={(s.coop.pk, s.lot1.pk): 1000})
    svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="submitted")
    svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="won", price_cents=100)
    client = svc.consortium_client_create(actor=s.actor(s.coop_user), consortium=s.consortium, siret="73282932000074")
    assert client.organisation == s.coop and client.kind == "public_body" and client.name == "ACHETEUR TEST"


def test_milestones_and_bad_input(s, web):  # type: ignore[no-untyped-def]
    client = web(s.moderator)
    due = timezone.localdate() + dt.timedelta(days=10)
    client.post(
        url("consortium_milestone_create", "reseau-coop", s.consortium),
        {"kind": "submission", "due_on": due.isoformat(), "remind_days": 3},
    )
    assert s.consortium.milestones.count() == 1
    response = client.post(
        url("consortium_milestone_create", "reseau-coop", s.consortium),
        {"kind": "other", "due_on": due.isoformat(), "remind_days": 3},
        follow=True,
    )
    assert "Précisez" in response.content.decode() and s.consortium.milestones.count() == 1
    response = client.post(url("consortium_state", "reseau-coop", s.consortium), {"state": "nope"}, follow=True)
    assert response.status_code == 200 and s.consortium.state == ConsortiumState.FORMING
    assert client.post(url("consortium_team", "reseau-coop", s.consortium), {"trainers": ["x"]}).status_code == 302


def test_the_list_has_a_constant_number_of_queries(s, web, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    moderator = s.actor(s.moderator)
    for _i in range(5):
        svc.consortium_create(
            actor=moderator, notice=s.notice, form="joint", mandataire_id=s.coop.pk, member_ids=[s.other_coop.pk]
        )
    client = web(s.moderator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("tenders:consortiums", kwargs={"network": "reseau-coop"})).status_code == 200


# --- the API ------------------------------------------------------------------------------------------------------


def test_the_api_gives_a_token_the_groupements_of_its_organisation_only(s, api):  # type: ignore[no-untyped-def]
    svc.consortium_shares_set(
        actor=s.actor(s.moderator), consortium=s.consortium, shares={(s.coop.pk, s.lot1.pk): 1000}
    )
    mine = api(s.coop_user, s.coop)
    listed = mine.get("/api/v1/tenders/consortiums").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [c["id"] for c in items] == [s.consortium.pk]
    one = mine.get(f"/api/v1/tenders/consortiums/{s.consortium.pk}").json()
    assert one["form"] == "joint" and one["shares"] == [
        {"organisation_id": s.coop.pk, "organisation": "Coop Alpha", "lot": "1", "per_mille": 1000}
    ]
    kit = mine.get(f"/api/v1/tenders/consortiums/{s.consortium.pk}/kit").json()
    assert [m["identity"]["name"] for m in kit["members"]] == ["Coop Alpha", "Coop Beta"]
    stranger = api(s.third_user, s.third)
    for path in ("", "/kit"):
        assert stranger.get(f"/api/v1/tenders/consortiums/{s.consortium.pk}{path}").status_code == 404
    listed = stranger.get("/api/v1/tenders/consortiums").json()
    assert (listed["items"] if isinstance(listed, dict) else listed) == []


# --- the calendar -------------------------------------------------------------------------------------------------


def test_reminders_go_once_n_days_before_to_the_moderators_and_the_members_people(s):  # type: ignore[no-untyped-def]
    from coopforma.core.models import OutboundEmail
    from coopforma.tenders.consortium_reminders import reminders_send

    today = timezone.localdate()
    moderator = s.actor(s.moderator)
    svc.milestone_create(
        actor=moderator, consortium=s.consortium, kind="signatures", due_on=today + dt.timedelta(days=3), remind_days=3
    )
    svc.milestone_create(
        actor=moderator, consortium=s.consortium, kind="submission", due_on=today + dt.timedelta(days=10), remind_days=3
    )
    now = timezone.now()
    sent = reminders_send(now=now)
    recipients = sorted(
        OutboundEmail.objects.filter(purpose="tenders.consortium_reminder").values_list("to", flat=True)
    )
    assert sent == 3 and recipients == sorted([s.moderator.email, s.coop_user.email, s.other_coop_user.email])
    assert s.third_user.email not in recipients and s.outsider.email not in recipients
    subject = OutboundEmail.objects.filter(purpose="tenders.consortium_reminder").first().subject
    assert "Signatures des membres" in subject and "3 jours" in subject
    assert reminders_send(now=now) == 0  # once
    # Ten days later's milestone comes 3 days before it; a withdrawn groupement reminds nothing.
    svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="withdrawn")
    assert reminders_send(now=now + dt.timedelta(days=7)) == 0


def test_the_deadline_is_a_milestone_and_the_calendar_is_an_icalendar_file(s, web):  # type: ignore[no-untyped-def]
    import icalendar

    deadline = timezone.now() + dt.timedelta(days=20)
    s.notice.current_deadline = deadline
    s.notice.save()
    consortium = svc.consortium_create(
        actor=s.actor(s.moderator),
        notice=s.notice,
        form="subcontracting",
        mandataire_id=s.coop.pk,
        member_ids=[s.other_coop.pk],
    )
    milestone = consortium.milestones.get()
    assert milestone.kind == "deadline" and milestone.due_on == timezone.localdate(deadline)
    response = web(s.coop_user).get(url("consortium_calendar", "reseau-coop", consortium))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2 and {str(e["summary"]).split(" — ")[0] for e in events} == {
        "Date limite de réponse",
        "Date limite de réponse de l'avis",
    }
    assert web(s.third_user).get(url("consortium_calendar", "reseau-coop", consortium)).status_code == 404
    assert web(s.outsider).get(url("consortium_calendar", "autre-reseau", consortium)).status_code == 404


def test_the_kit_as_a_pdf_for_the_groupements_people_only(s, web):  # type: ignore[no-untyped-def]
    from coopforma.tenders.consortium_pdf import kit_markup

    BpfCharges.objects.create(organisation=s.coop, fiscal_year=2025, total_charges_cents=1, turnover_cents=500_000)
    kit = cs.response_kit(s.consortium)
    markup = kit_markup(kit)
    assert markup.count("Chiffre d\\'affaires") == 1 and "5 000,00" in markup  # Coop Beta has no turnover line
    response = web(s.coop_user).get(url("consortium_kit_pdf", "reseau-coop", s.consortium))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert web(s.third_user).get(url("consortium_kit_pdf", "reseau-coop", s.consortium)).status_code == 404
    assert web(s.outsider).get(url("consortium_kit_pdf", "autre-reseau", s.consortium)).status_code == 404


def test_the_notice_page_lists_its_groupements_to_those_who_may_read_them(s, web):  # type: ignore[no-untyped-def]
    page = reverse("tenders:notice", kwargs={"network": "reseau-coop", "idweb": s.notice.idweb})
    target = url("consortium", "reseau-coop", s.consortium)
    assert target in web(s.coop_user).get(page).content.decode()
    assert target in web(s.moderator).get(page).content.decode()
    assert target not in web(s.third_user).get(page).content.decode()
