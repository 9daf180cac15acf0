# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for people (list/detail/create/update), thin: parse, call a selector or service, serialise.

/members, /trainers, /clients, /trainees: GET list (filters, `limit`/`offset`), GET one, POST (201), PATCH.
/trainers/{id}/decision: a decision of the comité de validation on the parcours formateur.
Same selectors and services as the pages: 404 for what the token's organisation or role may not see,
403 for what the role may not do, 422 with the field for what breaks a rule (SIRET, NDA, transitions…).
"""

import datetime as dt
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.params import coded, paged
from coopforma.people import selectors, services
from coopforma.people.models import Client, ClientKind, MemberKind, MemberStructure, Trainee, Trainer, TrainerStatus

router = Router(tags=["people"])
T = TypeVar("T")

# Service error keys (model field names) -> the names the API's bodies use.
_BODY_NAMES = {"member_structure": "member_structure_id", "client": "client_id", "user": "user_id"}


def _call(service: Callable[..., T], **kwargs: Any) -> T:
    """Call a service; its field errors come back under the body's field names (422)."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError({_BODY_NAMES.get(k, k): v for k, v in exc.error_dict.items()}) from exc
        raise


def _patch(payload: Schema, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields sent; `null` means "no change" except for the nullable links (null = none)."""
    data = payload.model_dump(exclude_unset=True)
    return {k: v for k, v in data.items() if v is not None or k in nullable}


class PatchSchema(Schema):
    model_config = ConfigDict(extra="forbid")


# --- Member structures -------------------------------------------------------------------------------------


class UserRef(Schema):
    id: int
    email: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.get_full_name()


class MemberOut(Schema):
    id: int
    name: str
    kind: str = coded(MemberKind)
    siret: str
    nda: str = Field(description="its own NDA, if any: its sessions are then subcontracting for the OF (BPF F-2)")
    contribution_rate: Decimal = Field(description="Part of the training turnover kept by the OF, in percent")
    street: str
    postal_code: str
    city: str
    email: str
    phone: str
    is_active: bool


class MemberDetailOut(MemberOut):
    managers: list[UserRef]

    @staticmethod
    def resolve_managers(obj: MemberStructure) -> list[Any]:
        return list(obj.managers.all())


class MemberIn(Schema):
    name: str
    kind: str
    siret: str = ""
    nda: str = ""
    contribution_rate: Decimal = Decimal("10.00")
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    is_active: bool = True


class MemberPatch(PatchSchema):
    name: str | None = None
    kind: str | None = None
    siret: str | None = None
    nda: str | None = None
    contribution_rate: Decimal | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class MemberFilters(Schema):
    q: str = Field("", description="In the name")
    kind: str = ""


@router.get("/members", response=list[MemberOut])
@permission(MEMBER)
@paged
def member_list(request: HttpRequest, filters: Query[MemberFilters]) -> Any:
    return selectors.member_list(actor=get_actor(request), filters=filters.model_dump())


@router.get("/members/{member_id}", response=MemberDetailOut)
@permission(MEMBER)
def member_get(request: HttpRequest, member_id: int) -> MemberStructure:
    return selectors.member_get(actor=get_actor(request), member_id=member_id)


@router.post("/members", response={201: MemberDetailOut})
@permission("members.manage")
def member_create(request: HttpRequest, payload: MemberIn) -> Status:
    actor = get_actor(request)
    return Status(201, _call(services.member_create, actor=actor, **payload.model_dump()))


@router.patch("/members/{member_id}", response=MemberDetailOut)
@permission("members.manage")
def member_update(request: HttpRequest, member_id: int, payload: MemberPatch) -> MemberStructure:
    actor = get_actor(request)
    _call(services.member_update, actor=actor, member_id=member_id, **_patch(payload))
    return selectors.member_get(actor=actor, member_id=member_id)


# --- Trainers ----------------------------------------------------------------------------------------------


class TrainerOut(Schema):
    id: int
    member_structure_id: int | None = Field(description="none for an external subcontractor")
    member_structure_name: str
    first_name: str
    last_name: str
    email: str
    phone: str
    status: str = coded(TrainerStatus)
    employer: str = Field(
        description="who employs the trainer, seen from the OF (BPF frame E): of (the OF itself: « personnes de "
        "votre organisme »), member (a member structure), own_company (an independent's company), subcontractor "
        "(an external subcontractor, no member structure); all but « of » are « personnes extérieures »"
    )
    siret: str
    nda: str
    qualifications: str
    specialities: str
    has_cv: bool
    onboarding_state: str = Field(description="applied, validated, active, suspended, rejected")
    applied_at: datetime | None
    decided_at: datetime | None
    decided_by_id: int | None
    committee_decision: str
    suspension_reason: str
    user_id: int | None

    @staticmethod
    def resolve_member_structure_name(obj: Trainer) -> str:
        return obj.member_structure.name if obj.member_structure else ""

    @staticmethod
    def resolve_has_cv(obj: Trainer) -> bool:
        return bool(obj.cv)


class TrainerIn(Schema):
    member_structure_id: int | None = Field(None, description="required unless employer is subcontractor")
    first_name: str
    last_name: str
    email: str
    status: str = coded(TrainerStatus, what="subcontractor: a SIRET is required")
    employer: str = Field(
        "", description="of, member, own_company, subcontractor (default: subcontractor for that status, else member)"
    )
    phone: str = ""
    siret: str = ""
    nda: str = ""
    qualifications: str = ""
    specialities: str = ""


class TrainerPatch(PatchSchema):
    """A trainer may change only qualifications, phone and specialities of their own profile."""

    member_structure_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    status: str | None = None
    employer: str | None = None
    phone: str | None = None
    siret: str | None = None
    nda: str | None = None
    qualifications: str | None = None
    specialities: str | None = None


class DecisionIn(Schema):
    decision: Literal["validate", "reject", "activate", "suspend", "reactivate"]
    reason: str = Field("", description="Required to validate (committee decision), reject and suspend")
    decided_on: dt.date | None = Field(
        None,
        description="validate/reject: the date of the committee's meeting when recorded afterwards (not in the "
        "future, not before the application); empty: today",
    )


class TrainerFilters(Schema):
    q: str = Field("", description="In the name or e-mail")
    state: str = ""
    status: str = ""
    member: int | None = Field(None, description="Member structure id")


@router.get("/trainers", response=list[TrainerOut])
@permission(MEMBER)
@paged
def trainer_list(request: HttpRequest, filters: Query[TrainerFilters]) -> Any:
    return selectors.trainer_list(actor=get_actor(request), filters=filters.model_dump())


@router.get("/trainers/{trainer_id}", response=TrainerOut)
@permission(MEMBER)
def trainer_get(request: HttpRequest, trainer_id: int) -> Trainer:
    return selectors.trainer_get(actor=get_actor(request), trainer_id=trainer_id)


@router.post("/trainers", response={201: TrainerOut})
@permission("trainers.propose")
def trainer_create(request: HttpRequest, payload: TrainerIn) -> Status:
    actor = get_actor(request)
    return Status(201, _call(services.trainer_propose, actor=actor, **payload.model_dump()))


@router.patch("/trainers/{trainer_id}", response=TrainerOut)
@permission(MEMBER)
def trainer_update(request: HttpRequest, trainer_id: int, payload: TrainerPatch) -> Trainer:
    actor = get_actor(request)
    _call(services.trainer_update, actor=actor, trainer_id=trainer_id, **_patch(payload))
    return selectors.trainer_get(actor=actor, trainer_id=trainer_id)


@router.post("/trainers/{trainer_id}/decision", response=TrainerOut)
@permission("trainers.validate")
def trainer_decide(request: HttpRequest, trainer_id: int, payload: DecisionIn) -> Trainer:
    actor = get_actor(request)
    _call(services.trainer_decide, actor=actor, trainer_id=trainer_id, **payload.model_dump())
    return selectors.trainer_get(actor=actor, trainer_id=trainer_id)


# --- Clients -----------------------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str
    is_signatory: bool


class ClientOut(Schema):
    id: int
    kind: str = coded(ClientKind)
    name: str
    siret: str
    nda: str
    opco: str
    street: str
    postal_code: str
    city: str
    email: str
    phone: str
    notes: str
    member_structure_id: int | None


class ClientDetailOut(ClientOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj: Client) -> list[Any]:
        return list(selectors.client_contacts(client=obj))


class ClientIn(Schema):
    kind: str = coded(ClientKind, what="SIRET required but for an individual; NDA too for an OF")
    name: str
    member_structure_id: int | None = Field(
        None, description="Admin/quality: the structure following the client (none: the OF). Others: their own."
    )
    siret: str = ""
    nda: str = ""
    opco: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""


class ClientPatch(PatchSchema):
    kind: str | None = None
    name: str | None = None
    member_structure_id: int | None = None
    siret: str | None = None
    nda: str | None = None
    opco: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    notes: str | None = None


class ClientFilters(Schema):
    q: str = Field("", description="In the name, SIRET or city")
    kind: str = ""
    member: int | None = Field(None, description="Member structure id")


@router.get("/clients", response=list[ClientOut])
@permission(MEMBER)
@paged
def client_list(request: HttpRequest, filters: Query[ClientFilters]) -> Any:
    return selectors.client_list(actor=get_actor(request), filters=filters.model_dump())


@router.get("/clients/{client_id}", response=ClientDetailOut)
@permission(MEMBER)
def client_get(request: HttpRequest, client_id: int) -> Client:
    return selectors.client_get(actor=get_actor(request), client_id=client_id)


@router.post("/clients", response={201: ClientDetailOut})
@permission("clients.create")
def client_create(request: HttpRequest, payload: ClientIn) -> Status:
    actor = get_actor(request)
    return Status(201, _call(services.client_create, actor=actor, **payload.model_dump()))


@router.patch("/clients/{client_id}", response=ClientDetailOut)
@permission(MEMBER)
def client_update(request: HttpRequest, client_id: int, payload: ClientPatch) -> Client:
    actor = get_actor(request)
    data = _patch(payload, nullable=frozenset({"member_structure_id"}))
    return _call(services.client_update, actor=actor, client_id=client_id, **data)


# --- Trainees ----------------------------------------------------------------------------------------------


class TraineeOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    client_id: int | None
    job_title: str
    adaptation_needs: str


class TraineeIn(Schema):
    first_name: str
    last_name: str
    client_id: int | None = Field(None, description="A client the token's user sees (required unless admin/quality)")
    email: str = ""
    phone: str = ""
    job_title: str = ""
    adaptation_needs: str = ""


class TraineePatch(PatchSchema):
    first_name: str | None = None
    last_name: str | None = None
    client_id: int | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    adaptation_needs: str | None = None


class TraineeFilters(Schema):
    q: str = Field("", description="In the name or e-mail")
    client: int | None = Field(None, description="Client id")


@router.get("/trainees", response=list[TraineeOut])
@permission(MEMBER)
@paged
def trainee_list(request: HttpRequest, filters: Query[TraineeFilters]) -> Any:
    return selectors.trainee_list(actor=get_actor(request), filters=filters.model_dump())


@router.get("/trainees/{trainee_id}", response=TraineeOut)
@permission(MEMBER)
def trainee_get(request: HttpRequest, trainee_id: int) -> Trainee:
    return selectors.trainee_get(actor=get_actor(request), trainee_id=trainee_id)


@router.post("/trainees", response={201: TraineeOut})
@permission("clients.create")
def trainee_create(request: HttpRequest, payload: TraineeIn) -> Status:
    actor = get_actor(request)
    return Status(201, _call(services.trainee_create, actor=actor, **payload.model_dump()))


@router.patch("/trainees/{trainee_id}", response=TraineeOut)
@permission(MEMBER)
def trainee_update(request: HttpRequest, trainee_id: int, payload: TraineePatch) -> Trainee:
    data = _patch(payload, nullable=frozenset({"client_id"}))
    return _call(services.trainee_update, actor=get_actor(request), trainee_id=trainee_id, **data)
