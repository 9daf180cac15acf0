# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import ApiToken, Membership, MembershipState, Organisation, User


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")


def membership_list(*, actor: Actor) -> QuerySet[Membership]:
    actor.require("org.manage")
    # Members by name; the others (invited, declined, removed) by e-mail only: the names of an account that is not
    # in the organisation belong to its owner, and must not leak, even through the order of the rows.
    joined = Q(state__in=[MembershipState.ACTIVE, MembershipState.SUSPENDED])
    return (
        Membership.objects.filter(organisation=actor.organisation)
        .select_related("user", "invited_by")
        .annotate(
            joined=Case(When(joined, then=Value(0)), default=Value(1)),
            sort_name=Case(
                When(joined, then=Concat("user__last_name", Value(" "), "user__first_name")),
                default=F("user__email"),
                output_field=CharField(),
            ),
        )
        .order_by("joined", "sort_name", "user__email")
    )


def membership_get(*, actor: Actor, membership_id: int) -> Membership:
    """One membership of the actor's organisation; 404 when missing or another organisation's."""
    actor.require("org.manage")
    membership = (
        Membership.objects.filter(pk=membership_id, organisation=actor.organisation).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return membership


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens; an administrator sees every token of the organisation (to revoke any)."""
    tokens = ApiToken.objects.filter(organisation=actor.organisation).select_related("user")
    if not actor.has("org.manage"):
        tokens = tokens.filter(user=actor.user)
    return tokens.order_by("-created_at")
