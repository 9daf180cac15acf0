# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes for accounts: organisations, users, memberships, API tokens."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import ApiToken, Membership, Organisation, User
from coopforma.accounts.roles import Role
from coopforma.core.identifiers import compact
from coopforma.core.log import diff, log_action, snapshot


def _clean_identifiers(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("siret", "nda"):
        if data.get(key):
            data[key] = compact(data[key])
    return data


@transaction.atomic
def organisation_create(*, name: str, slug: str, actor_user: User | None = None, **fields: Any) -> Organisation:
    org = Organisation(name=name, slug=slug, **_clean_identifiers(fields))
    org.full_clean()
    org.save()
    log_action(actor=actor_user, obj=org, action="accounts.organisation.created", data={"name": name})
    return org


@transaction.atomic
def organisation_update(*, actor: Actor, **fields: Any) -> Organisation:
    actor.require("org.manage")
    org = Organisation.objects.select_for_update().get(pk=actor.organisation.pk)
    before = snapshot(org)
    for key, value in _clean_identifiers(fields).items():
        setattr(org, key, value)
    org.full_clean()
    org.save()
    changes = diff(before, snapshot(org))
    if changes:
        log_action(actor=actor, obj=org, action="accounts.organisation.updated", data={"changes": changes})
    actor.organisation = org
    return org


@transaction.atomic
def user_create(*, email: str, first_name: str = "", last_name: str = "", password: str | None = None) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "Un compte existe déjà avec cet e-mail."})
    user = User(email=email, first_name=first_name, last_name=last_name)
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def membership_add(
    *,
    actor: Actor | None,
    organisation: Organisation,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> Membership:
    """Give a person (created if new) a role in the organisation."""
    if actor is not None:
        actor.require("org.manage")
    if role not in Role.values:
        raise ValidationError({"role": f"Rôle inconnu : {role}."})
    user = User.objects.filter(email=email.strip().lower()).first() or user_create(
        email=email, first_name=first_name, last_name=last_name, password=password
    )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and membership.role != role:
        old = membership.role
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active", "updated_at"])
        log_action(
            actor=actor,
            obj=organisation,
            action="accounts.membership.role_changed",
            data={"user": user.email, "role": [old, role]},
        )
    elif created:
        log_action(
            actor=actor,
            obj=organisation,
            action="accounts.membership.created",
            data={"user": user.email, "role": role},
        )
    return membership


@transaction.atomic
def api_token_create(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is shown once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au jeton (ex. : « tableur de suivi »)."})
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor.user,
        organisation=actor.organisation,
        name=name,
        prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
    )
    log_action(
        actor=actor,
        obj=actor.organisation,
        action="accounts.api_token.created",
        data={"name": name, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    token = (
        ApiToken.objects.select_for_update()
        .filter(pk=token_id, organisation=actor.organisation, user=actor.user, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        from django.http import Http404

        raise Http404
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    log_action(
        actor=actor,
        obj=actor.organisation,
        action="accounts.api_token.revoked",
        data={"prefix": token.prefix},
    )
    return token
