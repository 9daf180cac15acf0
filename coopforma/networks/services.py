# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the network space: people and roles, member organisations, partner structures and their moderation.

Every service takes a `NetworkActor` (networks.access), checks its flag, reads what it changes again inside its
transaction from the actor's network (an id of another network is 404), validates and logs.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopforma.accounts.models import Organisation, User
from coopforma.core.identifiers import validate_siret
from coopforma.core.log import diff, log_action, snapshot
from coopforma.networks.access import NetworkActor, require_manages
from coopforma.networks.models import (
    NetworkOrganisation,
    NetworkPerson,
    NetworkRole,
    PartnerKind,
    PartnerState,
    PartnerStructure,
)

PARTNER_FIELDS = [
    "name",
    "kind",
    "siret",
    "description",
    "website",
    "email",
    "street",
    "postal_code",
    "city",
    "insee_code",
    "latitude",
    "longitude",
]


def _locked(queryset: QuerySet[Any], pk: int) -> Any:
    obj = queryset.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- people and roles ---------------------------------------------------------------------------------------


def _moderators_left(actor: NetworkActor, without_id: int) -> int:
    return (
        NetworkPerson.objects.filter(network=actor.network, role=NetworkRole.MODERATOR).exclude(pk=without_id).count()
    )


@transaction.atomic
def person_add(*, actor: NetworkActor, email: str, role: str) -> NetworkPerson:
    """Give a role in the network to a person who has an account on this installation."""
    actor.require("network.moderate")
    if role not in NetworkRole.values:
        raise ValidationError({"role": _("Choisissez un rôle de la liste.")})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {
                "email": _("Aucun compte n'a l'adresse %(email)s : la personne doit d'abord avoir un compte.")
                % {"email": email}
            }
        )
    if NetworkPerson.objects.filter(network=actor.network, user=user).exists():
        raise ValidationError({"email": _("Cette personne a déjà un rôle dans ce réseau.")})
    person = NetworkPerson.objects.create(network=actor.network, user=user, role=role)
    log_action(actor=actor, obj=person, action="networks.person.added", data={"role": role})
    return person


@transaction.atomic
def person_change_role(*, actor: NetworkActor, person_id: int, role: str) -> NetworkPerson:
    actor.require("network.moderate")
    person = _locked(NetworkPerson.objects.filter(network=actor.network), person_id)
    if role not in NetworkRole.values:
        raise ValidationError({"role": _("Choisissez un rôle de la liste.")})
    if (
        person.role == NetworkRole.MODERATOR
        and role != NetworkRole.MODERATOR
        and not _moderators_left(actor, person.pk)
    ):
        raise ValidationError({"role": _("Le réseau doit garder au moins un·e modérateur·rice.")})
    before = person.role
    person.role = role
    person.save(update_fields=["role", "updated_at"])
    log_action(
        actor=actor, obj=person, action="networks.person.role_changed", data={"changes": {"role": [before, role]}}
    )
    return person


@transaction.atomic
def person_remove(*, actor: NetworkActor, person_id: int) -> None:
    actor.require("network.moderate")
    person = _locked(NetworkPerson.objects.filter(network=actor.network), person_id)
    if person.role == NetworkRole.MODERATOR and not _moderators_left(actor, person.pk):
        raise ValidationError({"role": _("Le réseau doit garder au moins un·e modérateur·rice.")})
    log_action(actor=actor, obj=actor.network, action="networks.person.removed", data={"person": str(person.user)})
    person.delete()


# --- member organisations -----------------------------------------------------------------------------------


@transaction.atomic
def membership_add(*, actor: NetworkActor, organisation_slug: str) -> NetworkOrganisation:
    """Make an organisation of this installation a member: its published trainings join the map (offers)."""
    actor.require("network.moderate")
    organisation = Organisation.objects.filter(slug=organisation_slug.strip()).first()
    if organisation is None:
        raise ValidationError(
            {
                "organisation": _("Aucune organisation n'a l'identifiant court « %(slug)s ».")
                % {"slug": organisation_slug}
            }
        )
    if NetworkOrganisation.objects.filter(network=actor.network, organisation=organisation).exists():
        raise ValidationError({"organisation": _("Cette organisation est déjà membre de ce réseau.")})
    membership = NetworkOrganisation.objects.create(network=actor.network, organisation=organisation)
    log_action(
        actor=actor, obj=actor.network, action="networks.organisation.added", data={"organisation": organisation}
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: NetworkActor, membership_id: int) -> None:
    actor.require("network.moderate")
    membership = _locked(NetworkOrganisation.objects.filter(network=actor.network), membership_id)
    log_action(
        actor=actor,
        obj=actor.network,
        action="networks.organisation.removed",
        data={"organisation": membership.organisation},
    )
    membership.delete()


# --- partner structures -------------------------------------------------------------------------------------


