# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network's certification projects (recognition), with the network's permissions: a token acts for its user,
whose role in the network (`networks.access`) decides: members read (`recognition.view`), the committee and
moderators create (`recognition.edit`). Someone outside the network gets 404, a lesser role 403, no token 401.

`target_register` is the project's `register` (a name pydantic's base class keeps).
`network_id` is the network's short name (its slug, as in /reseaux/<slug>/). The dossier is the same JSON as the
project page's download (`recognition.dossier`, schema in docs/recognition.md)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_network_actor, permission
from coopforma.api.params import coded, paged
from coopforma.networks.access import NetworkActor
from coopforma.recognition import selectors, services
from coopforma.recognition.dossier import SCHEMA_VERSION, project_dossier
from coopforma.recognition.models import CertificationProject, ProjectState, Register

router = Router(tags=["recognition"])

PREFETCH = (
    "blocks__activities",
    "blocks__competencies",
    "blocks__evaluations__competency",
    "blocks__trainings",
    "blocks__exchanges",
)
# The services' names for what the API calls otherwise (so that an error names the field that was sent).
API_NAMES = {"register": "target_register", "version_id": "version"}


class BlockEvaluationOut(Schema):
    id: int
    competency: str = Field(description="the code of the competency it evaluates")
    situations: str
    criteria: str
    modalities: str


class BlockOut(Schema):
    id: int
    code: str
    title: str
    activities: list[str] = Field(description="codes of the référentiel's activities")
    competencies: list[str] = Field(description="codes of the référentiel's competencies")
    evaluations: list[BlockEvaluationOut] = Field(description="the référentiel d'évaluation, one per competency")
    trainings: list[int] = Field(description="ids of the member organisations' trainings attached to the bloc")
    exchanges: list[int] = Field(description="ids of the network's exchanges of know-how adopted for the bloc")


class ProjectOut(Schema):
    id: int
    title: str
    target_register: str = coded(Register, what="the register aimed at")
    level: int | None = Field(description="level of the national framework (3–8), RNCP only")
    state: str = coded(ProjectState)
    code: str = Field(description="the certification's code once registered (RNCP12345, RS1234)")
    registered_on: date | None
    version: str = Field(description="the référentiel version it is built from")
    job: str = Field(description="the code of the job it certifies")
    carrier: str = Field(description="the carrier (future certifier)")
    blocks: list[BlockOut]
    evidence: dict[str, Any] = Field(
        description="the evidence of need as last gathered (gathered_at, map, tenders: each figure with its source)"
    )
    created_at: datetime

    @staticmethod
    def resolve_target_register(obj: CertificationProject) -> str:
        return obj.register

    @staticmethod
    def resolve_version(obj: CertificationProject) -> str:
        return obj.version.number

    @staticmethod
    def resolve_job(obj: CertificationProject) -> str:
        return obj.job.code if obj.job else ""

    @staticmethod
    def resolve_carrier(obj: CertificationProject) -> str:
        return obj.carrier_name

    @staticmethod
    def resolve_blocks(obj: CertificationProject) -> list[dict[str, Any]]:
        return [
            {
                "id": b.pk,
                "code": b.code,
                "title": b.title,
                "activities": [a.code for a in b.activities.all()],
                "competencies": [c.code for c in b.competencies.all()],
                "evaluations": [
                    {
                        "id": e.pk,
                        "competency": e.competency.code,
                        "situations": e.situations,
                        "criteria": e.criteria,
                        "modalities": e.modalities,
                    }
                    for e in b.evaluations.all()
                ],
                "trainings": [t.training_id for t in b.trainings.all()],
                "exchanges": [e.exchange_id for e in b.exchanges.all()],
            }
            for b in obj.blocks.all()
        ]


class ProjectIn(Schema):
    version: str = Field(max_length=20, description="a published version's number (0.1)")
    job_code: str = Field(max_length=30, description="the job it certifies (M1)")
    title: str = Field(max_length=300)
    target_register: str = coded(Register, what="the register aimed at")
    level: int | None = Field(None, ge=0, le=100, description="3–8 for the RNCP; none for the RS")
    carrier_organisation_id: int | None = Field(None, description="a member organisation of the network")
    carrier_partner_id: int | None = Field(None, description="or a partner structure of the network")
    context: str = Field("", max_length=20000, description="contexte et opportunité")
    access_conditions: str = Field("", max_length=20000, description="modalités d'accès")


