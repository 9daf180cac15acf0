# SPDX-License-Identifier: AGPL-3.0-or-later
"""The permission matrix of the users page's actions (resend an invitation, remove, end sessions), every role.

302 = done (anonymous: sent to the login page); 403 = a member without org.manage; 404 = another organisation,
with our slug (the membership check) and with its own slug and our ids (the view's own scoping). A refused
request changes nothing.
"""

import pytest
from django.urls import reverse

from coopforma.accounts.models import Membership
from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import MembershipFactory, UserFactory
from tests.permissions import ROLES, web_client

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin": 302,
    "quality": 403,
    "manager": 403,
    "trainer": 403,
    "stranger": 404,
    "foreign": 404,
    "anonymous": 302,
}


@pytest.fixture
def targets(org, trainer, trainer_user, admin_user, quality_user, manager_user, stranger):  # type: ignore[no-untyped-def]
    invited = MembershipFactory(
        user=UserFactory(), organisation=org, role=Role.QUALITY, state="invited", is_active=False
    )
    member = MembershipFactory(user=UserFactory(), organisation=org, role=Role.QUALITY)
    return {
        "resend": invited,
        "remove": member,
        "sessions_end": Membership.objects.get(user=trainer_user, organisation=org),
    }


def _state(membership: Membership) -> tuple[str, int, str | None]:
    membership.refresh_from_db()
    membership.user.refresh_from_db()
    return membership.state, membership.user.session_version, membership.invitation_token_hash


@pytest.mark.parametrize("action", ["resend", "remove", "sessions_end"])
@pytest.mark.parametrize("role", ROLES)
def test_membership_actions(request, web, role, action, targets, org, other_org):  # type: ignore[no-untyped-def]
    target = targets[action]
    before = _state(target)
    client = web_client(request, web, role)
    url = reverse(f"org:membership_{action}", kwargs={"org": org.slug, "pk": target.pk})
    response = client.post(url)
    assert response.status_code == EXPECTED[role], f"{role} {action}"
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    if role == "stranger":
        own_slug = reverse(f"org:membership_{action}", kwargs={"org": other_org.slug, "pk": target.pk})
        assert client.post(own_slug).status_code == 404
    if role != "admin":
        assert _state(target) == before, f"{role} changed something with {action}"
    else:
        assert _state(target) != before


@pytest.mark.parametrize("action", ["resend", "remove", "sessions_end"])
def test_membership_actions_answer_only_post(web, admin_user, targets, org, action):  # type: ignore[no-untyped-def]
    url = reverse(f"org:membership_{action}", kwargs={"org": org.slug, "pk": targets[action].pk})
    assert web(admin_user).get(url).status_code == 405
