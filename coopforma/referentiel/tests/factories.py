# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network with its people (a moderator, a committee member, a member) and the draft référentiel loaded."""

from typing import Any

from django.utils import timezone

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import Network, NetworkOrganisation, NetworkPerson
from coopforma.referentiel import files, services
from coopforma.referentiel.demo import DRAFT
from coopforma.referentiel.models import (
    IssuedCredential,
    Item,
    ItemKind,
    ObjectiveCompetency,
    Referentiel,
    TrainerCompetency,
    Version,
    VersionState,
)


def network_with_people(slug: str = "formations-cooperatives", *, is_public: bool = True) -> dict:
    network = Network.objects.create(name=f"Réseau {slug}", slug=slug, is_public=is_public)
    people = {"network": network}
    for role in ("moderator", "committee", "member"):
        user = UserFactory(first_name=role.capitalize(), last_name=slug)
        NetworkPerson.objects.create(network=network, user=user, role=role)
        people[role] = user
    return people


def load_draft(network: Network, *, publish: bool = False) -> Version:
    document = files.read(DRAFT.read_bytes(), "yaml")
    version = services.version_import(user=None, network_id=network.pk, document=document)
    if publish:
        version = services.version_publish(user=None, network_id=network.pk, number=version.number)
    return version


def objects_with_id(i: int, **records: Any) -> None:
    """Create the records this app's organisation pages and API address by id, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py): a network the organisation is a member of, with a published
    version holding one job and one competency (Item `i`), the training's first objective linked to it, the
    trainer's declaration of it, the skills assessment of records["participant"] (evaluations' invitation `i`)
    answered « acquis », and an issued credential `i` of that trainee."""
    from coopforma.evaluations.models import Answer, Invitation, Response

    org, mark = records["org"], records["mark"]
    network = Network.objects.create(name=f"Réseau {mark}", slug=f"reseau-{i}-{org.pk}", is_public=True)
    NetworkOrganisation.objects.create(network=network, organisation=org)
    referentiel = Referentiel.objects.create(network=network)
    version = Version.objects.create(
        referentiel=referentiel, number="1.0", major=1, state=VersionState.PUBLISHED, published_at=timezone.now()
    )
    job = Item.objects.create(version=version, kind=ItemKind.JOB, code="M1", label=f"Métier {mark}")
    competency = Item.objects.create(
        pk=i, version=version, kind=ItemKind.COMPETENCY, code="M1-C1", label=f"Compétence {mark}", parent=job
    )
    ObjectiveCompetency.objects.create(
        pk=i, training=records["training"], objective=0, competency=competency, level="pratique"
    )
    TrainerCompetency.objects.create(pk=i, trainer=records["trainer"], competency=competency, level="pratique")
    invitation = Invitation.objects.get(pk=i)
    Invitation.objects.filter(pk=i).update(answered_at=timezone.now())
    response = Response.objects.create(
        organisation=org, survey_id=invitation.survey_id, invitation=invitation, submitted_on=timezone.localdate()
    )
    Answer.objects.create(organisation=org, response=response, question_id=i, objective_index=0, value=5)
    IssuedCredential.objects.create(
        pk=i,
        organisation=org,
        trainee=records["participant"].trainee,
        session=records["session"],
        competency=competency,
        level="pratique",
        token="x.y.z",
    )
