# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of certification projects, for a `NetworkActor`: the network's members read them (`recognition.view`),
a project of another network is a 404."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from coopforma.accounts.models import Membership, Organisation
from coopforma.catalogue.models import Training
from coopforma.core.locking import id_or_404
from coopforma.exchanges.models import DebriefCompetency, Exchange, ExchangeState
from coopforma.exchanges.models import Participant as ExchangeParticipant
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import NetworkOrganisation, PartnerState, PartnerStructure
from coopforma.recognition.models import (
    BlockEvaluation,
    BlockExchange,
    BlockTraining,
    CertificationProject,
    ProjectBlock,
)
from coopforma.referentiel.models import Item, ItemKind, ObjectiveCompetency, Version, VersionState

VIEW = "recognition.view"


def project_list(*, actor: NetworkActor) -> QuerySet[CertificationProject]:
    actor.require(VIEW)
    return CertificationProject.objects.filter(network_id=actor.network_id).select_related(
        "version", "job", "carrier_organisation", "carrier_partner"
    )


def project_get(*, actor: NetworkActor, project_id: int) -> CertificationProject:
    """One project of the actor's network (404: missing or another network's; 403: no `recognition.view`)."""
    project = (
        CertificationProject.objects.filter(pk=id_or_404(project_id), network_id=actor.network_id)
        .select_related("version__referentiel", "job", "carrier_organisation", "carrier_partner", "network")
        .first()
    )
    if project is None:
        raise Http404
    actor.require(VIEW)
    return project


def published_versions(*, actor: NetworkActor) -> QuerySet[Version]:
    return Version.objects.filter(referentiel__network_id=actor.network_id, state=VersionState.PUBLISHED).order_by(
        "-major", "-minor"
    )


def jobs_of(*, version: Version) -> QuerySet[Item]:
    return version.items.filter(kind=ItemKind.JOB).order_by("position")


def carrier_choices(*, actor: NetworkActor) -> tuple[QuerySet[Organisation], QuerySet[PartnerStructure]]:
    """Who may carry a project: the network's member organisations and its partner structures (not refused)."""
    member_ids = NetworkOrganisation.objects.filter(network_id=actor.network_id).values("organisation_id")
    organisations = Organisation.objects.filter(pk__in=member_ids).order_by("name")
    partners = (
        PartnerStructure.objects.filter(network_id=actor.network_id)
        .exclude(state=PartnerState.REFUSED)
        .order_by("name")
    )
    return organisations, partners


def member_trainings(*, actor: NetworkActor) -> QuerySet[Training]:
    """The trainings of the network's member organisations (what a bloc may be prepared by)."""
    member_ids = NetworkOrganisation.objects.filter(network_id=actor.network_id).values("organisation_id")
    return Training.objects.filter(organisation_id__in=member_ids).select_related("organisation").order_by("title")


@dataclass
class TrainingRow:
    training: Training
    attached: bool  # attached by the committee (else: found through objectives linked to the bloc's competencies)
    competencies: list[str] = field(default_factory=list)  # codes of the bloc's competencies its objectives cover


@dataclass
class ExchangeRow:
    """An exchange of know-how of the network for a bloc, with what its records prove: its dates, its number of
    participants and debriefs, and the bloc's competencies its participants declared in their debriefs (declared,
    not assessed)."""

    exchange: Exchange
    adopted: bool  # adopted by the committee (else: suggested from its debriefs' and listings' competencies)
    participants: int
    debriefs: int
    competencies: list[str] = field(default_factory=list)  # codes of the bloc's competencies it covers
    declared: dict[str, int] = field(default_factory=dict)  # bloc competency code -> how many debriefs declare it


@dataclass
class BlockView:
    block: ProjectBlock
    activities: list[Item]
    competencies: list[Item]
    evaluations: list[BlockEvaluation]
    trainings: list[TrainingRow]
    exchanges: list[ExchangeRow] = field(default_factory=list)


def network_exchanges(*, actor: NetworkActor) -> QuerySet[Exchange]:
    """The network's exchanges of know-how that may prepare a bloc (all but the cancelled ones)."""
    return (
        Exchange.objects.filter(network_id=actor.network_id)
        .exclude(state=ExchangeState.CANCELLED)
        .order_by("-starts_on", "title", "pk")
    )


