# SPDX-License-Identifier: AGPL-3.0-or-later
"""The bridge from an exchange to a training action (issue 18, point 4): the page, what it creates through the core's
services (a validated training linked to the référentiel, a session with one slot per AFEST phase, the learners as
trainees), all or nothing, the permission matrix, the API, the box on the exchange page, and the truth test: the
session's skills assessment fills the learner's competency record."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import make_actor
from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import UserFactory
from coopforma.catalogue.models import Modality, Training, TrainingStatus
from coopforma.core.models import ActivityLog
from coopforma.evaluations.tests.factories import open_survey
from coopforma.exchanges import bridge
from coopforma.exchanges.models import Exchange, ExchangeState
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.access import actor_for
from coopforma.networks.models import Network, NetworkOrganisation, NetworkPerson, NetworkRole
from coopforma.people.models import Trainee
from coopforma.people.tests.factories import TraineeFactory
from coopforma.quality.indicator_statuses import profile_for
from coopforma.quality.indicators import INDICATORS, applicability
from coopforma.referentiel.models import Item, ItemKind, ObjectiveCompetency
from coopforma.referentiel.record_selectors import competency_record
from coopforma.referentiel.tests.competency_world import answer
from coopforma.referentiel.tests.factories import load_draft
from coopforma.training_sessions.models import Session, Slot
from coopforma.training_sessions.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

LEARNER_EMAIL = "lea.apprenante@example.org"


@pytest.fixture
def world(org, member, trainer, admin_user):  # type: ignore[no-untyped-def]
    """A network `org` is a member of, with a published référentiel; `admin_user` (OF admin) facilitates its
    exchanges; an exchange between a provider and a learner (Léa) on two competencies."""
    network = Network.objects.create(name="Réseau des tiers-lieux", slug="tiers-lieux", is_public=True)
    NetworkOrganisation.objects.create(network=network, organisation=org)
    version = load_draft(network, publish=True)
    first, second = Item.objects.filter(version=version, kind=ItemKind.COMPETENCY).order_by("position")[:2]
    NetworkPerson.objects.create(network=network, user=admin_user, role=NetworkRole.FACILITATOR)
    provider = joined_member(network, display_name="Hub Ouest")
    learner_user = UserFactory(first_name="Léa", last_name="Apprenante", email=LEARNER_EMAIL)
    learner = joined_member(network, user=learner_user, display_name="Léa A.")
    exchange = exchange_between(provider, learner, title="Animer une gouvernance partagée")
    exchange.competencies.add(first, second)
    return {"network": network, "exchange": exchange, "first": first, "second": second, "learner": learner}


def logged(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str = "exchange_bridge") -> str:  # type: ignore[no-untyped-def]
    return reverse(f"exchanges:{name}", kwargs={"network": world["network"].slug, "exchange_id": world["exchange"].pk})


def form_data(world, org, designated, **overrides):  # type: ignore[no-untyped-def]
    start = timezone.localdate() + dt.timedelta(days=7)
    first, second = world["first"], world["second"]
    data = {
        "organisation": org.pk,
        "kind": bridge.AFEST,
        "title": "AFEST gouvernance partagée",
        "nsf_code": "315",
        "duration_hours": "14",
        "trainer": designated.pk,
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=21)).isoformat(),
        f"objective_{first.pk}": "Animer une réunion en gouvernance partagée",
        f"level_{first.pk}": "maitrise",
        f"objective_{second.pk}": "Faciliter une prise de décision par consentement",
        f"level_{second.pk}": "",
        "other_objectives": "",
    }
    data.update(overrides)
    return data


def test_the_form_is_prefilled_from_the_exchange(world, admin_user):  # type: ignore[no-untyped-def]
    response = logged(admin_user).get(url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{escape(world["first"].label)}"' in html  # the competency's label as its objective
    assert "Analyse de l&#x27;activité de travail" in html  # the AFEST phases, named
    assert "Léa A." in html


def test_an_afest_becomes_a_training_a_session_and_trainees(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    response = logged(admin_user).post(url(world), form_data(world, org, trainer))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == url(world, "exchange_bridge_done")
    exchange = Exchange.objects.get(pk=world["exchange"].pk)
    training, session = exchange.training, exchange.session
    assert exchange.organisation == org and exchange.bridged_by == admin_user and exchange.bridged_at
    assert training.modality == Modality.WORK_BASED
    assert training.status == TrainingStatus.VALIDATED
    assert training.member_structure == trainer.member_structure
    assert list(training.trainers.all()) == [trainer]
    assert training.objectives == [
        "Animer une réunion en gouvernance partagée",
        "Faciliter une prise de décision par consentement",
    ]
    links = list(ObjectiveCompetency.objects.filter(training=training).values_list("objective", "competency", "level"))
    assert sorted(links) == [(0, world["first"].pk, "maitrise"), (1, world["second"].pk, "")]
    slots = list(Slot.objects.filter(session=session).order_by("starts_at"))
    assert len(slots) == 4  # one per phase of D6313-3-2
    assert sum(s.minutes for s in slots) == 14 * 60
    assert timezone.localtime(slots[0].starts_at).date() == timezone.localdate() + dt.timedelta(days=7)
    assert timezone.localtime(slots[-1].starts_at).date() == timezone.localdate() + dt.timedelta(days=28)
    assert all(list(s.trainers.all()) == [trainer] for s in slots)
    content = session.programme["content"]
    for label in ("Analyse de l'activité de travail", "Mises en situation", "Phases réflexives", "Évaluations"):
        assert label in content
    order = [content.index(word) for word in ("Analyse", "Mises", "réflexives", "Évaluations")]
    assert order == sorted(order)
    trainee = Trainee.objects.get(organisation=org, email=LEARNER_EMAIL)
    assert (trainee.first_name, trainee.last_name, trainee.client) == ("Léa", "Apprenante", None)
    assert not Trainee.objects.filter(organisation=org).exclude(pk=trainee.pk).exists()  # the provider does not learn
    assert ActivityLog.objects.filter(action="exchanges.exchange.bridged", object_id=exchange.pk).exists()
    done = logged(admin_user).get(response.url).content.decode()
    assert reverse("sessions:detail", kwargs={"org": org.slug, "pk": session.pk}) in done
    assert "convention" in done and "convocations" in done and "client" in done
    assert reverse("people:trainee_detail", kwargs={"org": org.slug, "pk": trainee.pk}) in done


def test_the_afest_counts_for_the_fest_indicators(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    logged(admin_user).post(url(world), form_data(world, org, trainer))
    trainings = Training.objects.filter(organisation=org)
    profile = profile_for(org, None, trainings, has_subcontractors=False, has_alternance=False)
    assert profile.work_based
    indicator_28 = next(i for i in INDICATORS if i.number == 28)
    assert applicability(indicator_28, profile)[0]


def test_a_regular_session_spreads_the_hours_over_the_weekdays(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    data = form_data(
        world,
        org,
        trainer,
        kind=bridge.SESSION,
        trainer="",
        duration_hours="21",
        starts_on=monday.isoformat(),
        ends_on=(monday + dt.timedelta(days=6)).isoformat(),
    )
    # `member` is the organisation's one member structure: it carries the training without a designated trainer.
    response = logged(admin_user).post(url(world), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    exchange = Exchange.objects.get(pk=world["exchange"].pk)
    assert exchange.training.modality == Modality.ON_SITE
    slots = list(Slot.objects.filter(session=exchange.session).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).weekday() for s in slots] == [0, 1, 2, 3, 4]
    assert sum(s.minutes for s in slots) == 21 * 60


def test_an_existing_trainee_is_reused_never_duplicated(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    existing = TraineeFactory(organisation=org, first_name="Léa", last_name="Apprenante", email=LEARNER_EMAIL.upper())
    logged(admin_user).post(url(world), form_data(world, org, trainer))
    assert list(Trainee.objects.filter(organisation=org)) == [existing]


def test_an_afest_needs_its_designated_trainer_and_a_refusal_writes_nothing(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    response = logged(admin_user).post(url(world), form_data(world, org, trainer, trainer=""))
    assert response.status_code == 200
    assert "D6313-3-2" in response.content.decode()
    assert not Training.objects.exists() and not Session.objects.exists() and not Trainee.objects.exists()
    assert Exchange.objects.get(pk=world["exchange"].pk).bridged_at is None


def test_a_late_refusal_of_a_core_service_rolls_everything_back(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    """The training is written, then the trainer's slot clashes with another session: nothing stays."""
    start = timezone.localdate() + dt.timedelta(days=7)
    other = Training.objects.create(organisation=org, member_structure=trainer.member_structure, title="Autre")
    busy = Session.objects.create(organisation=org, training=other, member_structure=trainer.member_structure)
    slot = Slot.objects.create(
        organisation=org,
        session=busy,
        starts_at=timezone.make_aware(dt.datetime.combine(start, dt.time(8))),
        ends_at=timezone.make_aware(dt.datetime.combine(start, dt.time(18))),
    )
    slot.trainers.add(trainer)
    response = logged(admin_user).post(url(world), form_data(world, org, trainer))
    assert response.status_code == 200
    assert "anime déjà" in response.content.decode()
    assert list(Training.objects.all()) == [other] and list(Session.objects.all()) == [busy]
    assert not Trainee.objects.exists() and not ObjectiveCompetency.objects.exists()


