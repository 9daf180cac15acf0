# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: from an exchange to a training action of the network's OF.

`POST /network/{network_id}/exchanges/{exchange_id}/bridge` turns the exchange into a training action of the token's
organisation (`exchanges.bridge.exchange_bridge`, the same rules as the page): the token's user must facilitate the
network's exchanges (`exchanges.facilitate`) and hold, in the token's organisation, the flags to create and validate a
training and create a session (403 otherwise); the organisation must be a member of the network (422); someone
outside the network, or an exchange of another network, gets 404. `network_id` is the network's short name (its slug,
as in /reseaux/<slug>/)."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.exchanges import bridge
from coopforma.networks.access import network_actor

router = Router(tags=["exchanges"])


class BridgeObjectiveIn(Schema):
    text: str = Field(max_length=500, description="an operational objective (« être capable de … »)")
    competency_id: int | None = Field(None, description="a référentiel competency of the exchange it aims at")
    level: str = Field("", max_length=20, description="the level aimed: notions, pratique, maitrise, transmission")


class BridgeIn(Schema):
    kind: str = Field(description="afest (action de formation en situation de travail) or session", max_length=10)
    title: str = Field(max_length=200)
    objectives: list[BridgeObjectiveIn] = Field(max_length=20)
    duration_minutes: int = Field(ge=1, le=bridge.MAX_DURATION_MINUTES, description="the whole action, in minutes")
    nsf_code: str = Field(max_length=4, description="the NSF code (domaine de formation), e.g. 332")
    starts_on: date
    ends_on: date | None = None
    trainer_id: int | None = Field(
        None, description="the designated trainer (tutor) of the token's organisation; required for an AFEST"
    )


class BridgeOut(Schema):
    exchange_id: int
    organisation: str = Field(description="the organisation's name")
    training_id: int
    session_id: int
    bridged_at: datetime
    trainee_ids: list[int] = Field(description="the trainees created for the learners")
    reused_trainee_ids: list[int] = Field(description="the existing trainees (same e-mail) taken as they were")
    todo: list[str] = Field(description="what the organisation's staff must still do, in French")


@router.post(
    "/network/{network_id}/exchanges/{exchange_id}/bridge",
    response={201: BridgeOut},
    summary="Turn an exchange into a training action of the token's organisation",
)
@permission(MEMBER)
def exchange_bridge_create(request: HttpRequest, network_id: str, exchange_id: int, payload: BridgeIn) -> Status:
    org_actor = get_actor(request)
    actor = network_actor(org_actor.user, network_id)
    result = bridge.exchange_bridge(
        actor=actor,
        exchange_id=exchange_id,
        organisation_id=org_actor.organisation_id,
        kind=payload.kind,
        title=payload.title,
        objectives=[
            bridge.ObjectiveIn(text=o.text, competency_id=o.competency_id, level=o.level) for o in payload.objectives
        ],
        duration_minutes=payload.duration_minutes,
        nsf_code=payload.nsf_code,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        trainer_id=payload.trainer_id,
    )
    exchange = result.exchange
    assert exchange.training_id is not None and exchange.session_id is not None and exchange.bridged_at is not None
    return Status(
        201,
        {
            "exchange_id": exchange.pk,
            "organisation": exchange.organisation.name if exchange.organisation else "",
            "training_id": exchange.training_id,
            "session_id": exchange.session_id,
            "bridged_at": exchange.bridged_at,
            "trainee_ids": [t.pk for t in result.trainees],
            "reused_trainee_ids": [t.pk for t in result.reused],
            "todo": bridge.bridge_todo(exchange=exchange),
        },
    )