class ProjectPatch(Schema):
    """The fields sent change; those left out keep their value. `level` and the carrier sent as null are emptied;
    a text sent as null keeps its value."""

    title: str | None = Field(None, max_length=300)
    target_register: str | None = coded(Register, default=None, what="the register aimed at")
    level: int | None = Field(None, ge=0, le=100, description="3–8 for the RNCP; null for the RS")
    carrier_organisation_id: int | None = Field(None, description="a member organisation of the network")
    carrier_partner_id: int | None = Field(None, description="or a partner structure of the network")
    context: str | None = Field(None, max_length=20000, description="contexte et opportunité")
    access_conditions: str | None = Field(None, max_length=20000, description="modalités d'accès")


class BlockIn(Schema):
    title: str = Field(max_length=300)
    activity_codes: list[str] = Field(default_factory=list, max_length=200, description="activities of the version")
    competency_codes: list[str] = Field(max_length=200, description="competencies of the version (one at least)")


class BlockPatch(Schema):
    """The fields sent change; those left out keep their value."""

    title: str | None = Field(None, max_length=300)
    activity_codes: list[str] | None = Field(None, max_length=200)
    competency_codes: list[str] | None = Field(None, max_length=200)


class BlockEvaluationPatch(Schema):
    """The fields sent change; those left out keep their value."""

    situations: str | None = Field(None, max_length=20000)
    criteria: str | None = Field(None, max_length=20000)
    modalities: str | None = Field(None, max_length=20000)


class BlockTrainingIn(Schema):
    training_id: int = Field(description="a training of one of the network's member organisations")


class BlockExchangeIn(Schema):
    exchange_id: int = Field(description="an exchange of know-how of the network (not cancelled)")


class ProjectDecisionIn(Schema):
    registered: bool = Field(description="true: registered by France compétences (with its code); false: refused")
    code: str = Field("", max_length=20, description="the certification's code (RNCP12345, RS1234) when registered")
    registered_on: date | None = Field(None, description="the day of the registration (today when left out)")
    note: str = Field("", max_length=5000, description="France compétences' decision; the reason of a refusal")


class DossierOut(Schema):
    schema_version: str = Field(description=f"the dossier's schema (today {SCHEMA_VERSION}; docs/recognition.md)")
    generated_at: str
    project: dict[str, Any]
    referentiel: dict[str, Any]
    context: str
    evidence: dict[str, Any]
    activities: list[dict[str, Any]]
    competencies: list[dict[str, Any]]
    evaluation: list[dict[str, Any]]
    blocks: list[dict[str, Any]]
    access_conditions: str
    training_paths: list[dict[str, Any]]
    exchanges: dict[str, Any] = Field(
        description="the adopted exchanges of know-how: note (what they prove; competencies declared, not assessed) "
        "and records"
    )


@router.get("/recognition/networks/{network_id}/projects", response=list[ProjectOut], summary="Certification projects")
@permission(MEMBER)
@paged
def recognition_project_list(request: HttpRequest, network_id: str) -> list[CertificationProject]:
    projects = selectors.project_list(actor=get_network_actor(request, network_id))
    return list(projects.prefetch_related(*PREFETCH))


@router.get(
    "/recognition/networks/{network_id}/projects/{project_id}", response=ProjectOut, summary="A certification project"
)
@permission(MEMBER)
def recognition_project_get(request: HttpRequest, network_id: str, project_id: int) -> CertificationProject:
    return _project_out(get_network_actor(request, network_id), project_id)


@router.post(
    "/recognition/networks/{network_id}/projects",
    response={201: ProjectOut},
    summary="Create a project from a published version",
)
@permission(MEMBER)
def recognition_project_create(request: HttpRequest, network_id: str, payload: ProjectIn) -> Status:
    actor = get_network_actor(request, network_id)
    actor.require(services.EDIT)
    data = payload.dict()
    data["register"] = data.pop("target_register")
    version = selectors.published_versions(actor=actor).filter(number=data.pop("version")).first()
    if version is None:
        raise ValidationError({"version": "Ce numéro n'est pas celui d'une version publiée du référentiel du réseau."})
    with _api_names():
        project = services.project_create(actor=actor, version_id=version.pk, **data)
    return Status(201, _project_out(actor, project.pk))