def test_a_second_bridge_is_refused(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    client = logged(admin_user)
    client.post(url(world), form_data(world, org, trainer))
    assert client.get(url(world)).status_code == 302  # the form sends to the confirmation
    response = client.post(url(world), form_data(world, org, trainer, title="Encore"))
    assert response.status_code == 200
    assert "déjà devenu une action de formation" in response.content.decode()
    assert Training.objects.count() == 1


def test_a_cancelled_exchange_stays_as_it_is(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    Exchange.objects.filter(pk=world["exchange"].pk).update(state=ExchangeState.CANCELLED)
    response = logged(admin_user).post(url(world), form_data(world, org, trainer))
    assert response.status_code == 200
    assert "Cet échange est annulé" in response.content.decode()
    assert not Training.objects.exists()
    assert "Transformer" not in render_box(world, admin_user)


def test_a_title_with_a_nul_character_is_refused_not_a_500(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    response = logged(admin_user).post(url(world), form_data(world, org, trainer, title="AFEST\x00"))
    assert response.status_code == 200
    assert not Training.objects.exists()


# --- who may ----------------------------------------------------------------------------------------------------


def test_a_facilitator_without_a_role_in_the_of_gets_403(world, org, trainer):  # type: ignore[no-untyped-def]
    facilitator = NetworkPerson.objects.create(
        network=world["network"], user=UserFactory(), role=NetworkRole.FACILITATOR
    ).user
    client = logged(facilitator)
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), form_data(world, org, trainer)).status_code == 403
    with pytest.raises(Exception) as refused:
        bridge.exchange_bridge(
            actor=actor_for(facilitator, world["network"]),
            exchange_id=world["exchange"].pk,
            organisation_id=org.pk,
            kind=bridge.SESSION,
            title="x",
            objectives=[bridge.ObjectiveIn(text="Animer une réunion")],
            duration_minutes=60,
            nsf_code="315",
            starts_on=timezone.localdate(),
        )
    assert type(refused.value).__name__ == "PermissionDenied"
    assert not Training.objects.exists()


def test_an_of_admin_who_does_not_facilitate_gets_403(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    NetworkPerson.objects.filter(network=world["network"], user=admin_user).update(role=NetworkRole.MEMBER)
    client = logged(admin_user)
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), form_data(world, org, trainer)).status_code == 403
    assert client.get(url(world, "exchange_bridge_done")).status_code == 403
    assert not Training.objects.exists()


