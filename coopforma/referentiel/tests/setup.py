# SPDX-License-Identifier: AGPL-3.0-or-later
"""Two networks with a published référentiel each, an organisation member of ours with its staff, a trainer and
a training, and another organisation member of the other network: what the objective links, the coverage and
the trainers' competencies are tested with."""

from django.test import Client

from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.networks.models import NetworkOrganisation
from coopforma.people.tests.factories import TrainerFactory
from coopforma.referentiel.models import Item
from coopforma.referentiel.tests.factories import load_draft, network_with_people


def world() -> dict:
    ours = network_with_people("formations-cooperatives")
    theirs = network_with_people("autre-reseau")
    version = load_draft(ours["network"], publish=True)
    other_version = load_draft(theirs["network"], publish=True)
    org = OrganisationFactory(name="Scop Coopérer", slug="cooperer")
    other_org = OrganisationFactory(name="Autre OF", slug="autre-of")
    NetworkOrganisation.objects.create(network=ours["network"], organisation=org)
    NetworkOrganisation.objects.create(network=theirs["network"], organisation=other_org)
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    other_admin = MembershipFactory(organisation=other_org, role=Role.ADMIN).user
    training = TrainingFactory(
        organisation=org,
        title="Coopérer sur un territoire",
        objectives=["Analyser les rapports de pouvoir entre les acteurs", "Prévenir et réguler les tensions du groupe"],
        is_public=True,
    )
    trainer_user = UserFactory()
    trainer = TrainerFactory(organisation=org, user=trainer_user, member_structure=training.member_structure)
    MembershipFactory(organisation=org, user=trainer_user, role=Role.TRAINER)
    return {
        **{f"our_{k}": v for k, v in ours.items()},
        **{f"their_{k}": v for k, v in theirs.items()},
        "version": version,
        "other_version": other_version,
        "org": org,
        "other_org": other_org,
        "admin": admin,
        "other_admin": other_admin,
        "training": training,
        "trainer": trainer,
        "trainer_user": trainer_user,
    }


def competency(version, code: str) -> Item:
    return version.items.get(code=code)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
