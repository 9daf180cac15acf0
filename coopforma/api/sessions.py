# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for sessions, slots, enrolments (with funding lines), participants and places.

Thin: parse, call a selector or service of training_sessions, serialise. Money in integer cents (*_cents),
durations in minutes (*_minutes), datetimes in ISO 8601 with their offset (local time, Europe/Paris).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.params import FilterYear, coded, paged
from coopforma.people.models import ClientKind
from coopforma.training_sessions import selectors, services
from coopforma.training_sessions.models import (
    BpfTraineeType,
    Enrolment,
    EnrolmentStatus,
    FundingBasis,
    FundingLine,
    FundingScheme,
    Participant,
    ParticipantStatus,
    PayerKind,
    Place,
    Session,
    SessionStatus,
    Slot,
)

router = Router(tags=["sessions"])


# --- Schemas ------------------------------------------------------------------------------------------------


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


class SlotOut(Schema):
    id: int
    session_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    half_day: str = Field(description="am (morning) or pm (afternoon)")
    place_id: int | None
    remote_url: str
    trainer_ids: list[int]

    @staticmethod
    def resolve_starts_at(obj: Slot) -> dt.datetime | None:
        return _local(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Slot) -> dt.datetime | None:
        return _local(obj.ends_at)

    @staticmethod
    def resolve_trainer_ids(obj: Slot) -> list[int]:
        return [t.pk for t in obj.trainers.all()]


class SessionOut(Schema):
    id: int
    title: str
    status: str = coded(SessionStatus)
    training_id: int
    member_structure_id: int
    start_date: dt.date | None
    end_date: dt.date | None
    total_minutes: int
    min_capacity: int
    max_capacity: int
    trainees: int = Field(description="non-cancelled participants + trainees entrusted by other OFs")
    audience: str = Field(description="inter, intra, subcontracted, mixed or empty (from the enrolments)")
    revenue_cents: int
    is_public: bool
    place_id: int | None
    remote_url: str
    trainer_ids: list[int]

    @staticmethod
    def resolve_trainees(obj: Session) -> int:
        return obj.n_trainees  # type: ignore[attr-defined]  # annotated by training_sessions.selectors

    @staticmethod
    def resolve_trainer_ids(obj: Session) -> list[int]:
        return [t.pk for t in obj.trainers.all()]


class SessionDetailOut(SessionOut):
    programme: dict[str, Any]
    notes: str
    subcontracted_out: bool
    subcontractor_name: str
    subcontractor_siret: str
    subcontractor_nda: str
    cancelled_reason: str
    slots: list[SlotOut]

    @staticmethod
    def resolve_slots(obj: Session) -> list[Slot]:
        return list(obj.slots.select_related("place").prefetch_related("trainers").order_by("starts_at"))


class SessionIn(Schema):
    training_id: int
    title: str = ""
    status: str = coded(SessionStatus, default=SessionStatus.DRAFT, what="draft or confirmed at creation")
    min_capacity: int = 1
    max_capacity: int = 12
    place_id: int | None = None
    remote_url: str = ""
    is_public: bool = False
    notes: str = ""
    trainer_ids: list[int] | None = Field(
        None, description="the session's trainers; absent: the training's trainers (and the creating trainer)"
    )
    subcontracted_out: bool = Field(
        False, description="delivered by a subcontractor (another OF) on our behalf: BPF frame F-2 / purchases in D"
    )


class SessionPatch(Schema):
    title: str | None = None
    min_capacity: int | None = None
    max_capacity: int | None = None
    place_id: int | None = None
    remote_url: str | None = None
    is_public: bool | None = None
    subcontracted_out: bool | None = None
    subcontractor_name: str | None = Field(None, description="the OF this session is entrusted to (indicator 27)")
    subcontractor_siret: str | None = None
    subcontractor_nda: str | None = None
    notes: str | None = None
    trainer_ids: list[int] | None = None
    programme: dict[str, Any] | None = Field(None, description="objectives, audience, content… of this session only")
    status: str | None = coded(SessionStatus, default=None, what="a transition: confirmed, running, done or cancelled")
    cancelled_reason: str | None = None
    cancel_enrolments: bool = False


class SessionFilters(Schema):
    q: str | None = None
    status: str | None = coded(SessionStatus, default=None)
    year: FilterYear | None = None
    member_structure: int | None = None
    trainer: int | None = None
    audience: str | None = None
    upcoming: bool = False


class SlotIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_id: int | None = None
    remote_url: str = ""
    trainer_ids: list[int] = []


class SlotPatch(Schema):
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place_id: int | None = None
    remote_url: str | None = None
    trainer_ids: list[int] | None = None