def test_a_facilitating_trainer_of_the_of_gets_403(world, org, trainer, trainer_user):  # type: ignore[no-untyped-def]
    """A trainer creates trainings and sessions but does not validate a programme: a session needs one."""
    NetworkPerson.objects.create(network=world["network"], user=trainer_user, role=NetworkRole.FACILITATOR)
    client = logged(trainer_user)
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), form_data(world, org, trainer)).status_code == 403


def test_the_quality_manager_who_facilitates_may(world, org, trainer, quality_user):  # type: ignore[no-untyped-def]
    NetworkPerson.objects.create(network=world["network"], user=quality_user, role=NetworkRole.FACILITATOR)
    response = logged(quality_user).post(url(world), form_data(world, org, trainer))
    assert response.status_code == 302


def test_another_networks_facilitator_with_our_ids_gets_404(world, org, trainer, other_org, stranger):  # type: ignore[no-untyped-def]
    theirs = Network.objects.create(name="Autre réseau", slug="autre-reseau")
    NetworkOrganisation.objects.create(network=theirs, organisation=other_org)
    NetworkPerson.objects.create(network=theirs, user=stranger, role=NetworkRole.FACILITATOR)
    client = logged(stranger)
    kwargs = {"network": theirs.slug, "exchange_id": world["exchange"].pk}
    theirs_url = reverse("exchanges:exchange_bridge", kwargs=kwargs)
    assert client.get(theirs_url).status_code == 404
    assert client.post(theirs_url, form_data(world, other_org, trainer)).status_code == 404
    assert client.get(theirs_url + "confirmation/").status_code == 404
    assert client.get(url(world)).status_code == 403  # our network: they have no role in it
    assert not Training.objects.exists()