@router.get(
    "/recognition/networks/{network_id}/projects/{project_id}/dossier",
    response=DossierOut,
    summary="The project's dossier (JSON)",
)
@permission(MEMBER)
def recognition_dossier_get(request: HttpRequest, network_id: str, project_id: int) -> dict[str, Any]:
    project = selectors.project_get(actor=get_network_actor(request, network_id), project_id=project_id)
    return project_dossier(project)


# --- Editing a project (the committee and moderators: `recognition.edit`) ---------------------------------------


@contextmanager
def _api_names() -> Iterator[None]:
    """A service's refusal with the fields named as the API names them (`register` is `target_register`)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError({API_NAMES.get(k, k): v for k, v in error.error_dict.items()}) from error


def _project_out(actor: NetworkActor, project_id: int) -> CertificationProject:
    project = selectors.project_get(actor=actor, project_id=project_id)
    return CertificationProject.objects.prefetch_related(*PREFETCH).select_related("version", "job").get(pk=project.pk)


def _actor_project(request: HttpRequest, network_id: str, project_id: int) -> tuple[NetworkActor, CertificationProject]:
    """The network's actor and its project of the URL (404 for another network's project)."""
    actor = get_network_actor(request, network_id)
    return actor, selectors.project_get(actor=actor, project_id=project_id)


def _merged(payload: Schema, current: dict[str, Any]) -> dict[str, Any]:
    """`current` with the values the PATCH sent over it (a field left out or sent null keeps its value)."""
    sent = payload.dict(exclude_unset=True)
    return {key: value if sent.get(key) is None else sent[key] for key, value in current.items()}


@router.patch(
    "/recognition/networks/{network_id}/projects/{project_id}",
    response=ProjectOut,
    summary="Change a project in preparation (title, register, level, carrier, texts)",
)
@permission(MEMBER)
def recognition_project_update(
    request: HttpRequest, network_id: str, project_id: int, payload: ProjectPatch
) -> CertificationProject:
    actor, project = _actor_project(request, network_id, project_id)
    sent = payload.dict(exclude_unset=True)
    current: dict[str, Any] = {
        "title": project.title,
        "register": project.register,
        "level": project.level,
        "carrier_organisation_id": project.carrier_organisation_id,
        "carrier_partner_id": project.carrier_partner_id,
        "context": project.context,
        "access_conditions": project.access_conditions,
    }
    for name, value in sent.items():
        key = "register" if name == "target_register" else name
        if value is not None or key in ("level", "carrier_organisation_id", "carrier_partner_id"):
            current[key] = value
    with _api_names():
        services.project_update(actor=actor, project_id=project.pk, **current)
    return _project_out(actor, project.pk)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks",
    response={201: ProjectOut},
    summary="Add a bloc de compétences to a project in preparation",
)
@permission(MEMBER)
def recognition_block_create(request: HttpRequest, network_id: str, project_id: int, payload: BlockIn) -> Status:
    actor = get_network_actor(request, network_id)
    services.block_save(actor=actor, project_id=project_id, **payload.dict())
    return Status(201, _project_out(actor, project_id))


@router.patch(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks/{block_id}",
    response=ProjectOut,
    summary="Change a bloc: its title, activities and competencies (the evaluations follow the competencies)",
)
@permission(MEMBER)
def recognition_block_update(
    request: HttpRequest, network_id: str, project_id: int, block_id: int, payload: BlockPatch
) -> CertificationProject:
    actor, project = _actor_project(request, network_id, project_id)
    block = selectors.block_get(actor=actor, project=project, block_id=block_id)
    current = {
        "title": block.title,
        "activity_codes": [a.code for a in block.activities.all()],
        "competency_codes": [c.code for c in block.competencies.all()],
    }
    services.block_save(actor=actor, project_id=project.pk, block_id=block.pk, **_merged(payload, current))
    return _project_out(actor, project.pk)


@router.delete(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks/{block_id}",
    response={204: None},
    summary="Delete a bloc of a project in preparation",
)
@permission(MEMBER)
def recognition_block_delete(request: HttpRequest, network_id: str, project_id: int, block_id: int) -> Status:
    services.block_delete(actor=get_network_actor(request, network_id), project_id=project_id, block_id=block_id)
    return Status(204, None)


@router.patch(
    "/recognition/networks/{network_id}/projects/{project_id}/evaluations/{evaluation_id}",
    response=ProjectOut,
    summary="Write the référentiel d'évaluation of one competency of a bloc",
)
@permission(MEMBER)
def recognition_evaluation_update(
    request: HttpRequest, network_id: str, project_id: int, evaluation_id: int, payload: BlockEvaluationPatch
) -> CertificationProject:
    actor, project = _actor_project(request, network_id, project_id)
    evaluation = selectors.evaluation_get(actor=actor, project=project, evaluation_id=evaluation_id)
    current = {
        "situations": evaluation.situations,
        "criteria": evaluation.criteria,
        "modalities": evaluation.modalities,
    }
    services.evaluation_update(
        actor=actor, project_id=project.pk, evaluation_id=evaluation.pk, **_merged(payload, current)
    )
    return _project_out(actor, project.pk)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks/{block_id}/trainings",
    response={201: ProjectOut},
    summary="Attach a member organisation's training to a bloc (it prepares the bloc)",
)
@permission(MEMBER)
def recognition_block_training_create(
    request: HttpRequest, network_id: str, project_id: int, block_id: int, payload: BlockTrainingIn
) -> Status:
    actor = get_network_actor(request, network_id)
    services.block_training_attach(
        actor=actor, project_id=project_id, block_id=block_id, training_id=payload.training_id
    )
    return Status(201, _project_out(actor, project_id))


@router.delete(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks/{block_id}/trainings/{training_id}",
    response={204: None},
    summary="Detach a training from a bloc",
)
@permission(MEMBER)
def recognition_block_training_delete(
    request: HttpRequest, network_id: str, project_id: int, block_id: int, training_id: int
) -> Status:
    services.block_training_detach(
        actor=get_network_actor(request, network_id), project_id=project_id, block_id=block_id, training_id=training_id
    )
    return Status(204, None)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks/{block_id}/exchanges",
    response={201: ProjectOut},
    summary="Adopt an exchange of know-how of the network for a bloc (it prepares the bloc)",
)
@permission(MEMBER)
def recognition_block_exchange_create(
    request: HttpRequest, network_id: str, project_id: int, block_id: int, payload: BlockExchangeIn
) -> Status:
    actor = get_network_actor(request, network_id)
    services.block_exchange_adopt(
        actor=actor, project_id=project_id, block_id=block_id, exchange_id=payload.exchange_id
    )
    return Status(201, _project_out(actor, project_id))


@router.delete(
    "/recognition/networks/{network_id}/projects/{project_id}/blocks/{block_id}/exchanges/{exchange_id}",
    response={204: None},
    summary="Remove an exchange of know-how from a bloc",
)
@permission(MEMBER)
def recognition_block_exchange_delete(
    request: HttpRequest, network_id: str, project_id: int, block_id: int, exchange_id: int
) -> Status:
    services.block_exchange_remove(
        actor=get_network_actor(request, network_id), project_id=project_id, block_id=block_id, exchange_id=exchange_id
    )
    return Status(204, None)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/evidence",
    response=ProjectOut,
    summary="Gather the evidence of need again (dated, with its sources)",
)
@permission(MEMBER)
def recognition_evidence_generate(request: HttpRequest, network_id: str, project_id: int) -> CertificationProject:
    actor = get_network_actor(request, network_id)
    services.project_evidence_refresh(actor=actor, project_id=project_id)
    return _project_out(actor, project_id)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/reopen",
    response=ProjectOut,
    summary="Reopen a refused project (back to preparation, for a new filing)",
)
@permission(MEMBER)
def recognition_project_open(request: HttpRequest, network_id: str, project_id: int) -> CertificationProject:
    actor = get_network_actor(request, network_id)
    services.project_reopen(actor=actor, project_id=project_id)
    return _project_out(actor, project_id)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/submit",
    response=ProjectOut,
    summary="File the project at France compétences (refused with every gap listed)",
)
@permission(MEMBER)
def recognition_project_submit(request: HttpRequest, network_id: str, project_id: int) -> CertificationProject:
    actor = get_network_actor(request, network_id)
    services.project_submit(actor=actor, project_id=project_id)
    return _project_out(actor, project_id)


@router.post(
    "/recognition/networks/{network_id}/projects/{project_id}/decision",
    response=ProjectOut,
    summary="Record France compétences' decision: registered with the certification's code, or refused",
)
@permission(MEMBER)
def recognition_project_decide(
    request: HttpRequest, network_id: str, project_id: int, payload: ProjectDecisionIn
) -> CertificationProject:
    actor = get_network_actor(request, network_id)
    services.project_record_decision(actor=actor, project_id=project_id, **payload.dict())
    return _project_out(actor, project_id)
