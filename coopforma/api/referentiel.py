# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network's référentiel: public reads (no token) of its published versions, their items and their coverage by
the trainings of the network's member organisations; writes with the network's permissions (a token): propose,
comment, decide; and, with an organisation's token, the links of its trainings' objectives to competencies
(written by whoever may edit the training).

`network_id` is the network's short name (its slug, as in /reseaux/<slug>/), `version_id` a version number
(`0.1`) or `latest`, `item_id` an item's code (`M1`, `M1-C2`, `S4`). Drafts are not served here: they are the
network's work in progress (its members read them on the pages). The same data as the open data downloads
(/reseaux/<slug>/referentiel/v/<version>/telecharger/json/).

Writes: a token acts for its user; what that person may do in the network comes from their role there
(`networks.access`, NetworkPerson), whatever the token's organisation: members propose and comment
(`referentiel.propose`), the committee decides (`referentiel.decide`). Someone outside the network gets 404, a
member deciding 403, no token 401."""

from datetime import datetime

from django.db import models
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from coopforma.api.auth import MEMBER, PUBLIC, get_actor, permission
from coopforma.api.params import coded, paged
from coopforma.catalogue.selectors import training_get
from coopforma.networks.access import network_actor
from coopforma.referentiel import selectors, services
from coopforma.referentiel.models import (
    LEVELS,
    Item,
    ItemKind,
    ObjectiveCompetency,
    Proposal,
    ProposalComment,
    ProposalKind,
    ProposalState,
    Version,
)

router = Router(tags=["referentiel"])

# The levels as choices, for `coded` (the empty level: not said).
LEVEL_CHOICES_ENUM = models.TextChoices("Level", [(code, (code, label)) for code, label in LEVELS])  # type: ignore[call-overload]  # the functional API, which the stubs type for a single member only


class VersionOut(Schema):
    number: str
    title: str
    network: str = Field(description="the network's short name")
    licence: str
    licence_url: str
    published_at: datetime | None
    changelog: str
    items: int = Field(description="how many items the version holds")

    @staticmethod
    def resolve_title(obj: Version) -> str:
        return obj.referentiel.title

    @staticmethod
    def resolve_network(obj: Version) -> str:
        return obj.referentiel.network.slug

    @staticmethod
    def resolve_licence(obj: Version) -> str:
        return obj.referentiel.licence

    @staticmethod
    def resolve_licence_url(obj: Version) -> str:
        return obj.referentiel.licence_url

    @staticmethod
    def resolve_items(obj: Version) -> int:
        return obj.items.count()


class ItemOut(Schema):
    code: str = Field(description="the item's identifier in the référentiel (M1, M1-C2, S4)")
    key: str = Field(description="the item's key, the same in every version")
    kind: str = coded(ItemKind)
    label: str
    aliases: list[str]
    description: str = Field(description="a job's mission, an item's definition")
    criteria: list[str] = Field(description="observable criteria (competencies)")
    levels: dict[str, str] = Field(description="notions, pratique, maitrise, transmission → what each means")
    notes: list[str] = Field(description="repères: sources and related référentiels")
    codes: dict[str, list[str]] = Field(description="references: rome, rncp, rs, nsf, formacode")
    job: str = Field(description="the job's code (activities and competencies), or empty")
    blocks: list[str] = Field(description="codes of the cross-cutting blocks it belongs to")

    @staticmethod
    def resolve_key(obj: Item) -> str:
        return str(obj.key)

    @staticmethod
    def resolve_job(obj: Item) -> str:
        return obj.parent.code if obj.parent else ""

    @staticmethod
    def resolve_blocks(obj: Item) -> list[str]:
        return [b.code for b in obj.blocks.all()]


class ItemFilters(Schema):
    kind: str = Field("", description="job, activity, competency or block (default: all)")
    q: str = Field("", max_length=200, description="words to find, whatever the accents and the case")


@router.get(
    "/referentiel/networks/{network_id}/versions", response=list[VersionOut], auth=None, summary="Published versions"
)
@permission(PUBLIC)
@paged
def referentiel_version_list(request: HttpRequest, network_id: str) -> list[Version]:
    network = selectors.network_get(user=None, slug=network_id)
    return list(selectors.published_versions(network=network).select_related("referentiel__network"))


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}",
    response=VersionOut,
    auth=None,
    summary="One published version (`latest`: the latest)",
)
@permission(PUBLIC)
def referentiel_version_get(request: HttpRequest, network_id: str, version_id: str) -> Version:
    network = selectors.network_get(user=None, slug=network_id)
    return selectors.published_version_get(network=network, number=version_id)


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}/items",
    response=list[ItemOut],
    auth=None,
    summary="The items of a published version",
)
@permission(PUBLIC)
@paged
def referentiel_item_list(
    request: HttpRequest, network_id: str, version_id: str, filters: Query[ItemFilters]
) -> list[Item]:
    network = selectors.network_get(user=None, slug=network_id)
    version = selectors.published_version_get(network=network, number=version_id)
    if filters.q.strip():
        items = selectors.item_search(version=version, query=filters.q)
    else:
        items = list(selectors.items_of(version=version))
    return [i for i in items if not filters.kind or i.kind == filters.kind]


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}/items/{item_id}",
    response=ItemOut,
    auth=None,
    summary="One item of a published version, by its code",
)
@permission(PUBLIC)
def referentiel_item_get(request: HttpRequest, network_id: str, version_id: str, item_id: str) -> Item:
    network = selectors.network_get(user=None, slug=network_id)
    version = selectors.published_version_get(network=network, number=version_id)
    return selectors.item_by_code(version=version, code=item_id)


# --- Writes, with the network's permissions (a token) -------------------------------------------------------------


class ProposalIn(Schema):
    kind: str = coded(ProposalKind)
    reason: str = Field(max_length=5000, description="why the change is proposed")
    target_code: str = Field("", max_length=30, description="the item concerned (M1, M1-C2…); a job to add to")
    other_code: str = Field("", max_length=30, description="a merge: the item to merge into")
    label: str = Field("", max_length=500, description="the proposed label (new item, rewording)")
    description: str = Field("", max_length=5000, description="the proposed mission or definition")


class CommentOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: ProposalComment) -> str:
        return obj.author.get_full_name() if obj.author else ""


class ProposalOut(Schema):
    id: int
    kind: str = coded(ProposalKind)
    state: str = coded(ProposalState)
    target_code: str
    other_code: str
    label: str
    description: str
    reason: str
    author: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str
    version: str = Field(description="the version it was applied to (accepted), or empty")
    result_code: str = Field(description="the code of the item it created or changed (accepted)")

    @staticmethod
    def resolve_author(obj: Proposal) -> str:
        return obj.author.get_full_name() if obj.author else ""

    @staticmethod
    def resolve_version(obj: Proposal) -> str:
        return obj.version.number if obj.version else ""


class CommentIn(Schema):
    text: str = Field(max_length=5000)


class ProposalDecisionIn(Schema):
    accept: bool = Field(description="true: accepted (applied to the draft at once); false: refused")
    reason: str = Field("", max_length=5000, description="the reason (required for a refusal)")


@router.get("/referentiel/networks/{network_id}/proposals", response=list[ProposalOut], summary="The proposals")
@permission(MEMBER)
@paged
def referentiel_proposal_list(request: HttpRequest, network_id: str) -> list[Proposal]:
    """The network's proposals, refused ones too, for its members (others: 404)."""
    user = get_actor(request).user
    actor = network_actor(user, network_id)
    return list(selectors.proposal_list(user=user, network=actor.network))


