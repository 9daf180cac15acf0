# SPDX-License-Identifier: AGPL-3.0-or-later
"""Project-wide fixtures: two organisations, one person per role, logged-in web and API clients.

The scoping world used by every permission test:
- `org` has two member structures: `member` (a CAE) and `other_member` (a Scop);
- `trainer` belongs to `member`; `manager` manages `member`; `quality` and `admin` see all;
- `other_org` is another tenant with its own admin (`stranger`).
"""

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from coopforma.accounts.actor import Actor, actor_for
from coopforma.accounts.models import ApiToken
from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from coopforma.people.tests.factories import MemberStructureFactory, TrainerFactory
from tests.clock import frozen_now

# Property tests check values, not speed: no per-example deadline (a loaded CI machine made a 200 ms deadline
# fail on a date function once); performance is measured in benchmarks/.
hypothesis_settings.register_profile("coopforma", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("coopforma")


@pytest.fixture(autouse=True)
def _fast_and_french(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "fr"


# --- Frozen time ------------------------------------------------------------------------------------
# Every test starts at the same instant (tests/clock.py says which and why; COOPFORMA_TEST_NOW moves it), so no
# test depends on the day or hour it runs. Clocks tick from there (tick=True): the live server and Playwright
# see time pass. A test that needs another date travels again inside (time_machine.travel or its fixture).


def pytest_configure(config):  # type: ignore[no-untyped-def]
    # From collection on, so that module constants (TODAY = timezone.localdate()) see the same date as the tests.
    traveller = time_machine.travel(frozen_now(), tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


@pytest.fixture(autouse=True)
def _frozen_time():  # type: ignore[no-untyped-def]
    with time_machine.travel(frozen_now(), tick=True):
        yield


@pytest.fixture
def org(db):  # type: ignore[no-untyped-def]
    return OrganisationFactory(name="Coop Formation Test", slug="coop-test")


@pytest.fixture
def other_org(db):  # type: ignore[no-untyped-def]
    return OrganisationFactory(name="Autre OF", slug="autre-of")


@pytest.fixture
def member(org):  # type: ignore[no-untyped-def]
    return MemberStructureFactory(organisation=org, name="CAE Test", kind="cae")


@pytest.fixture
def other_member(org):  # type: ignore[no-untyped-def]
    return MemberStructureFactory(organisation=org, name="Scop Voisine", kind="scop")


def _member_user(org, role, **kwargs):  # type: ignore[no-untyped-def]
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def admin_user(org):  # type: ignore[no-untyped-def]
    return _member_user(org, Role.ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def quality_user(org):  # type: ignore[no-untyped-def]
    return _member_user(org, Role.QUALITY, first_name="Quentin", last_name="Qualité")


@pytest.fixture
def manager_user(org, member):  # type: ignore[no-untyped-def]
    user = _member_user(org, Role.MEMBER_MANAGER, first_name="Maud", last_name="Gérante")
    member.managers.add(user)
    return user


@pytest.fixture
def trainer_user(org, member):  # type: ignore[no-untyped-def]
    return _member_user(org, Role.TRAINER, first_name="Théo", last_name="Formateur")


@pytest.fixture
def trainer(org, member, trainer_user):  # type: ignore[no-untyped-def]
    """The trainer profile of `trainer_user`, validated and active in `member`."""
    return TrainerFactory(
        organisation=org,
        member_structure=member,
        user=trainer_user,
        first_name="Théo",
        last_name="Formateur",
        email=trainer_user.email,
        onboarding_state="active",
    )


@pytest.fixture
def other_trainer(org, other_member):  # type: ignore[no-untyped-def]
    """A trainer of another member structure of the same OF (with a login)."""
    user = _member_user(org, Role.TRAINER, first_name="Olga", last_name="Autre")
    return TrainerFactory(
        organisation=org,
        member_structure=other_member,
        user=user,
        first_name="Olga",
        last_name="Autre",
        email=user.email,
        onboarding_state="active",
    )


@pytest.fixture
def stranger(other_org):  # type: ignore[no-untyped-def]
    """The administrator of another organisation."""
    return _member_user(other_org, Role.ADMIN, first_name="Sam", last_name="Ailleurs")


def make_actor(user, org) -> Actor:  # type: ignore[no-untyped-def]
    membership = user.memberships.get(organisation=org)
    return actor_for(user, org, membership.role)


@pytest.fixture
def admin_actor(admin_user, org) -> Actor:  # type: ignore[no-untyped-def]
    return make_actor(admin_user, org)


@pytest.fixture
def quality_actor(quality_user, org) -> Actor:  # type: ignore[no-untyped-def]
    return make_actor(quality_user, org)


@pytest.fixture
def manager_actor(manager_user, org) -> Actor:  # type: ignore[no-untyped-def]
    return make_actor(manager_user, org)


@pytest.fixture
def trainer_actor(trainer, trainer_user, org) -> Actor:  # type: ignore[no-untyped-def]
    return make_actor(trainer_user, org)


@pytest.fixture
def web():  # type: ignore[no-untyped-def]
    """A function giving a Django test client logged in as `user`."""

    def _login(user):  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    """A function giving a Django test client that sends `user`'s API token for `org`."""

    def _client(user, org):  # type: ignore[no-untyped-def]
        key = ApiToken.new_key()
        ApiToken.objects.create(
            user=user, organisation=org, name="test", prefix=key[:10], key_hash=ApiToken.hash_key(key)
        )
        return Client(headers={"Authorization": f"Bearer {key}"})

    return _client