def _clean_partner(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": _("Champs non modifiables : %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    for key in ("name", "description", "website", "email", "street", "postal_code", "city", "insee_code", "siret"):
        if key in fields and isinstance(fields[key], str):
            fields[key] = fields[key].strip()
    if "name" in fields and not fields["name"]:
        errors["name"] = _("Indiquez le nom de la structure.")
    if "kind" in fields and fields["kind"] not in PartnerKind.values:
        errors["kind"] = _("Choisissez un type de structure de la liste.")
    if fields.get("siret"):
        fields["siret"] = fields["siret"].replace(" ", "")
        try:
            validate_siret(fields["siret"])
        except ValidationError as exc:
            errors["siret"] = " ".join(exc.messages)
    if fields.get("postal_code") and not (len(fields["postal_code"]) == 5 and fields["postal_code"].isdigit()):
        errors["postal_code"] = _("Le code postal s'écrit avec 5 chiffres.")
    lat, lon = fields.get("latitude"), fields.get("longitude")
    if lat is not None and not -90 <= lat <= 90:
        errors["latitude"] = _("La latitude est comprise entre -90 et 90.")
    if lon is not None and not -180 <= lon <= 180:
        errors["longitude"] = _("La longitude est comprise entre -180 et 180.")
    if errors:
        raise ValidationError(errors)
    return fields


def _unique_slug(actor: NetworkActor, name: str) -> str:
    base = slugify(name)[:70] or "structure"
    slug, n = base, 2
    while PartnerStructure.objects.filter(network=actor.network, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def partner_propose(*, actor: NetworkActor, **fields: Any) -> PartnerStructure:
    """Anyone with a role proposes a partner structure; it waits for the moderators (« En attente de modération »)
    and its proposer becomes one of its managers."""
    actor.require("partners.propose")
    fields = _clean_partner(fields)
    partner = PartnerStructure(
        network=actor.network,
        slug=_unique_slug(actor, fields.get("name", "")),
        state=PartnerState.PROPOSED,
        created_by=actor.user,
        **fields,
    )
    partner.full_clean(exclude=["managers"])
    partner.save()
    partner.managers.add(actor.user)
    log_action(actor=actor, obj=partner, action="networks.partner.proposed", data={})
    return partner


@transaction.atomic
def partner_update(*, actor: NetworkActor, partner_id: int, **fields: Any) -> PartnerStructure:
    """Its managers (and the moderators) edit a partner structure's page."""
    partner = _locked(PartnerStructure.objects.filter(network=actor.network), partner_id)
    require_manages(actor, partner.pk)
    fields = _clean_partner(fields)
    before = snapshot(partner, list(fields))
    for key, value in fields.items():
        setattr(partner, key, value)
    partner.full_clean(exclude=["managers"])
    partner.save()
    changes = diff(before, snapshot(partner, list(fields)))
    if changes:
        log_action(actor=actor, obj=partner, action="networks.partner.updated", data={"changes": changes})
    return partner


@transaction.atomic
def partner_publish(*, actor: NetworkActor, partner_id: int) -> PartnerStructure:
    actor.require("network.moderate")
    partner = _locked(PartnerStructure.objects.filter(network=actor.network), partner_id)
    partner.state = PartnerState.PUBLISHED
    partner.moderated_by = actor.user
    partner.moderated_at = timezone.now()
    partner.moderation_reason = ""
    partner.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_reason", "updated_at"])
    log_action(actor=actor, obj=partner, action="networks.partner.published", data={})
    return partner


@transaction.atomic
def partner_refuse(*, actor: NetworkActor, partner_id: int, reason: str) -> PartnerStructure:
    """Refuse (or unpublish) a partner structure, with a reason its managers read."""
    actor.require("network.moderate")
    partner = _locked(PartnerStructure.objects.filter(network=actor.network), partner_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus : il est montré à la structure.")})
    partner.state = PartnerState.REFUSED
    partner.moderated_by = actor.user
    partner.moderated_at = timezone.now()
    partner.moderation_reason = reason
    partner.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_reason", "updated_at"])
    log_action(actor=actor, obj=partner, action="networks.partner.refused", data={"reason": reason})
    return partner


@transaction.atomic
def partner_manager_add(*, actor: NetworkActor, partner_id: int, email: str) -> PartnerStructure:
    """Moderators name the people (with an account here) who manage a partner structure's page and offers."""
    actor.require("network.moderate")
    partner = _locked(PartnerStructure.objects.filter(network=actor.network), partner_id)
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {
                "email": _("Aucun compte n'a l'adresse %(email)s : la personne doit d'abord avoir un compte.")
                % {"email": email}
            }
        )
    partner.managers.add(user)
    log_action(actor=actor, obj=partner, action="networks.partner.manager_added", data={"manager": str(user)})
    return partner