@router.post("/referentiel/networks/{network_id}/proposals", response={201: ProposalOut}, summary="Propose a change")
@permission(MEMBER)
def referentiel_proposal_create(request: HttpRequest, network_id: str, payload: ProposalIn) -> Status:
    user = get_actor(request).user
    actor = network_actor(user, network_id)
    proposal = services.proposal_create(user=user, network_id=actor.network_id, **payload.dict())
    return Status(201, proposal)


@router.post(
    "/referentiel/networks/{network_id}/proposals/{proposal_id}/comments",
    response={201: CommentOut},
    summary="Comment on a proposal",
)
@permission(MEMBER)
def referentiel_comment_create(request: HttpRequest, network_id: str, proposal_id: int, payload: CommentIn) -> Status:
    user = get_actor(request).user
    actor = network_actor(user, network_id)
    comment = services.proposal_comment(
        user=user, network_id=actor.network_id, proposal_id=proposal_id, text=payload.text
    )
    return Status(201, comment)


@router.post(
    "/referentiel/networks/{network_id}/proposals/{proposal_id}/decision",
    response=ProposalOut,
    summary="The committee accepts or refuses a proposal",
)
@permission(MEMBER)
def referentiel_proposal_decide(
    request: HttpRequest, network_id: str, proposal_id: int, payload: ProposalDecisionIn
) -> Proposal:
    user = get_actor(request).user
    actor = network_actor(user, network_id)
    return services.proposal_decide(
        user=user, network_id=actor.network_id, proposal_id=proposal_id, accept=payload.accept, reason=payload.reason
    )


# --- Trainings' objectives ↔ competencies (a token of the training's organisation) ------------------------------


