# SPDX-License-Identifier: AGPL-3.0-or-later
"""One auth and permission layer for the API: a personal token (Bearer) bound to one organisation."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from coopforma.accounts.actor import Actor, actor_for
from coopforma.accounts.models import ApiToken, Membership
from coopforma.accounts.roles import FLAGS
from coopforma.networks.access import NetworkActor, network_actor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        api_token = (
            ApiToken.objects.select_related("user", "organisation")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        membership = Membership.objects.filter(
            user=api_token.user, organisation=api_token.organisation, is_active=True
        ).first()
        if membership is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        actor = actor_for(api_token.user, api_token.organisation, membership.role)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


def get_actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined]  # set by ninja's authentication (TokenAuth returns the Actor)


def get_network_actor(request: HttpRequest, network_id: str) -> NetworkActor:
    """The token's person in the network `network_id` (its slug): 404 when the network does not exist or the person
    has neither a role nor a partner structure in it; their role there decides, not the token's organisation."""
    return network_actor(get_actor(request).user, network_id)


def require(request: HttpRequest, flag: str) -> Actor:
    actor = get_actor(request)
    if not actor.has(flag):
        raise PermissionDenied(flag)
    return actor


# --- What each route declares (test_routes.py checks that every route of the API declares one) ---------------

# Any member of the token's organisation: the route's selector or service scopes what the role sees and may do
# (a trainer their sessions, a member manager their structure's records) and refuses the rest (403/404).
MEMBER = "member"
# No token: the route sets `auth=None` (none today).
PUBLIC = "public"

V = TypeVar("V", bound=Callable[..., Any])


def permission(flag: str) -> Callable[[V], V]:
    """Declare who may call a route: a flag of accounts.roles.FLAGS (a token whose role lacks it gets 403 before
    the route runs), `MEMBER` or `PUBLIC`. Put it right under the router's decorator:

        @router.post("/billing/pieces/{piece_id}/issue", response=PieceDetailOut)
        @permission("billing.manage")
        def invoice_issue(request, piece_id: int, payload: IssueIn): ...
    """
    if flag not in (MEMBER, PUBLIC) and flag not in FLAGS:
        raise ValueError(f"Unknown permission flag: {flag}")

    def decorate(view_func: V) -> V:
        @functools.wraps(view_func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if flag not in (MEMBER, PUBLIC):
                require(request, flag)
            return view_func(request, *args, **kwargs)

        wrapper.permission = flag  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