class FundingLineOut(Schema):
    id: int
    payer_kind: str = coded(PayerKind, what="who pays (BPF frame C)")
    payer_name: str
    scheme: str = coded(FundingScheme, default="", what="BPF lines 2a–2h, for an OPCO or the CPF")
    amount_cents: int
    reference: str
    basis: str = coded(FundingBasis, what="billing basis stated by the convention (Code du travail L6354-1)")
    hourly_rate_cents: int | None = Field(None, description="hours realised: HT per trainee-hour (optional)")
    dropout_fee_percent: int | None = Field(None, description="drop-out clause: % of the hours not realised")


class FundingLineIn(Schema):
    id: int | None = Field(None, description="an existing line to keep or change; absent: a new line")
    payer_kind: str = coded(PayerKind, what="who pays (BPF frame C)")
    payer_name: str = ""
    scheme: str = coded(FundingScheme, default="", what="BPF lines 2a–2h, required for an OPCO")
    amount_cents: int
    reference: str = ""
    basis: str = coded(
        FundingBasis,
        default=FundingBasis.FLAT,
        what="flat price, hours realised, or hours realised plus the convention's drop-out clause",
    )
    hourly_rate_cents: int | None = Field(None, ge=1, le=10**9, description="HT per trainee-hour (hours realised)")
    dropout_fee_percent: int | None = Field(None, ge=1, le=100, description="% of the hours not realised")


class EnrolmentOut(Schema):
    id: int
    session_id: int
    client_id: int
    client_name: str
    client_kind: str = coded(ClientKind)
    contact_id: int | None
    status: str = coded(EnrolmentStatus)
    price_cents: int
    funded_cents: int
    remaining_cents: int
    entrusted_trainees: int
    entrusted_minutes: int
    notes: str
    funding_lines: list[FundingLineOut]

    @staticmethod
    def resolve_client_name(obj: Enrolment) -> str:
        return obj.client.name

    @staticmethod
    def resolve_client_kind(obj: Enrolment) -> str:
        return obj.client.kind

    @staticmethod
    def resolve_funding_lines(obj: Enrolment) -> list[FundingLine]:
        return list(obj.funding_lines.all())

    @staticmethod
    def resolve_funded_cents(obj: Enrolment) -> int:
        return sum(line.amount_cents for line in obj.funding_lines.all())

    @staticmethod
    def resolve_remaining_cents(obj: Enrolment) -> int:
        return obj.price_cents - sum(line.amount_cents for line in obj.funding_lines.all())


class EnrolmentIn(Schema):
    client_id: int
    price_cents: int = Field(0, ge=0)
    contact_id: int | None = None
    status: str = coded(EnrolmentStatus, default=EnrolmentStatus.CONFIRMED)
    notes: str = ""
    entrusted_trainees: int = Field(0, ge=0)
    entrusted_minutes: int = Field(0, ge=0)
    funding_lines: list[FundingLineIn] = Field(
        [], description="who pays what, created with the enrolment in the same transaction (their sum ≤ the price)"
    )


class EnrolmentPatch(Schema):
    price_cents: int | None = Field(None, ge=0)
    contact_id: int | None = None
    status: str | None = coded(EnrolmentStatus, default=None)
    notes: str | None = None
    entrusted_trainees: int | None = Field(None, ge=0)
    entrusted_minutes: int | None = Field(None, ge=0)
    funding_lines: list[FundingLineIn] | None = Field(
        None, description="the complete list: lines with an id are kept/changed, new ones created, others deleted"
    )


class ParticipantOut(Schema):
    id: int
    session_id: int
    enrolment_id: int
    client_id: int
    trainee_id: int
    first_name: str
    last_name: str
    email: str
    bpf_trainee_type: str = coded(BpfTraineeType, default="", what="Cerfa 10443 frame F-1; empty: to complete")
    status: str = coded(ParticipantStatus)

    @staticmethod
    def resolve_client_id(obj: Participant) -> int:
        return obj.enrolment.client_id

    @staticmethod
    def resolve_first_name(obj: Participant) -> str:
        return obj.trainee.first_name

    @staticmethod
    def resolve_last_name(obj: Participant) -> str:
        return obj.trainee.last_name

    @staticmethod
    def resolve_email(obj: Participant) -> str:
        return obj.trainee.email


class ParticipantIn(Schema):
    enrolment_id: int
    trainee_id: int | None = Field(None, description="an existing trainee; or give first_name, last_name, email")
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    bpf_trainee_type: str = coded(
        BpfTraineeType, default="", what="Cerfa 10443 frame F-1; empty: from the client's kind"
    )
    status: str = coded(ParticipantStatus, default=ParticipantStatus.REGISTERED)