class ObjectiveLinkOut(Schema):
    id: int
    objective: int = Field(description="the objective's rank in the training's `objectives` (0 for the first)")
    objective_text: str
    network: str = Field(description="the network's short name")
    version: str = Field(description="the published version the competency is cited in")
    code: str = Field(description="the competency's code (M1-C2)")
    key: str = Field(description="the competency's key, the same in every version")
    label: str
    level: str = coded(LEVEL_CHOICES_ENUM, what="the level aimed, or empty")

    @staticmethod
    def resolve_objective_text(obj: ObjectiveCompetency) -> str:
        objectives = obj.training.objectives or []
        return str(objectives[obj.objective]) if obj.objective < len(objectives) else ""

    @staticmethod
    def resolve_network(obj: ObjectiveCompetency) -> str:
        return obj.competency.version.referentiel.network.slug

    @staticmethod
    def resolve_version(obj: ObjectiveCompetency) -> str:
        return obj.competency.version.number

    @staticmethod
    def resolve_code(obj: ObjectiveCompetency) -> str:
        return obj.competency.code

    @staticmethod
    def resolve_key(obj: ObjectiveCompetency) -> str:
        return str(obj.competency.key)

    @staticmethod
    def resolve_label(obj: ObjectiveCompetency) -> str:
        return obj.competency.label


class ObjectiveLinkIn(Schema):
    objective: int = Field(ge=0, le=1000, description="the objective's rank (0 for the first)")
    network: str = Field(max_length=100, description="the network's short name")
    version: str = Field("latest", max_length=20, description="a published version number, or `latest`")
    code: str = Field(max_length=30, description="the competency's code in that version (M1-C2)")
    level: str = Field("", max_length=20, description="notions, pratique, maitrise, transmission, or empty")


@router.get(
    "/referentiel/trainings/{training_id}/objective-links",
    response=list[ObjectiveLinkOut],
    summary="The competencies a training's objectives aim at",
)
@permission(MEMBER)
@paged
def objective_link_list(request: HttpRequest, training_id: int) -> list[ObjectiveCompetency]:
    training = training_get(actor=get_actor(request), training_id=training_id)
    return list(selectors.objective_links(training=training).select_related("training"))


@router.post(
    "/referentiel/trainings/{training_id}/objective-links",
    response={201: ObjectiveLinkOut},
    summary="Link an objective of a training to a competency (the training's editors)",
)
@permission(MEMBER)
def objective_link_create(request: HttpRequest, training_id: int, payload: ObjectiveLinkIn) -> Status:
    actor = get_actor(request)
    training_get(actor=actor, training_id=training_id)  # 404 first: not theirs
    competency_id = selectors.competency_id_for(network=payload.network, version=payload.version, code=payload.code)
    link = services.objective_competency_link(
        actor=actor,
        training_id=training_id,
        objective=payload.objective,
        competency_id=competency_id,
        level=payload.level,
    )
    return Status(201, selectors.objective_links(training=link.training).select_related("training").get(pk=link.pk))


@router.delete("/referentiel/trainings/{training_id}/objective-links/{link_id}", response={204: None})
@permission(MEMBER)
def objective_link_delete(request: HttpRequest, training_id: int, link_id: int) -> Status[None]:
    services.objective_competency_unlink(actor=get_actor(request), training_id=training_id, link_id=link_id)
    return Status(204, None)


# --- Coverage (public, as the published versions) -----------------------------------------------------------------


class CoveredTrainingOut(Schema):
    id: int
    title: str
    organisation: str
    public_url: str = Field(description="its page on the organisation's public catalogue, or empty")


class CoverageOut(Schema):
    code: str
    key: str
    label: str
    job: str = Field(description="the job (code and label) the competency belongs to")
    count: int = Field(description="how many trainings of the network's member organisations aim at it")
    trainings: list[CoveredTrainingOut]

    @staticmethod
    def resolve_code(obj: selectors.CoverageRow) -> str:
        return obj.item.code

    @staticmethod
    def resolve_key(obj: selectors.CoverageRow) -> str:
        return str(obj.item.key)

    @staticmethod
    def resolve_label(obj: selectors.CoverageRow) -> str:
        return obj.item.label

    @staticmethod
    def resolve_job(obj: selectors.CoverageRow) -> str:
        return obj.group


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}/coverage",
    response=list[CoverageOut],
    auth=None,
    summary="Each competency of a published version with the trainings of the network's members that aim at it",
)
@permission(PUBLIC)
@paged
def referentiel_coverage_list(request: HttpRequest, network_id: str, version_id: str) -> list[selectors.CoverageRow]:
    network = selectors.network_get(user=None, slug=network_id)
    version = selectors.published_version_get(network=network, number=version_id)
    return selectors.coverage(network=network, version=version)