def test_a_non_member_organisation_is_refused_in_french(world, org, other_org, stranger):  # type: ignore[no-untyped-def]
    """A facilitator of our network who administers an organisation that is not a member of it."""
    NetworkPerson.objects.create(network=world["network"], user=stranger, role=NetworkRole.FACILITATOR)
    client = logged(stranger)
    assert client.get(url(world)).status_code == 403  # no member organisation to choose
    with pytest.raises(Exception) as refused:
        bridge.exchange_bridge(
            actor=actor_for(stranger, world["network"]),
            exchange_id=world["exchange"].pk,
            organisation_id=other_org.pk,
            kind=bridge.SESSION,
            title="Session",
            objectives=[bridge.ObjectiveIn(text="Animer une réunion")],
            duration_minutes=60,
            nsf_code="315",
            starts_on=timezone.localdate(),
        )
    assert "n'est pas membre du réseau" in str(refused.value.message_dict["organisation_id"])  # type: ignore[attr-defined]
    assert not Training.objects.exists()


def test_a_member_and_an_anonymous_visitor_are_kept_out(world):  # type: ignore[no-untyped-def]
    member = world["learner"].user
    assert logged(member).get(url(world)).status_code == 403
    assert Client().get(url(world)).status_code == 302


# --- the API ------------------------------------------------------------------------------------------------------


def api_body(world, trainer, **overrides):  # type: ignore[no-untyped-def]
    start = timezone.localdate() + dt.timedelta(days=7)
    body = {
        "kind": "afest",
        "title": "AFEST gouvernance",
        "objectives": [
            {"text": "Animer une réunion partagée", "competency_id": world["first"].pk, "level": "maitrise"},
            {"text": "Faciliter une décision par consentement", "competency_id": world["second"].pk},
        ],
        "duration_minutes": 600,
        "nsf_code": "315",
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=3)).isoformat(),
        "trainer_id": trainer.pk,
    }
    body.update(overrides)
    return body


def api_url(world, network=None) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/network/{network or world['network'].slug}/exchanges/{world['exchange'].pk}/bridge"


