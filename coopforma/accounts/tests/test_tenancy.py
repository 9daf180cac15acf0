# SPDX-License-Identifier: AGPL-3.0-or-later
"""The organisation's own pages (settings, users, API tokens) with the administrator of another organisation in
their own organisation (`foreign`, tests/permissions.py): our tokens are 404, their pages show none of our people;
the scoped manager of tenant models."""

import pytest
from django.urls import reverse

from coopforma.accounts.models import ApiToken
from tests.permissions import foreign_client

pytestmark = pytest.mark.django_db


def test_another_organisations_admin_cannot_revoke_our_tokens(request, org, admin_user):  # type: ignore[no-untyped-def]
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=admin_user, organisation=org, name="tableur", prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    url = reverse("org:api_token_revoke", kwargs={"org": org.slug, "pk": token.pk})
    assert foreign_client(request).post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["settings", "memberships", "api_tokens"])
def test_another_organisations_admin_sees_only_their_own(request, name, org, admin_user):  # type: ignore[no-untyped-def]
    ApiToken.objects.create(user=admin_user, organisation=org, name="tableur", prefix="cf_x", key_hash="0" * 64)
    response = foreign_client(request).get(reverse(f"org:{name}", kwargs={"org": org.slug}))
    page = response.content.decode()
    assert response.status_code == 200 and "Autre OF" in page
    assert org.name not in page and admin_user.email not in page and "tableur" not in page


def test_for_actor_keeps_the_rows_of_the_actors_organisation(org, other_org, admin_actor):  # type: ignore[no-untyped-def]
    """`Model.objects.for_actor(actor)`, the first step of a selector (TenantModel's manager)."""
    from coopforma.training_sessions.models import Place
    from coopforma.training_sessions.tests.factories import PlaceFactory

    ours, _theirs = PlaceFactory(organisation=org), PlaceFactory(organisation=other_org)
    assert list(Place.objects.for_actor(admin_actor)) == [ours]
    assert list(Place.objects.filter(pk=ours.pk).for_actor(admin_actor)) == [ours]