class ParticipantPatch(Schema):
    status: str | None = coded(ParticipantStatus, default=None)
    bpf_trainee_type: str | None = coded(BpfTraineeType, default=None, what="Cerfa 10443 frame F-1")


class PlaceOut(Schema):
    id: int
    name: str
    street: str
    postal_code: str
    city: str
    access_notes: str
    accessibility: str
    capacity: int | None


class PlaceIn(Schema):
    name: str
    street: str = ""
    postal_code: str = ""
    city: str = ""
    access_notes: str = ""
    accessibility: str = ""
    capacity: int | None = Field(None, ge=0)


class PlacePatch(Schema):
    name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    access_notes: str | None = None
    accessibility: str | None = None
    capacity: int | None = Field(None, ge=0)


# --- Sessions -----------------------------------------------------------------------------------------------


@router.get("/sessions", response=list[SessionOut])
@permission(MEMBER)
@paged
def session_list(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    return selectors.session_list(actor=get_actor(request), filters=filters.dict(exclude_none=True))


@router.post("/sessions", response={201: SessionDetailOut})
@permission("sessions.create")
def session_create(request: HttpRequest, payload: SessionIn) -> Status[Session]:
    actor = get_actor(request)
    data = payload.dict()
    extra = {"trainer_ids": data.pop("trainer_ids"), "subcontracted_out": data.pop("subcontracted_out")}
    session = services.session_create(actor=actor, **data)
    extra = {k: v for k, v in extra.items() if v is not None and v is not False}
    if extra:  # in the same transaction: a refused trainer refuses the whole creation
        services.session_update(actor=actor, session_id=session.pk, **extra)
    return Status(201, selectors.session_get(actor=actor, session_id=session.pk))


@router.get("/sessions/{session_id}", response=SessionDetailOut)
@permission(MEMBER)
def session_get(request: HttpRequest, session_id: int) -> Session:
    return selectors.session_get(actor=get_actor(request), session_id=session_id)


@router.patch("/sessions/{session_id}", response=SessionDetailOut)
@permission(MEMBER)
def session_update(request: HttpRequest, session_id: int, payload: SessionPatch) -> Session:
    actor = get_actor(request)
    # null is "no change", except for the place (null: no main place)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "place_id"}
    status = data.pop("status", None)
    reason = data.pop("cancelled_reason", None) or ""
    cancel_enrolments = data.pop("cancel_enrolments", False)
    programme = data.pop("programme", None)
    if data:
        services.session_update(actor=actor, session_id=session_id, **data)
    else:
        selectors.session_get(actor=actor, session_id=session_id)
    if programme is not None:
        services.session_programme_update(actor=actor, session_id=session_id, programme=programme)
    if status is not None:
        services.session_transition(
            actor=actor, session_id=session_id, status=status, reason=reason, cancel_enrolments=cancel_enrolments
        )
    return selectors.session_get(actor=actor, session_id=session_id)


# --- Slots --------------------------------------------------------------------------------------------------


@router.post("/sessions/{session_id}/slots", response={201: SlotOut})
@permission(MEMBER)
def slot_create(request: HttpRequest, session_id: int, payload: SlotIn) -> Status[Slot]:
    slot = services.slot_create(actor=get_actor(request), session_id=session_id, **payload.dict())
    return Status(201, slot)


@router.patch("/sessions/{session_id}/slots/{slot_id}", response=SlotOut)
@permission(MEMBER)
def slot_update(request: HttpRequest, session_id: int, slot_id: int, payload: SlotPatch) -> Slot:
    return services.slot_update(
        actor=get_actor(request), session_id=session_id, slot_id=slot_id, **payload.dict(exclude_unset=True)
    )


@router.delete("/sessions/{session_id}/slots/{slot_id}", response={204: None})
@permission(MEMBER)
def slot_delete(request: HttpRequest, session_id: int, slot_id: int) -> Status[None]:
    services.slot_delete(actor=get_actor(request), session_id=session_id, slot_id=slot_id)
    return Status(204, None)


# --- Enrolments ---------------------------------------------------------------------------------------------


@router.get("/sessions/{session_id}/enrolments", response=list[EnrolmentOut])
@permission(MEMBER)
@paged
def enrolment_list(request: HttpRequest, session_id: int) -> list[Enrolment]:
    return selectors.enrolment_list(actor=get_actor(request), session_id=session_id)


@router.post("/sessions/{session_id}/enrolments", response={201: EnrolmentOut})
@permission(MEMBER)
def enrolment_create(request: HttpRequest, session_id: int, payload: EnrolmentIn) -> Status[Enrolment]:
    """The enrolment and its funding lines in one request (all or nothing)."""
    actor = get_actor(request)
    lines = [line.dict(exclude_unset=True) for line in payload.funding_lines]
    enrolment = services.enrolment_create(actor=actor, session_id=session_id, **payload.dict(exclude={"funding_lines"}))
    if lines:
        services.enrolment_update(actor=actor, enrolment_id=enrolment.pk, funding_lines=lines)
    return Status(201, selectors.enrolment_get(actor=actor, enrolment_id=enrolment.pk))


@router.get("/enrolments/{enrolment_id}", response=EnrolmentOut)
@permission(MEMBER)
def enrolment_get(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return selectors.enrolment_get(actor=get_actor(request), enrolment_id=enrolment_id)


@router.delete("/enrolments/{enrolment_id}", response={204: None})
@permission(MEMBER)
def enrolment_delete(request: HttpRequest, enrolment_id: int) -> Status[None]:
    """Only an enrolment entered by mistake: refused (422, with the rule) once invoiced, documented or signed."""
    services.enrolment_delete(actor=get_actor(request), enrolment_id=enrolment_id)
    return Status(204, None)


@router.patch("/enrolments/{enrolment_id}", response=EnrolmentOut)
@permission(MEMBER)
def enrolment_update(request: HttpRequest, enrolment_id: int, payload: EnrolmentPatch) -> Enrolment:
    actor = get_actor(request)
    data = payload.dict(exclude_unset=True)
    if data.get("funding_lines") is not None:
        data["funding_lines"] = [line.dict(exclude_unset=True) for line in payload.funding_lines or []]
    services.enrolment_update(actor=actor, enrolment_id=enrolment_id, **data)
    return selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)


# --- Participants -------------------------------------------------------------------------------------------


@router.get("/sessions/{session_id}/trainees", response=list[ParticipantOut])
@permission(MEMBER)
@paged
def participant_list(request: HttpRequest, session_id: int) -> list[Participant]:
    return selectors.participant_list(actor=get_actor(request), session_id=session_id)


@router.post("/sessions/{session_id}/trainees", response={201: ParticipantOut})
@permission(MEMBER)
def participant_create(request: HttpRequest, session_id: int, payload: ParticipantIn) -> Status[Participant]:
    actor = get_actor(request)
    participant = services.participant_add(
        actor=actor,
        session_id=session_id,
        enrolment_id=payload.enrolment_id,
        trainee_id=payload.trainee_id,
        new_trainee={"first_name": payload.first_name, "last_name": payload.last_name, "email": payload.email},
        bpf_trainee_type=payload.bpf_trainee_type,
        status=payload.status,
    )
    return Status(201, selectors.participant_get(actor=actor, participant_id=participant.pk))


@router.get("/participants/{participant_id}", response=ParticipantOut)
@permission(MEMBER)
def participant_get(request: HttpRequest, participant_id: int) -> Participant:
    return selectors.participant_get(actor=get_actor(request), participant_id=participant_id)


@router.delete("/participants/{participant_id}", response={204: None})
@permission(MEMBER)
def participant_delete(request: HttpRequest, participant_id: int) -> Status[None]:
    """Only a trainee added by mistake: refused (422, with the rule) once they signed or a document names them."""
    services.participant_delete(actor=get_actor(request), participant_id=participant_id)
    return Status(204, None)


@router.patch("/participants/{participant_id}", response=ParticipantOut)
@permission(MEMBER)
def participant_update(request: HttpRequest, participant_id: int, payload: ParticipantPatch) -> Participant:
    actor = get_actor(request)
    services.participant_update(actor=actor, participant_id=participant_id, **payload.dict(exclude_unset=True))
    return selectors.participant_get(actor=actor, participant_id=participant_id)


# --- Places -------------------------------------------------------------------------------------------------


@router.get("/places", response=list[PlaceOut])
@permission(MEMBER)
@paged
def place_list(request: HttpRequest, q: str = "") -> Any:
    return selectors.place_list(actor=get_actor(request), filters={"q": q})


@router.post("/places", response={201: PlaceOut})
@permission("sessions.create")
def place_create(request: HttpRequest, payload: PlaceIn) -> Status[Place]:
    actor = get_actor(request)
    return Status(201, services.place_create(actor=actor, **payload.dict()))


@router.patch("/places/{place_id}", response=PlaceOut)
@permission(MEMBER)
def place_update(request: HttpRequest, place_id: int, payload: PlacePatch) -> Place:
    return services.place_update(actor=get_actor(request), place_id=place_id, **payload.dict(exclude_unset=True))
