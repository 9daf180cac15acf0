# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for catalogue (list/detail/create/update), thin: parse, call a selector or service, serialise.

Objectives are a list of strings, durations integer minutes, prices integer cents (HT).
"""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.params import coded, paged
from coopforma.catalogue import selectors, services
from coopforma.catalogue.models import CertificationKind, Modality, Training, TrainingStatus
from coopforma.catalogue.nsf import NSF_LABELS

router = Router(tags=["catalogue"])


class TrainingOut(Schema):
    id: int
    title: str
    reference: str
    status: str = coded(TrainingStatus)
    is_public: bool
    summary: str
    objectives: list[str]
    audience: str
    prerequisites: str
    content: str
    duration_minutes: int
    modality: str = coded(Modality)
    methods: str
    evaluation_methods: str
    accessibility: str
    access_delay: str
    price_inter_cents: int | None = Field(description="Prix inter par stagiaire, en centimes HT")
    price_intra_cents: int | None = Field(description="Prix intra par groupe, en centimes HT")
    certification_kind: str = coded(CertificationKind)
    certification_code: str
    rncp_level: int | None
    nsf_code: str
    nsf_label: str
    formacode: str
    bpf_objective: str
    action_category: str = Field(description="training, skills_assessment, vae or apprenticeship (L6313-1)")
    member_structure_id: int
    member_structure_name: str
    trainer_ids: list[int]
    missing_fields: list[str] = Field(description="Programme items still empty (needed to submit or validate)")
    validated_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_nsf_label(obj: Training) -> str:
        return NSF_LABELS.get(obj.nsf_code, "")

    @staticmethod
    def resolve_member_structure_name(obj: Training) -> str:
        return obj.member_structure.name

    @staticmethod
    def resolve_trainer_ids(obj: Training) -> list[int]:
        return sorted(t.pk for t in obj.trainers.all())

    @staticmethod
    def resolve_missing_fields(obj: Training) -> list[str]:
        return obj.missing_programme_field_names()


class TrainingIn(Schema):
    title: str
    reference: str = ""
    member_structure_id: int | None = Field(
        None, description="Required for admin/quality; a trainer's or single-structure manager's own otherwise"
    )
    trainer_ids: list[int] = []
    summary: str = ""
    objectives: list[str] = []
    audience: str = ""
    prerequisites: str = ""
    content: str = ""
    duration_minutes: int = Field(0, ge=0)
    modality: str = coded(Modality, default="on_site")
    methods: str = ""
    evaluation_methods: str = ""
    accessibility: str = ""
    access_delay: str = ""
    price_inter_cents: int | None = Field(None, ge=0)
    price_intra_cents: int | None = Field(None, ge=0)
    certification_kind: str = coded(CertificationKind, default="none")
    certification_code: str = ""
    rncp_level: int | None = Field(None, description="2 to 8, or 0 for a CQP registered at the RNCP without a level")
    nsf_code: str = ""
    formacode: str = ""
    bpf_objective: str = ""
    action_category: str = Field(
        "training", description="training, skills_assessment (bilan de compétences), vae or apprenticeship (L6313-1)"
    )
    is_public: bool = False


class TrainingPatch(Schema):
    """Only the fields sent change."""

    title: str | None = None
    reference: str | None = None
    member_structure_id: int | None = None
    trainer_ids: list[int] | None = None
    summary: str | None = None
    objectives: list[str] | None = None
    audience: str | None = None
    prerequisites: str | None = None
    content: str | None = None
    duration_minutes: int | None = Field(None, ge=0)
    modality: str | None = None
    methods: str | None = None
    evaluation_methods: str | None = None
    accessibility: str | None = None
    access_delay: str | None = None
    price_inter_cents: int | None = Field(None, ge=0)
    price_intra_cents: int | None = Field(None, ge=0)
    certification_kind: str | None = None
    certification_code: str | None = None
    rncp_level: int | None = None
    nsf_code: str | None = None
    formacode: str | None = None
    bpf_objective: str | None = None
    action_category: str | None = None
    is_public: bool | None = None


class TrainingFilters(Schema):
    q: str = Field("", description="Title, reference, NSF code or label, Formacode")
    status: str = Field("", description="draft, submitted, validated, archived (default: all but archived)")
    member_structure: int | None = None
    modality: str = ""
    certification_kind: str = ""
    is_public: bool | None = None
    mine: bool = Field(False, description="The trainings I teach (trainer) or created")


@router.get("/trainings", response=list[TrainingOut], summary="List the trainings I may see")
@permission(MEMBER)
@paged
def training_list(request: HttpRequest, filters: Query[TrainingFilters]) -> QuerySet[Training]:
    return selectors.training_list(actor=get_actor(request), filters=filters.model_dump())


@router.post("/trainings", response={201: TrainingOut}, summary="Create a draft training")
@permission("catalogue.create")
def training_create(request: HttpRequest, payload: TrainingIn) -> Status:
    actor = get_actor(request)
    return Status(201, services.training_create(actor=actor, **payload.model_dump()))


@router.get("/trainings/{training_id}", response=TrainingOut, summary="One training")
@permission(MEMBER)
def training_get(request: HttpRequest, training_id: int) -> Training:
    return selectors.training_get(actor=get_actor(request), training_id=training_id)


@router.patch("/trainings/{training_id}", response=TrainingOut, summary="Change a training")
@permission(MEMBER)
def training_update(request: HttpRequest, training_id: int, payload: TrainingPatch) -> Training:
    data = payload.model_dump(exclude_unset=True)
    return services.training_update(actor=get_actor(request), training_id=training_id, **data)


@router.post("/trainings/{training_id}/submit", response=TrainingOut, summary="Submit the programme for validation")
@permission(MEMBER)
def training_submit(request: HttpRequest, training_id: int) -> Training:
    return services.training_submit(actor=get_actor(request), training_id=training_id)


@router.post("/trainings/{training_id}/validate", response=TrainingOut, summary="Validate the programme")
@permission("catalogue.validate")
def training_validate(request: HttpRequest, training_id: int) -> Training:
    return services.training_validate(actor=get_actor(request), training_id=training_id)
