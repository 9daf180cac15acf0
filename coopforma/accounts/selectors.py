# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db.models import QuerySet

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import ApiToken, Membership, Organisation, User


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")


def membership_list(*, actor: Actor) -> QuerySet[Membership]:
    actor.require("org.manage")
    return (
        Membership.objects.filter(organisation=actor.organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=actor.organisation, user=actor.user).order_by("-created_at")
