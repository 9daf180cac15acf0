# SPDX-License-Identifier: AGPL-3.0-or-later
"""The services of an exchange's life refuse what the pages and the API must not write (French messages keyed by
field, nothing saved) and log every event."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coopforma.core.models import ActivityLog
from coopforma.exchanges import exchange_services as services
from coopforma.exchanges.models import Debrief, Exchange, ExchangeKind, Licence
from coopforma.exchanges.tests.test_life_scene import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    return build()


def test_a_step_whose_attendance_is_taken_stays(s):  # type: ignore[no-untyped-def]
    s.exchange.attendance_required = True
    s.exchange.save()
    facilitator = s.actor(s.facilitator)
    services.attendance_record(actor=facilitator, step=s.past_step, participant_ids=[s.p_learner.pk])
    with pytest.raises(ValidationError, match="ne peut plus être supprimée"):
        services.step_delete(actor=facilitator, step=s.past_step)
    assert ActivityLog.objects.filter(action="exchanges.attendance.recorded").count() == 1


def test_states_are_final_once_done_or_cancelled(s):  # type: ignore[no-untyped-def]
    facilitator = s.actor(s.facilitator)
    with pytest.raises(ValidationError) as refused:
        services.exchange_set_state(actor=facilitator, exchange=s.exchange, state="arranging")
    assert "state" in refused.value.message_dict
    services.exchange_set_state(actor=facilitator, exchange=s.exchange, state="done")
    with pytest.raises(ValidationError, match="ne change plus"):
        services.exchange_set_state(actor=facilitator, exchange=s.exchange, state="cancelled", reason="x")
    with pytest.raises(PermissionDenied):
        services.exchange_set_state(actor=s.actor(s.learner.user), exchange=s.exchange, state="done")


def test_no_debrief_for_a_cancelled_exchange(s):  # type: ignore[no-untyped-def]
    services.exchange_set_state(actor=s.actor(s.facilitator), exchange=s.exchange, state="cancelled", reason="Grève")
    with pytest.raises(ValidationError, match="annulé"):
        services.debrief_save(actor=s.actor(s.learner.user), exchange=s.exchange, learnt="x")
    assert not Debrief.objects.exists()


def test_the_last_agreement_publishes_and_is_logged(s):  # type: ignore[no-untyped-def]
    artefact = services.artefact_create(
        actor=s.actor(s.learner.user),
        exchange=s.exchange,
        kind="story",
        title="Récit",
        body="…",
        licence=Licence.CC0,
        coauthor_ids=[s.provider.pk],
    )
    assert artefact.published_at is None
    with pytest.raises(PermissionDenied):
        services.artefact_agree(actor=s.actor(s.third.user), artefact=artefact)
    services.artefact_agree(actor=s.actor(s.provider.user), artefact=artefact)
    assert artefact.published_at is not None
    assert ActivityLog.objects.filter(action="exchanges.artefact.published").count() == 1


def test_expeditions_and_compagnonnages_take_the_networks_members_only(s):  # type: ignore[no-untyped-def]
    facilitator = s.actor(s.facilitator)
    with pytest.raises(ValidationError) as refused:
        services.expedition_create(
            actor=facilitator, title="E", learner_ids=[s.learner.pk], host_ids=[s.other_member.pk]
        )
    assert "host_ids" in refused.value.message_dict
    with pytest.raises(ValidationError) as twice:
        services.expedition_create(
            actor=facilitator, title="E", learner_ids=[s.learner.pk, s.learner.pk], host_ids=[s.provider.pk]
        )
    assert "learner_ids" in twice.value.message_dict
    with pytest.raises(PermissionDenied):
        services.transfer_create(
            actor=s.actor(s.learner.user), title="T", compagnon_id=s.provider.pk, beneficiary_ids=[s.third.pk]
        )
    start = timezone.localdate()
    transfer = services.transfer_create(
        actor=facilitator,
        title="T",
        compagnon_id=s.provider.pk,
        beneficiary_ids=[s.third.pk],
        starts_on=start,
        ends_on=start + dt.timedelta(days=90),
    )
    with pytest.raises(ValidationError) as late:
        services.milestone_create(actor=facilitator, exchange=transfer, title="J", due_on=start + dt.timedelta(days=91))
    assert "due_on" in late.value.message_dict
    assert Exchange.objects.filter(kind=ExchangeKind.EXPEDITION).count() == 0
    assert not transfer.milestones.exists()
