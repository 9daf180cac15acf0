# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes for accounts: organisations, users, memberships and their invitations, sessions, API tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.mails import MEMBERSHIP_INVITATION
from coopforma.accounts.models import ApiToken, Membership, MembershipState, Organisation, User
from coopforma.accounts.roles import Role
from coopforma.core.identifiers import compact
from coopforma.core.links import absolute_url
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render


def _clean_identifiers(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("siret", "nda", "iban", "bic"):
        if data.get(key):
            data[key] = compact(data[key]).upper() if key in ("iban", "bic") else compact(data[key])
    return data


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 5000  # pixels, checked before decoding (a « decompression bomb » is refused unread)
LOGO_BOX = (800, 400)  # the stored PNG fits in this box


def logo_png(data: bytes) -> bytes:
    """An uploaded logo (PNG or JPEG, at most 2 Mo) decoded and re-encoded as a PNG without metadata, fitted in
    800 × 400 pixels: what is printed is always a clean image. ValidationError naming the rule otherwise."""
    import io

    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError({"logo": _("Le logo dépasse 2 Mo : réduisez-le avant de l'envoyer.")})
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError({"logo": _("Le logo doit être une image PNG ou JPEG.")})
            if max(image.size) > LOGO_MAX_SIDE:
                raise ValidationError(
                    {
                        "logo": _("Le logo est trop grand (%(w)s × %(h)s pixels, 5 000 au plus).")
                        % {"w": image.size[0], "h": image.size[1]}
                    }
                )
            image.load()
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"logo": _("Ce fichier n'est pas une image PNG ou JPEG lisible.")}) from exc
    clean.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


@transaction.atomic
def organisation_create(*, name: str, slug: str, actor_user: User | None = None, **fields: Any) -> Organisation:
    org = Organisation(name=name, slug=slug, **_clean_identifiers(fields))
    org.full_clean()
    org.save()
    log_action(actor=actor_user, obj=org, action="accounts.organisation.created", data={"name": name})
    return org


