# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network's certification projects (recognition), with the network's permissions: a token acts for its user,
whose role in the network (`networks.access`) decides: members read (`recognition.view`), the committee and
moderators create (`recognition.edit`). Someone outside the network gets 404, a lesser role 403, no token 401.

`target_register` is the project's `register` (a name pydantic's base class keeps).
`network_id` is the network's short name (its slug, as in /reseaux/<slug>/). The dossier is the same JSON as the
project page's download (`recognition.dossier`, schema in docs/recognition.md)."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_network_actor, permission
from coopforma.api.params import coded, paged
from coopforma.recognition import selectors, services
from coopforma.recognition.dossier import SCHEMA_VERSION, project_dossier
from coopforma.recognition.models import CertificationProject, ProjectState, Register

router = Router(tags=["recognition"])


class BlockOut(Schema):
    code: str
    title: str
    activities: list[str] = Field(description="codes of the référentiel's activities")
    competencies: list[str] = Field(description="codes of the référentiel's competencies")


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
                "code": b.code,
                "title": b.title,
                "activities": [a.code for a in b.activities.all()],
                "competencies": [c.code for c in b.competencies.all()],
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


@router.get("/recognition/networks/{network_id}/projects", response=list[ProjectOut], summary="Certification projects")
@permission(MEMBER)
@paged
def recognition_project_list(request: HttpRequest, network_id: str) -> list[CertificationProject]:
    projects = selectors.project_list(actor=get_network_actor(request, network_id))
    return list(projects.prefetch_related("blocks__activities", "blocks__competencies"))


@router.get(
    "/recognition/networks/{network_id}/projects/{project_id}", response=ProjectOut, summary="A certification project"
)
@permission(MEMBER)
def recognition_project_get(request: HttpRequest, network_id: str, project_id: int) -> CertificationProject:
    return selectors.project_get(actor=get_network_actor(request, network_id), project_id=project_id)


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
    project = services.project_create(actor=actor, version_id=version.pk, **data)
    return Status(201, project)


@router.get(
    "/recognition/networks/{network_id}/projects/{project_id}/dossier",
    response=DossierOut,
    summary="The project's dossier (JSON)",
)
@permission(MEMBER)
def recognition_dossier_get(request: HttpRequest, network_id: str, project_id: int) -> dict[str, Any]:
    project = selectors.project_get(actor=get_network_actor(request, network_id), project_id=project_id)
    return project_dossier(project)
