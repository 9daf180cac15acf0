# SPDX-License-Identifier: AGPL-3.0-or-later
"""A person's data archive holds their roles in the networks the organisation is a member of (networks.NetworkPerson:
role, committee membership), found by their account (a trainer's own, or the account with their e-mail address).
Other people's roles and the networks the organisation is not a member of stay out (docs/privacy.md)."""

import io
import json
import zipfile

import pytest

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import NetworkOrganisation, NetworkPerson, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.people.tests.factories import TraineeFactory, TrainerFactory
from coopforma.privacy import selectors, services

pytestmark = pytest.mark.django_db

EMAIL = "alice.dupont@example.org"


@pytest.fixture
def scene(org):  # type: ignore[no-untyped-def]
    ours = NetworkFactory(name="Réseau des coopératives")
    NetworkOrganisation.objects.create(network=ours, organisation=org)
    also = NetworkFactory(name="Réseau des tiers-lieux")
    NetworkOrganisation.objects.create(network=also, organisation=org)
    elsewhere = NetworkFactory(name="Réseau d'ailleurs")  # the organisation is not a member
    alice = UserFactory(email=EMAIL)
    NetworkPerson.objects.create(network=ours, user=alice, role=NetworkRole.COMMITTEE)
    NetworkPerson.objects.create(network=also, user=alice, role=NetworkRole.FACILITATOR)
    NetworkPerson.objects.create(network=elsewhere, user=alice, role=NetworkRole.MODERATOR)
    bob = UserFactory(email="bob@example.org", first_name="Bob")
    NetworkPerson.objects.create(network=ours, user=bob, role=NetworkRole.MODERATOR)
    return {"alice": alice, "bob": bob, "ours": ours}


def _section(person):  # type: ignore[no-untyped-def]
    return next((s for s in selectors.person_inventory(person=person) if s.key == "network_roles"), None)


def test_a_trainee_with_the_accounts_address_gets_their_network_roles_in_the_archive(org, admin_actor, scene):  # type: ignore[no-untyped-def]
    trainee = TraineeFactory(organisation=org, email=EMAIL.upper())
    archive = services.privacy_export(actor=admin_actor, person=trainee)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        data = json.loads(opened.read("donnees.json"))
    sections = {s["key"]: s for s in data["subjects"][0]["sections"]}
    roles = sections["network_roles"]
    assert roles["model"] == "networks.NetworkPerson" and roles["legal_basis"] and roles["retention"]
    assert [(r["network"], r["role"], r["committee"]) for r in roles["records"]] == [
        ("Réseau des coopératives", "Membre du comité", "oui"),
        ("Réseau des tiers-lieux", "Animateur·rice des échanges", "non"),
    ]
    assert "n'est pas membre" in roles["notes"]
    text = json.dumps(data, ensure_ascii=False)
    assert "Réseau d'ailleurs" not in text and "Modérateur·rice" not in text  # not Bob's role, nor elsewhere


def test_a_trainer_is_found_by_their_own_account(org, scene):  # type: ignore[no-untyped-def]
    trainer = TrainerFactory(organisation=org, user=scene["bob"], email="autre@example.org")
    section = _section(trainer)
    assert section is not None
    assert [(r["network"], r["role"]) for r in section.records] == [("Réseau des coopératives", "Modérateur·rice")]


def test_nobody_else_and_no_other_organisation_gets_them(org, other_org, scene):  # type: ignore[no-untyped-def]
    assert _section(TraineeFactory(organisation=org, email="personne@example.org")) is None
    assert _section(TraineeFactory(organisation=org, email="")) is None
    # The same address in an organisation that is not a member of those networks.
    assert _section(TraineeFactory(organisation=other_org, email=EMAIL)) is None