def _exchange_rows(project: CertificationProject, blocks: list[ProjectBlock]) -> dict[int, list[ExchangeRow]]:
    """For each bloc, its adopted exchanges and those of the network whose debriefs (competencies declared by the
    participants) or listings (the offer, the participants' requests) cover one of its competencies (by key)."""
    keys = {c.key for b in blocks for c in b.competencies.all()}
    network_id = project.network_id
    covered: dict[int, set[object]] = {}  # exchange id -> keys of the blocs' competencies it covers
    declared: dict[int, dict[object, set[int]]] = {}  # exchange id -> key -> debrief ids
    for exchange_id, key, debrief_id in DebriefCompetency.objects.filter(
        debrief__participant__exchange__network_id=network_id, competency__key__in=list(keys)
    ).values_list("debrief__participant__exchange_id", "competency__key", "debrief_id"):
        covered.setdefault(exchange_id, set()).add(key)
        declared.setdefault(exchange_id, {}).setdefault(key, set()).add(debrief_id)
    listed = list(
        Exchange.objects.filter(network_id=network_id, offer__competencies__key__in=list(keys)).values_list(
            "pk", "offer__competencies__key"
        )
    ) + list(
        ExchangeParticipant.objects.filter(
            exchange__network_id=network_id, request__competencies__key__in=list(keys)
        ).values_list("exchange_id", "request__competencies__key")
    )
    for exchange_id, key in listed:
        covered.setdefault(exchange_id, set()).add(key)
    adopted = {(link.block_id, link.exchange_id) for b in blocks for link in b.exchanges.all()}
    ids = set(covered) | {exchange_id for _block, exchange_id in adopted}
    exchanges = {
        e.pk: e
        for e in Exchange.objects.filter(pk__in=ids, network_id=network_id).annotate(
            participant_count=Count("participants", distinct=True),
            debrief_count=Count("participants__debrief", distinct=True),
        )
    }
    rows: dict[int, list[ExchangeRow]] = {}
    for block in blocks:
        codes: dict[object, str] = {c.key: c.code for c in block.competencies.all()}
        found: list[ExchangeRow] = []
        for exchange in exchanges.values():
            is_adopted = (block.pk, exchange.pk) in adopted
            mine = [codes[k] for k in codes if k in covered.get(exchange.pk, set())]
            if not is_adopted and (not mine or exchange.state == ExchangeState.CANCELLED):
                continue
            found.append(
                ExchangeRow(
                    exchange=exchange,
                    adopted=is_adopted,
                    participants=exchange.participant_count,
                    debriefs=exchange.debrief_count,
                    competencies=mine,
                    declared={codes[k]: len(d) for k, d in declared.get(exchange.pk, {}).items() if k in codes},
                )
            )
        found.sort(key=lambda r: (not r.adopted, -(r.exchange.starts_on or date.min).toordinal(), r.exchange.title))
        rows[block.pk] = found
    return rows


def blocks_of(*, project: CertificationProject) -> list[BlockView]:
    """The project's blocs with their activities, competencies, evaluations and the trainings that prepare them:
    attached ones, and those of member organisations whose objectives are linked (referentiel.ObjectiveCompetency)
    to one of the bloc's competencies, in any version (matched by the item's key); and the exchanges of know-how
    that prepare them (`_exchange_rows`: adopted ones and suggestions)."""
    blocks = list(
        project.blocks.prefetch_related(
            Prefetch("activities", queryset=Item.objects.order_by("position")),
            Prefetch("competencies", queryset=Item.objects.order_by("position")),
            Prefetch("evaluations", queryset=BlockEvaluation.objects.select_related("competency")),
            Prefetch("trainings", queryset=BlockTraining.objects.select_related("training__organisation")),
            Prefetch("exchanges", queryset=BlockExchange.objects.all()),
        )
    )
    exchange_rows = _exchange_rows(project, blocks)
    keys = {c.key: c.code for b in blocks for c in b.competencies.all()}
    member_ids = NetworkOrganisation.objects.filter(network_id=project.network_id).values("organisation_id")
    links = ObjectiveCompetency.objects.filter(
        competency__key__in=list(keys), training__organisation_id__in=member_ids
    ).select_related("training__organisation", "competency")
    by_key: dict[object, list[Training]] = {}
    for link in links:
        by_key.setdefault(link.competency.key, []).append(link.training)
    views = []
    for block in blocks:
        rows: dict[int, TrainingRow] = {t.training_id: TrainingRow(t.training, True) for t in block.trainings.all()}
        for competency in block.competencies.all():
            for training in by_key.get(competency.key, []):
                row = rows.setdefault(training.pk, TrainingRow(training, False))
                if competency.code not in row.competencies:
                    row.competencies.append(competency.code)
        views.append(
            BlockView(
                block=block,
                activities=list(block.activities.all()),
                competencies=list(block.competencies.all()),
                evaluations=list(block.evaluations.all()),
                trainings=sorted(rows.values(), key=lambda r: (not r.attached, r.training.title)),
                exchanges=exchange_rows.get(block.pk, []),
            )
        )
    return views


def evaluation_get(*, actor: NetworkActor, project: CertificationProject, evaluation_id: int) -> BlockEvaluation:
    actor.require(VIEW)
    evaluation = (
        BlockEvaluation.objects.filter(pk=id_or_404(evaluation_id), block__project=project)
        .select_related("block", "competency")
        .first()
    )
    if evaluation is None:
        raise Http404
    return evaluation


def block_get(*, actor: NetworkActor, project: CertificationProject, block_id: int) -> ProjectBlock:
    actor.require(VIEW)
    block = project.blocks.filter(pk=id_or_404(block_id)).prefetch_related("activities", "competencies").first()
    if block is None:
        raise Http404
    return block


def projects_for_training(*, training: Training) -> QuerySet[CertificationProject]:
    """The projects a training prepares a bloc of (the link back: the training's page may show them)."""
    return (
        CertificationProject.objects.filter(blocks__trainings__training=training).distinct().select_related("network")
    )


def version_choices(*, project: CertificationProject) -> dict[str, list[Item]]:
    """The activities and competencies of the project's version, its job's first (what a bloc may group)."""
    items = list(project.version.items.filter(kind__in=[ItemKind.ACTIVITY, ItemKind.COMPETENCY]).order_by("position"))
    first = [i for i in items if project.job_id and i.parent_id == project.job_id]
    rest = [i for i in items if i not in first]
    return {
        "activities": [i for i in first + rest if i.kind == ItemKind.ACTIVITY],
        "competencies": [i for i in first + rest if i.kind == ItemKind.COMPETENCY],
    }


def project_training_get(*, project: CertificationProject, training_id: int) -> Training:
    """A training attached to one of the project's blocs (404 otherwise)."""
    training = (
        Training.objects.filter(pk=id_or_404(training_id), certification_blocks_prepared__block__project=project)
        .select_related("organisation")
        .first()
    )
    if training is None:
        raise Http404
    return training


def organisations_of(*, user: Any) -> set[int]:
    """The ids of the organisations the user is an active member of (where they may confirm a link back)."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", flat=True))
