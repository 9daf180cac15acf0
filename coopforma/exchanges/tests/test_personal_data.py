# SPDX-License-Identifier: AGPL-3.0-or-later
"""A person's data archive (privacy) holds their exchanges of know-how: member record (contact details, commune),
offers and requests, participations, debriefs and log messages, when the person is a member of the exchanges of a
network the organisation belongs to (same account, or same e-mail address). Other people's data and other networks'
exchanges stay out (docs/privacy.md, « Échanges de savoir-faire »)."""

import io
import json
import zipfile

import pytest

from coopforma.accounts.tests.factories import UserFactory
from coopforma.exchanges.models import Debrief, LogEntry
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.models import NetworkOrganisation
from coopforma.networks.tests.factories import NetworkFactory
from coopforma.people.tests.factories import TraineeFactory
from coopforma.privacy import selectors, services

pytestmark = pytest.mark.django_db

EMAIL = "alice.dupont@example.org"


@pytest.fixture
def scene(org):  # type: ignore[no-untyped-def]
    ours = NetworkFactory(name="Réseau des coopératives")
    NetworkOrganisation.objects.create(network=ours, organisation=org)
    elsewhere = NetworkFactory(name="Réseau d'ailleurs")  # the organisation is not a member
    alice_user = UserFactory(email=EMAIL)
    alice = joined_member(
        ours, user=alice_user, display_name="Alice D.", email="alice.contact@example.net", phone="06 11 22 33 44"
    )
    joined_member(elsewhere, user=alice_user, display_name="Alice ailleurs", phone="07 99 99 99 99")
    bob = joined_member(ours, display_name="Bob L.", phone="06 55 55 55 55")
    exchange = exchange_between(alice, bob, title="Codéveloppement entre pairs")
    mine = exchange.participants.get(member=alice)
    Debrief.objects.create(participant=mine, learnt="J'ai transmis la méthode du codéveloppement", rating=5)
    Debrief.objects.create(participant=exchange.participants.get(member=bob), learnt="Secret de Bob")
    LogEntry.objects.create(exchange=exchange, author=alice, body="Rendez-vous à la gare à 9 h")
    LogEntry.objects.create(exchange=exchange, author=bob, body="Message de Bob")
    return {"alice": alice, "bob": bob, "exchange": exchange, "user": alice_user}


def _sections(person) -> dict[str, selectors.Section]:  # type: ignore[no-untyped-def]
    return {s.key: s for s in selectors.person_inventory(person=person)}


def test_a_trainee_with_the_members_address_gets_their_exchanges_in_the_archive(org, admin_actor, scene):  # type: ignore[no-untyped-def]
    trainee = TraineeFactory(organisation=org, email=EMAIL.upper())
    archive = services.privacy_export(actor=admin_actor, person=trainee)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        data = json.loads(opened.read("donnees.json"))
    sections = {s["key"]: s for s in data["subjects"][0]["sections"]}

    members = sections["exchanges_members"]
    assert members["model"] == "exchanges.Member" and members["retention"] and members["legal_basis"]
    assert [r["display_name"] for r in members["records"]] == ["Alice D."]
    record = members["records"][0]
    assert record["email"] == "alice.contact@example.net" and record["phone"] == "06 11 22 33 44"
    assert (
        record["city"] == "Lyon" and record["insee_code"] == "69123" and record["network"] == "Réseau des coopératives"
    )
    assert "n'est pas membre" in members["notes"]

    assert {r["kind"] for r in sections["exchanges_listings"]["records"]} == {"Je propose", "Je cherche"}
    assert [r["exchange"] for r in sections["exchanges_participations"]["records"]] == ["Codéveloppement entre pairs"]
    assert sections["exchanges_participations"]["records"][0]["role"] == "Transmet son savoir-faire"
    assert [r["learnt"] for r in sections["exchanges_debriefs"]["records"]] == [
        "J'ai transmis la méthode du codéveloppement"
    ]
    assert [r["body"] for r in sections["exchanges_log"]["records"]] == ["Rendez-vous à la gare à 9 h"]

    text = json.dumps(data, ensure_ascii=False)
    # Nobody else's data, nor another network's exchanges.
    for other in ("Bob L.", "06 55 55 55 55", "Secret de Bob", "Message de Bob", "Alice ailleurs", "07 99 99 99 99"):
        assert other not in text


def test_the_members_contact_address_and_the_trainers_account_find_them_too(org, trainer, scene):  # type: ignore[no-untyped-def]
    by_contact = TraineeFactory(organisation=org, email="alice.contact@example.net")
    assert [r["display_name"] for r in _sections(by_contact)["exchanges_members"].records] == ["Alice D."]
    trainer.user = scene["user"]
    trainer.email = "theo.autre@example.org"
    trainer.save()
    assert [r["display_name"] for r in _sections(trainer)["exchanges_members"].records] == ["Alice D."]


def test_no_exchanges_section_for_someone_else_or_another_organisation(org, other_org, scene):  # type: ignore[no-untyped-def]
    assert "exchanges_members" not in _sections(TraineeFactory(organisation=org, email="personne@example.org"))
    assert "exchanges_members" not in _sections(TraineeFactory(organisation=org, email=""))
    # Another organisation, not a member of the network: the same address finds nothing of the network's.
    assert "exchanges_members" not in _sections(TraineeFactory(organisation=other_org, email=EMAIL))


def test_the_portal_archive_holds_them(org, scene):  # type: ignore[no-untyped-def]
    TraineeFactory(organisation=org, email=EMAIL)
    archive = services.privacy_portal_export(organisation_id=org.pk, email=EMAIL)
    assert archive is not None
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        data = json.loads(opened.read("donnees.json"))
        pdf = opened.read("synthese.pdf")
    keys = [s["key"] for s in data["subjects"][0]["sections"]]
    assert "exchanges_members" in keys and "exchanges_debriefs" in keys
    assert pdf.startswith(b"%PDF")