@transaction.atomic
def organisation_update(
    *, actor: Actor, logo: bytes | None = None, remove_logo: bool = False, **fields: Any
) -> Organisation:
    """Edit the organisation's identity; `logo` (uploaded bytes) replaces the logo, `remove_logo` removes it."""
    actor.require("org.manage")
    new_logo = logo_png(logo) if logo else None
    org = Organisation.objects.select_for_update().get(pk=actor.organisation.pk)
    before = snapshot(org)
    for key, value in _clean_identifiers(fields).items():
        setattr(org, key, value)
    org.full_clean()
    logo_changed = ""
    if new_logo is not None:
        org.logo, logo_changed = new_logo, "replaced"
    elif remove_logo and org.logo:
        org.logo, logo_changed = b"", "removed"
    org.save()
    changes: dict[str, Any] = diff(before, snapshot(org))
    changes.pop("logo", None)
    if logo_changed:
        changes["logo"] = logo_changed
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
    organisation: Organisation,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> Membership:
    """Make a person (created if new, with `password`) an active member at once, without an invitation.

    Only for the server's operator (`coopforma createadmin`) and the demo: web pages never call it, because it
    finds the person by e-mail across the whole installation. Pages invite (`membership_invite`).
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Rôle inconnu : {role}."})
    user = User.objects.filter(email=email.strip().lower()).first() or user_create(
        email=email, first_name=first_name, last_name=last_name, password=password
    )
    membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        log_action(
            actor=None,
            obj=organisation,
            action="accounts.membership.created",
            data={"user": user.email, "role": role},
        )
    elif membership.role != role or membership.state != MembershipState.ACTIVE:
        old = membership.role
        membership.role = role
        _set_state(membership, MembershipState.ACTIVE)
        membership.save()
        log_action(
            actor=None,
            obj=organisation,
            action="accounts.membership.role_changed",
            data={"user": user.email, "role": [old, role]},
        )
    return membership


# --- Invitations -------------------------------------------------------------------------------------------
# An organisation never reaches an account directly: it invites an e-mail address. The one-time link goes to that
# mailbox only (kept hashed here, masked in the outbox), and the person accepts or declines it. What the inviting
# admin sees and the e-mail says are the same whether the address has an account elsewhere or not.

INVITATION_VALIDITY = timedelta(days=14)
NAME_MAX_LENGTH = 150


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _set_state(membership: Membership, state: str) -> None:
    membership.state = state
    membership.is_active = state == MembershipState.ACTIVE
    if state != MembershipState.INVITED:
        membership.invitation_token_hash = None
        membership.invitation_expires_at = None


def _clean_person(email: str, first_name: str, last_name: str) -> tuple[str, str, str]:
    """The same checks whatever the address: an answer must not depend on whether an account exists."""
    email = (email or "").strip().lower()
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Saisissez une adresse e-mail valide.")
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value) > NAME_MAX_LENGTH:
            errors[field] = _("%(max)s caractères au plus.") % {"max": NAME_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return email, first_name, last_name


def _person(email: str, first_name: str, last_name: str) -> User:
    """The account of `email`, created without a usable password if there is none (its names are kept if any)."""
    # get_or_create: two invitations of a new address at the same instant make one account, not an error.
    user, _created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, "password": make_password(None)}
    )
    return user


def _send_invitation(membership: Membership, *, inviter: User | None) -> None:
    """A new one-time token for `membership` (the previous one stops working), e-mailed to the person."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    _set_state(membership, MembershipState.INVITED)
    membership.invitation_token_hash = invitation_token_hash(token)
    membership.invitation_expires_at = now + INVITATION_VALIDITY
    membership.invited_at = now
    membership.invited_by = inviter
    membership.responded_at = None
    membership.removed_at = None
    membership.save()
    organisation = membership.organisation
    url = absolute_url(reverse("accounts:invitation_open", kwargs={"token": token}))
    # The same text for a new address and for a person who already has an account (the outbox is readable by the
    # organisation's staff): the page behind the link tells them apart.
    subject, body = mail_text_render(
        organisation_id=organisation.pk,
        code=MEMBERSHIP_INVITATION.code,
        values={
            "inviter": (inviter.get_full_name() or inviter.email) if inviter else organisation.name,
            "org": organisation.name,
            "role": membership.get_role_display(),
            "days": INVITATION_VALIDITY.days,
            "url": url,
        },
    )
    send_mail_logged(
        organisation=organisation,
        to=membership.user.email,
        subject=subject,
        body=body,
        purpose="membership_invitation",
        about=membership,
        secrets=[url],
    )


def _active_admins(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN, state=MembershipState.ACTIVE).count()


def _check_not_last_admin(membership: Membership, *, new_role: str | None = None) -> None:
    if membership.role != Role.ADMIN or membership.state != MembershipState.ACTIVE or new_role == Role.ADMIN:
        return
    if _active_admins(membership.organisation) <= 1:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "C'est le ou la seul·e administrateur·rice de l'organisme : nommez-en un·e autre d'abord."
                )
            }
        )


def invite(*, actor: Actor, email: str, role: str, first_name: str = "", last_name: str = "") -> Membership:
    """Invite `email` into the actor's organisation with `role` (for `membership_invite` and the trainer's access).

    New in the organisation, or declined, or removed: a new invitation is e-mailed. Already invited: the role is
    updated and the invitation sent again. Active: only the role changes. The caller checks the permission.
    """
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    email, first_name, last_name = _clean_person(email, first_name, last_name)
    organisation = actor.organisation
    user = _person(email, first_name, last_name)
    membership, _created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": role, "state": MembershipState.INVITED, "is_active": False},
    )
    if membership.state == MembershipState.SUSPENDED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "L'accès de %(email)s est suspendu avec son parcours formateur·rice : réactivez-le depuis sa fiche."
                )
                % {"email": email}
            }
        )
    if membership.state == MembershipState.ACTIVE:
        if membership.role != role:
            _check_not_last_admin(membership, new_role=role)
            old, membership.role = membership.role, role
            membership.save(update_fields=["role", "updated_at"])
            log_action(
                actor=actor,
                obj=organisation,
                action="accounts.membership.role_changed",
                data={"user": email, "role": [old, role]},
            )
        return membership
    membership.role = role
    _send_invitation(membership, inviter=actor.user)
    log_action(actor=actor, obj=organisation, action="accounts.membership.invited", data={"user": email, "role": role})
    return membership


