# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the people tests, on top of the project's world (see the root conftest.py):

- `member_client`: a company followed by `member` (the structure of `manager` and `trainer`), with a
  contact and a trainee (`member_trainee`);
- `other_client`: a company followed by `other_member`, with `other_trainee`;
- uploaded CVs go to a temporary MEDIA_ROOT.
"""

import pytest

from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 60


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member_client(org, member):  # type: ignore[no-untyped-def]
    return ClientFactory(organisation=org, member_structure=member, name="Boulangerie Martin", city="Rennes")


@pytest.fixture
def member_contact(member_client):  # type: ignore[no-untyped-def]
    return ContactFactory(client=member_client, first_name="Claire", last_name="Dupont", job_title="RH")


@pytest.fixture
def member_trainee(org, member_client):  # type: ignore[no-untyped-def]
    return TraineeFactory(organisation=org, client=member_client, first_name="Sacha", last_name="Martin")


@pytest.fixture
def other_client(org, other_member):  # type: ignore[no-untyped-def]
    return ClientFactory(organisation=org, member_structure=other_member, name="Menuiserie Voisine", city="Nantes")


@pytest.fixture
def other_trainee(org, other_client):  # type: ignore[no-untyped-def]
    return TraineeFactory(organisation=org, client=other_client, first_name="Léa", last_name="Voisin")


@pytest.fixture
def foreign_client(other_org):  # type: ignore[no-untyped-def]
    """A client of another organisation."""
    return ClientFactory(organisation=other_org, name="Client Ailleurs")
