# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network with a published référentiel, a member organisation with a training, and a certification project."""

from typing import Any

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkOrganisation
from coopforma.networks.tests.factories import walk_network
from coopforma.recognition import services
from coopforma.recognition.models import (
    BlockEvaluation,
    BlockExchange,
    BlockTraining,
    CertificationProject,
    ProjectBlock,
)
from coopforma.referentiel.models import Item, ItemKind, Proposal, Referentiel, Version, VersionState
from coopforma.referentiel.tests.factories import load_draft, network_with_people


def setup_network(slug: str = "formations-cooperatives") -> dict[str, Any]:
    """`network_with_people` with the draft référentiel published (0.1), a member organisation and its training."""
    people = network_with_people(slug)
    people["version"] = load_draft(people["network"], publish=True)
    training = TrainingFactory(title=f"Animer la coopération ({slug})")
    NetworkOrganisation.objects.create(network=people["network"], organisation=training.organisation)
    people["training"] = training
    people["organisation"] = training.organisation
    return people


def create_project(people: dict[str, Any], **fields: Any) -> CertificationProject:
    actor = actor_for(people["committee"], people["network"])
    data = {
        "version_id": people["version"].pk,
        "job_code": "M1",
        "title": "Animateur·rice de coopération territoriale",
        "register": "rncp",
        "level": 6,
        "carrier_organisation_id": people["organisation"].pk,
    }
    data.update(fields)
    return services.project_create(actor=actor, **data)


def objects_with_id(i: int, **records: Any) -> None:
    """tests/test_every_route.py: a network (slug `str(i)`) (networks' walk_network: records["admin"] moderates it,
    the organisation is a member), with a published version, a proposal, a project, its bloc, evaluation, training and
    exchange (the exchanges' exchange `i`), all with primary key `i`."""
    network = walk_network(i, **records)
    referentiel = Referentiel.objects.create(pk=i, network=network)
    version = Version.objects.create(
        pk=i, referentiel=referentiel, number="1.0", major=1, minor=0, state=VersionState.PUBLISHED
    )
    job = Item.objects.create(version=version, kind=ItemKind.JOB, code="M1", label=f"Métier {records['mark']}")
    competency = Item.objects.create(
        version=version, kind=ItemKind.COMPETENCY, code="M1-C1", label=f"Compétence {records['mark']}", parent=job
    )
    Proposal.objects.create(pk=i, referentiel=referentiel, kind="reword", target_code="M1", label="x", reason="x")
    project = CertificationProject.objects.create(
        pk=i, network=network, version=version, job=job, title=f"Projet {records['mark']}", register="rs"
    )
    block = ProjectBlock.objects.create(pk=i, project=project, code="BC01", title=f"Bloc {records['mark']}")
    block.competencies.add(competency)
    BlockEvaluation.objects.create(pk=i, block=block, competency=competency)
    BlockTraining.objects.create(pk=i, block=block, training=records["training"])
    BlockExchange.objects.create(pk=i, block=block, exchange_id=i)  # exchanges' objects_with_id made exchange `i`