@transaction.atomic
def membership_invite(*, actor: Actor, email: str, role: str, first_name: str = "", last_name: str = "") -> Membership:
    """The users page: invite a person, or change the role of an active member."""
    actor.require("org.manage")
    return invite(actor=actor, email=email, role=role, first_name=first_name, last_name=last_name)


def _membership_for_update(actor: Actor, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("organisation", "user")
        .filter(pk=membership_id, organisation=actor.organisation)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@transaction.atomic
def membership_invitation_resend(*, actor: Actor, membership_id: int) -> Membership:
    """A new link for an invitation not yet accepted (or declined): the previous link stops working."""
    actor.require("org.manage")
    membership = _membership_for_update(actor, membership_id)
    if membership.state not in {MembershipState.INVITED, MembershipState.DECLINED}:
        raise ValidationError({NON_FIELD_ERRORS: _("Il n'y a pas d'invitation en attente pour cette personne.")})
    _send_invitation(membership, inviter=actor.user)
    log_action(
        actor=actor,
        obj=actor.organisation,
        action="accounts.membership.invitation_resent",
        data={"user": membership.user.email, "role": membership.role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership_id: int) -> Membership:
    """Take a person out of the organisation (or cancel their invitation): access ends at their next request,
    their API tokens of this organisation are revoked. The last administrator cannot be removed."""
    actor.require("org.manage")
    membership = _membership_for_update(actor, membership_id)
    if membership.state == MembershipState.REMOVED:
        return membership
    _check_not_last_admin(membership)
    was = membership.state
    _set_state(membership, MembershipState.REMOVED)
    membership.removed_at = timezone.now()
    membership.save()
    revoked = ApiToken.objects.filter(
        user=membership.user, organisation=actor.organisation, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    log_action(
        actor=actor,
        obj=actor.organisation,
        action="accounts.membership.invitation_cancelled"
        if was == MembershipState.INVITED
        else "accounts.membership.removed",
        data={"user": membership.user.email, "role": membership.role, "api_tokens_revoked": revoked},
    )
    return membership


@transaction.atomic
def user_sessions_end(*, actor: Actor, membership_id: int) -> Membership:
    """Log a member out of every browser at once (they may log in again if they still have access)."""
    actor.require("org.manage")
    membership = _membership_for_update(actor, membership_id)
    if membership.state not in {MembershipState.ACTIVE, MembershipState.SUSPENDED}:
        raise Http404  # not (or no longer) in the organisation: their sessions are none of its business
    User.objects.filter(pk=membership.user_id).update(session_version=F("session_version") + 1)
    log_action(
        actor=actor, obj=actor.organisation, action="accounts.user.sessions_ended", data={"user": membership.user.email}
    )
    return membership


def membership_suspend_for_trainer(*, actor: Actor, user_id: int) -> Membership | None:
    """The trainer's onboarding was suspended or rejected (people.services.trainer_decide): a *trainer*
    membership of that person loses access at once (an invitation is cancelled); other roles are kept."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user_id=user_id, organisation=actor.organisation, role=Role.TRAINER)
        .exclude(state__in=[MembershipState.SUSPENDED, MembershipState.REMOVED, MembershipState.DECLINED])
        .first()
    )
    if membership is None:
        return None
    was = membership.state
    _set_state(membership, MembershipState.SUSPENDED if was == MembershipState.ACTIVE else MembershipState.REMOVED)
    if was != MembershipState.ACTIVE:
        membership.removed_at = timezone.now()
    membership.save()
    return membership


def membership_resume_for_trainer(*, actor: Actor, user_id: int) -> Membership | None:
    """The trainer was reactivated: their suspended trainer membership gives access again."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user_id=user_id, organisation=actor.organisation, state=MembershipState.SUSPENDED)
        .first()
    )
    if membership is None:
        return None
    _set_state(membership, MembershipState.ACTIVE)
    membership.save()
    return membership


def password_reset_send(*, user: User, token_generator: Any) -> None:
    """« Mot de passe oublié » : the reset link, e-mailed to the account's own address through the outbox (no
    organisation: no staff reads it), the link kept as a secret. The view answers the same for unknown addresses."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token_generator.make_token(user)},
    )
    url = absolute_url(path)
    send_mail_logged(
        organisation=None,
        to=user.email,
        subject=_("Choisir un nouveau mot de passe Coopforma"),
        body=_(
            "Bonjour,\n\nQuelqu'un (vous, sans doute) a demandé à changer le mot de passe de votre compte Coopforma "
            "%(email)s. Pour en choisir un nouveau, ouvrez ce lien (valable %(hours)s heures, une seule fois) :\n"
            "%(url)s\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même."
        )
        % {"email": user.email, "url": url, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        purpose="password_reset",
        secrets=[url],
    )


# --- The invited person's side -------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Membership | None:
    """The pending, unexpired invitation of `token`; None otherwise (unknown, used, expired or cancelled)."""
    if not token:
        return None
    return (
        Membership.objects.select_related("organisation", "user", "invited_by")
        .filter(
            invitation_token_hash=invitation_token_hash(token),
            state=MembershipState.INVITED,
            invitation_expires_at__gt=timezone.now(),
        )
        .first()
    )


def _invitation_for_update(token: str) -> Membership:
    membership = invitation_for_token(token)
    if membership is None:
        raise ValidationError({NON_FIELD_ERRORS: _("Cette invitation n'est plus valable : demandez-en une nouvelle.")})
    return Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)


def _respond(membership: Membership, state: str) -> None:
    _set_state(membership, state)
    membership.responded_at = timezone.now()
    membership.save()
    log_action(
        actor=membership.user,
        obj=membership.organisation,
        action="accounts.membership.accepted" if state == MembershipState.ACTIVE else "accounts.membership.declined",
        data={"user": membership.user.email, "role": membership.role},
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """The logged-in owner of the invited account accepts: the membership becomes active."""
    membership = _invitation_for_update(token)
    if not user.is_authenticated or membership.user_id != user.pk:
        raise PermissionDenied("invitation for another account")
    _respond(membership, MembershipState.ACTIVE)
    return membership


@transaction.atomic
def invitation_accept_new(*, token: str, password: str, first_name: str, last_name: str) -> Membership:
    """A person without a password yet (the link proves they own the mailbox) chooses one and accepts."""
    membership = _invitation_for_update(token)
    user = membership.user
    if user.has_usable_password():
        raise PermissionDenied("the account has a password: log in to accept")
    _email, first_name, last_name = _clean_person(user.email, first_name, last_name)
    user.first_name, user.last_name = first_name, last_name
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.save()
    _respond(membership, MembershipState.ACTIVE)
    return membership


@transaction.atomic
def invitation_decline(*, token: str) -> Membership:
    """The link's holder refuses: nothing is granted (no login needed to refuse)."""
    membership = _invitation_for_update(token)
    _respond(membership, MembershipState.DECLINED)
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
    """A person revokes their own token; an administrator (org.manage) any token of the organisation."""
    tokens = ApiToken.objects.select_for_update().select_related("user")
    tokens = tokens.filter(pk=token_id, organisation=actor.organisation, revoked_at__isnull=True)
    if not actor.has("org.manage"):
        tokens = tokens.filter(user=actor.user)
    token = tokens.first()
    if token is None:
        raise Http404
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    log_action(
        actor=actor,
        obj=actor.organisation,
        action="accounts.api_token.revoked",
        data={"prefix": token.prefix, "user": token.user.email},
    )
    return token
