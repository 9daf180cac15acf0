# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: an exchange's life — my exchanges (every exchange of the network for
its facilitators), my debrief, the shared log, the capitalisation artefacts and their authors' agreements.

A token acts for its user; what that person may do comes from their place in the network (`networks.access`),
whatever the token's organisation. `network_id` is the network's short name (its slug, as in /reseaux/<slug>/).
An exchange is read by its participants' persons, its facilitator and the network's facilitators: anybody else
gets 404 (as for another network's exchange); a person outside the network 404, without the join flag 403.
Debriefs are declared by each participant, not assessed."""

from datetime import date, datetime

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from coopforma.api.auth import MEMBER, get_network_actor, permission
from coopforma.api.params import coded, paged
from coopforma.exchanges import artefact_files
from coopforma.exchanges import exchange_selectors as selectors
from coopforma.exchanges import exchange_services as services
from coopforma.exchanges.access import require_join
from coopforma.exchanges.models import (
    Artefact,
    ArtefactKind,
    Debrief,
    Exchange,
    ExchangeFormat,
    ExchangeKind,
    ExchangeState,
    Licence,
    LogEntry,
    ParticipantRole,
)
from coopforma.networks.access import NetworkActor

router = Router(tags=["exchanges"])


def _actor(request: HttpRequest, network_id: str) -> NetworkActor:
    actor = get_network_actor(request, network_id)
    require_join(actor)
    return actor


def _exchange(request: HttpRequest, network_id: str, exchange_id: int) -> tuple[NetworkActor, Exchange]:
    actor = _actor(request, network_id)
    return actor, selectors.exchange_get(actor=actor, exchange_id=exchange_id)


class ExchangeParticipantOut(Schema):
    id: int
    member_id: int
    name: str = Field(description="the member's display name (contact details are shared only with consent)")
    role: str = coded(ParticipantRole)

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj.member)  # type: ignore[attr-defined]


class StepOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    host_id: int | None = Field(description="the member who hosts this step")
    place: str
    is_remote: bool
    attendance_taken_at: datetime | None


class MilestoneOut(Schema):
    id: int
    title: str
    deliverable: str
    due_on: date | None
    done_on: date | None = Field(description="when it was marked reached (none: still to reach)")


class ExchangeCompetencyOut(Schema):
    id: int
    code: str
    label: str


class ExchangeOut(Schema):
    id: int
    title: str
    kind: str = coded(ExchangeKind)
    format: str = coded(ExchangeFormat)
    state: str = coded(ExchangeState)
    plan: str
    themes: str
    logistics: str
    starts_on: date | None
    ends_on: date | None
    attendance_required: bool
    facilitator: str = Field(description="the facilitator's name (empty: none yet)")
    competencies: list[ExchangeCompetencyOut] = Field(description="the référentiel competencies worked on")
    participants: list[ExchangeParticipantOut]
    steps: list[StepOut]
    milestones: list[MilestoneOut] = Field(description="a compagnonnage's milestones and deliverables")

    @staticmethod
    def resolve_facilitator(obj: Exchange) -> str:
        user = obj.facilitator
        return (user.get_full_name() or str(user)) if user else ""

    @staticmethod
    def resolve_competencies(obj: Exchange) -> list[object]:
        return list(obj.competencies.all())

    @staticmethod
    def resolve_milestones(obj: Exchange) -> list[object]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_participants(obj: Exchange) -> list[object]:
        return list(obj.participants.all())

    @staticmethod
    def resolve_steps(obj: Exchange) -> list[object]:
        return list(obj.steps.all())


class DebriefCompetencyIn(Schema):
    competency_id: int = Field(description="a competency of the network's published référentiel")
    level: str = Field("", max_length=20, description="notions, pratique, maitrise, transmission, or empty")


class DebriefIn(Schema):
    learnt: str = Field(..., min_length=1, max_length=20000, description="what I learnt or passed on")
    next_steps: str = Field("", max_length=20000)
    rating: int | None = Field(None, ge=1, le=5, description="usefulness felt, 1 to 5")
    competencies: list[DebriefCompetencyIn] = Field(default_factory=list, max_length=50)


class DebriefCompetencyOut(Schema):
    competency_id: int
    code: str
    label: str
    level: str


class DebriefOut(Schema):
    id: int
    participant_id: int
    learnt: str
    next_steps: str
    rating: int | None
    declared: bool = Field(True, description="always true: a debrief is declared by its author, not assessed")
    competencies: list[DebriefCompetencyOut]

    @staticmethod
    def resolve_competencies(obj: Debrief) -> list[dict]:
        return [
            {"competency_id": c.competency_id, "code": c.competency.code, "label": c.competency.label, "level": c.level}
            for c in obj.competencies.all()
        ]


class LogEntryIn(Schema):
    body: str = Field(..., min_length=1, max_length=20000)


class LogEntryOut(Schema):
    id: int
    author_id: int | None = Field(description="the member who wrote it (none: the facilitation)")
    author: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: LogEntry) -> str:
        return str(obj.author) if obj.author else ""


class ArtefactIn(Schema):
    kind: str = coded(ArtefactKind)
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=20000)
    licence: str = coded(Licence)
    coauthor_ids: list[int] = Field(default_factory=list, max_length=50, description="members of the exchange")


class ArtefactOut(Schema):
    id: int
    kind: str = coded(ArtefactKind)
    title: str
    body: str
    licence: str = coded(Licence)
    author_ids: list[int]
    agreed_author_ids: list[int] = Field(description="the authors who agreed to publish it as it stands")
    published_at: datetime | None = Field(description="set once every author agreed")
    file_content_type: str = Field(
        description="the attached file's type, read from its content (empty: no file); GET …/file downloads it"
    )

    @staticmethod
    def resolve_file_content_type(obj: Artefact) -> str:
        return artefact_files.file_type_of(obj.file.name).content_type if obj.file else ""

    @staticmethod
    def resolve_author_ids(obj: Artefact) -> list[int]:
        return sorted(m.pk for m in obj.authors.all())

    @staticmethod
    def resolve_agreed_author_ids(obj: Artefact) -> list[int]:
        return sorted(a.author_id for a in obj.agreements.all())


E = "/exchanges/networks/{network_id}/exchanges/{exchange_id}"


@router.get("/exchanges/networks/{network_id}/exchanges", response=list[ExchangeOut], summary="My exchanges")
@permission(MEMBER)
@paged
def exchange_list(request: HttpRequest, network_id: str, state: str = "", kind: str = "") -> list[Exchange]:
    """The exchanges I take part in or facilitate (every exchange of the network for its facilitators)."""
    actor = _actor(request, network_id)
    filters = selectors.ExchangeFilters(
        state=state if state in ExchangeState.values else "", kind=kind if kind in ExchangeKind.values else ""
    )
    return selectors.exchange_list(actor=actor, filters=filters)  # type: ignore[return-value]


@router.get(E, response=ExchangeOut, summary="One of my exchanges")
@permission(MEMBER)
def exchange_get(request: HttpRequest, network_id: str, exchange_id: int) -> Exchange:
    exchange = _exchange(request, network_id, exchange_id)[1]
    return exchange


@router.get(E + "/debriefs", response=list[DebriefOut], summary="The debriefs of an exchange (declared)")
@permission(MEMBER)
@paged
def debrief_list(request: HttpRequest, network_id: str, exchange_id: int) -> list[Debrief]:
    exchange = _exchange(request, network_id, exchange_id)[1]
    return selectors.debrief_list(exchange=exchange)  # type: ignore[return-value]


@router.put(E + "/debrief", response=DebriefOut, summary="Write or replace my debrief")
@permission(MEMBER)
def debrief_update(request: HttpRequest, network_id: str, exchange_id: int, payload: DebriefIn) -> Debrief:
    actor, exchange = _exchange(request, network_id, exchange_id)
    return services.debrief_save(
        actor=actor,
        exchange=exchange,
        learnt=payload.learnt,
        next_steps=payload.next_steps,
        rating=payload.rating,
        competencies=[(c.competency_id, c.level) for c in payload.competencies],
    )


@router.get(E + "/log-entries", response=list[LogEntryOut], summary="The exchange's shared log")
@permission(MEMBER)
@paged
def log_entry_list(request: HttpRequest, network_id: str, exchange_id: int) -> list[LogEntry]:
    exchange = _exchange(request, network_id, exchange_id)[1]
    return selectors.log_entry_list(exchange=exchange)  # type: ignore[return-value]


@router.post(E + "/log-entries", response={201: LogEntryOut}, summary="Write in the shared log (participants)")
@permission(MEMBER)
def log_entry_create(request: HttpRequest, network_id: str, exchange_id: int, payload: LogEntryIn) -> Status:
    actor, exchange = _exchange(request, network_id, exchange_id)
    return Status(201, services.log_entry_create(actor=actor, exchange=exchange, body=payload.body))


@router.get(E + "/artefacts", response=list[ArtefactOut], summary="The exchange's capitalisation artefacts")
@permission(MEMBER)
@paged
def artefact_list(request: HttpRequest, network_id: str, exchange_id: int) -> list[Artefact]:
    exchange = _exchange(request, network_id, exchange_id)[1]
    return selectors.artefact_list(exchange=exchange)  # type: ignore[return-value]


@router.post(E + "/artefacts", response={201: ArtefactOut}, summary="Draft an artefact (participants)")
@permission(MEMBER)
def artefact_create(request: HttpRequest, network_id: str, exchange_id: int, payload: ArtefactIn) -> Status:
    actor, exchange = _exchange(request, network_id, exchange_id)
    return Status(201, services.artefact_create(actor=actor, exchange=exchange, **payload.dict()))


@router.post(
    E + "/artefacts/{artefact_id}/agreements",
    response={201: ArtefactOut},
    summary="An author agrees to publish the artefact as it stands (the last agreement publishes it)",
)
@permission(MEMBER)
def artefact_agreement_create(request: HttpRequest, network_id: str, exchange_id: int, artefact_id: int) -> Status:
    actor, exchange = _exchange(request, network_id, exchange_id)
    artefact = selectors.artefact_get(exchange=exchange, artefact_id=artefact_id)
    return Status(201, services.artefact_agree(actor=actor, artefact=artefact))


@router.post(
    E + "/artefacts/{artefact_id}/file",
    response={201: ArtefactOut},
    summary="An author attaches or replaces the draft's file (the other authors are asked to agree again)",
)
@permission(MEMBER)
def artefact_file_upload(
    request: HttpRequest,
    network_id: str,
    exchange_id: int,
    artefact_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008 (ninja's way to declare a multipart field)
) -> Status:
    """Multipart field `file`: PDF, ODT, DOCX, JPEG, PNG, WebP, plain text or Markdown, 10 Mo at most, its type
    read from its content. Refused (422) once the artefact is published: what its authors agreed to stays."""
    actor, exchange = _exchange(request, network_id, exchange_id)
    artefact = selectors.artefact_get(exchange=exchange, artefact_id=artefact_id)
    return Status(201, services.artefact_file_replace(actor=actor, artefact=artefact, file=file))


@router.get(E + "/artefacts/{artefact_id}/file", summary="Download an artefact's file (404 when it has none)")
@permission(MEMBER)
def artefact_file_get(request: HttpRequest, network_id: str, exchange_id: int, artefact_id: int) -> FileResponse:
    exchange = _exchange(request, network_id, exchange_id)[1]
    artefact = selectors.artefact_get(exchange=exchange, artefact_id=artefact_id)
    return artefact_files.download_response(artefact.file.name, title=artefact.title)