def test_the_api_bridges_with_the_same_rules(world, org, trainer, admin_user, api):  # type: ignore[no-untyped-def]
    client = api(admin_user, org)
    far = client.post(api_url(world), api_body(world, trainer, starts_on="9999-12-31"), content_type="application/json")
    assert far.status_code == 422 and "Choisissez une date entre" in far.json()["detail"]
    response = client.post(api_url(world), api_body(world, trainer), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    exchange = Exchange.objects.get(pk=world["exchange"].pk)
    assert data["training_id"] == exchange.training_id and data["session_id"] == exchange.session_id
    assert data["organisation"] == org.name
    assert len(data["trainee_ids"]) == 1 and data["reused_trainee_ids"] == []
    assert any("convention" in step for step in data["todo"])
    again = client.post(api_url(world), api_body(world, trainer), content_type="application/json")
    assert again.status_code == 422
    assert "déjà devenu" in again.json()["detail"]


def test_the_api_refuses_the_wrong_people(world, org, trainer, admin_user, trainer_user, other_org, stranger, api):  # type: ignore[no-untyped-def]
    NetworkPerson.objects.create(network=world["network"], user=trainer_user, role=NetworkRole.FACILITATOR)
    body = api_body(world, trainer)
    assert api(trainer_user, org).post(api_url(world), body, content_type="application/json").status_code == 403
    # a facilitator of our network acting for an organisation that is not a member of it: a French 422
    NetworkPerson.objects.create(network=world["network"], user=stranger, role=NetworkRole.FACILITATOR)
    refused = api(stranger, other_org).post(api_url(world), body, content_type="application/json")
    assert refused.status_code == 422
    assert "n'est pas membre du réseau" in refused.json()["detail"]
    # another network's facilitator, their network, our exchange: 404
    theirs = Network.objects.create(name="Autre réseau", slug="autre-reseau")
    NetworkOrganisation.objects.create(network=theirs, organisation=other_org)
    NetworkPerson.objects.filter(user=stranger).delete()
    NetworkPerson.objects.create(network=theirs, user=stranger, role=NetworkRole.FACILITATOR)
    client = api(stranger, other_org)
    assert client.post(api_url(world, theirs.slug), body, content_type="application/json").status_code == 404
    assert client.post(api_url(world), body, content_type="application/json").status_code == 404
    NetworkPerson.objects.filter(network=world["network"], user=admin_user).update(role=NetworkRole.MEMBER)
    assert api(admin_user, org).post(api_url(world), body, content_type="application/json").status_code == 403
    assert not Training.objects.exists()


# --- the box on the exchange page -----------------------------------------------------------------------------


def render_box(world, user) -> str:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    exchange = Exchange.objects.select_related("organisation", "network").get(pk=world["exchange"].pk)
    template = Template('{% include "exchanges/_bridge.html" %}')
    context = {"exchange": exchange, "participants": [], "request": request}
    context["network_actor"] = actor_for(user, world["network"])
    return template.render(Context(context))


def test_the_box_on_the_exchange_page(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    reader = world["learner"].user
    assert "Transformer en action de formation" in render_box(world, admin_user)
    assert url(world) in render_box(world, admin_user)
    assert render_box(world, reader).strip() == ""
    logged(admin_user).post(url(world), form_data(world, org, trainer))
    session_url = reverse("sessions:detail", kwargs={"org": org.slug, "pk": Exchange.objects.get().session_id})
    of_person = render_box(world, admin_user)
    assert f"Devenu une action de formation de {org.name}" in of_person and session_url in of_person
    outsider = render_box(world, reader)
    assert f"Devenu une action de formation de {org.name}" in outsider and session_url not in outsider
    assert "Transformer" not in outsider


def test_the_confirmation_has_a_constant_number_of_queries(  # type: ignore[no-untyped-def]
    world, org, trainer, admin_user, django_assert_max_num_queries
):
    client = logged(admin_user)
    client.post(url(world), form_data(world, org, trainer))
    for n in range(5):
        person = joined_member(world["network"], display_name=f"Apprenant {n}")
        world["exchange"].participants.create(member=person, role="learner")
    with django_assert_max_num_queries(20):
        response = client.get(url(world, "exchange_bridge_done"))
    assert response.status_code == 200
    assert "Apprenant 4" in response.content.decode()


# --- the truth test -----------------------------------------------------------------------------------------------


def test_the_skills_assessment_of_the_bridged_session_fills_the_competency_record(world, org, trainer, admin_user):  # type: ignore[no-untyped-def]
    """Bridge an exchange with two competencies → the OF enrols the learner and the trainer answers the skills
    assessment (« acquis ») → the learner's competency record lists both competencies at the levels aimed, with
    the session."""
    logged(admin_user).post(url(world), form_data(world, org, trainer))
    exchange = Exchange.objects.get(pk=world["exchange"].pk)
    session = exchange.session
    trainee = Trainee.objects.get(organisation=org, email=LEARNER_EMAIL)
    # What the OF's staff does next (client, funding, enrolment): outside the bridge, as its confirmation says.
    ParticipantFactory(enrolment__session=session, enrolment__organisation=org, trainee=trainee, status="completed")
    survey, tokens = open_survey(session, "skills")
    invitation = survey.invitations.get(participant__trainee=trainee)
    answer(survey, tokens[invitation.pk], (5, 4))
    record = competency_record(actor=make_actor(admin_user, org), trainee_id=trainee.pk)
    entries = sorted((e.competency_code, e.level, e.session_id) for e in record.entries)
    assert entries == sorted(
        [(world["first"].code, "maitrise", session.pk), (world["second"].code, "pratique", session.pk)]
    )


def test_role_flags_used_by_the_bridge_exist():  # type: ignore[no-untyped-def]
    from coopforma.accounts.roles import flags_for

    assert all(flag in flags_for(Role.ADMIN) for flag in bridge.BRIDGE_FLAGS)
    assert not all(flag in flags_for(Role.TRAINER) for flag in bridge.BRIDGE_FLAGS)
