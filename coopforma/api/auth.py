# SPDX-License-Identifier: AGPL-3.0-or-later
"""One auth and permission layer for the API: a personal token (Bearer) bound to one organisation."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from coopforma.accounts.actor import Actor, actor_for
from coopforma.accounts.models import ApiToken, Membership


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


def require(request: HttpRequest, flag: str) -> Actor:
    actor = get_actor(request)
    if not actor.has(flag):
        raise PermissionDenied(flag)
    return actor
