# SPDX-License-Identifier: AGPL-3.0-or-later
"""The funders' address book (the national ones seeded, the organisation's own)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing.models import Funder
from coopforma.billing.rules import national_funders
from coopforma.billing.services.common import _manage
from coopforma.core.identifiers import compact
from coopforma.core.log import log_action

FUNDER_FIELDS = (
    "kind",
    "name",
    "street",
    "postal_code",
    "city",
    "siret",
    "email",
    "public_buyer",
    "chorus_service_code",
)


def funders_seed() -> int:
    """The national funders (billing/data/funders.json) as shared rows; idempotent (also run by migration 0003)."""
    for row in national_funders():
        Funder.objects.update_or_create(organisation=None, name=row["name"], defaults=row)
    return Funder.objects.filter(organisation__isnull=True).count()


def funder_create(*, actor: Actor, **fields: Any) -> Funder:
    """A funder of the organisation's own (a Région, a Transitions Pro, a local authority…) in its address book."""
    _manage(actor)
    unknown = set(fields) - set(FUNDER_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Ce champ ne se modifie pas.")})
    funder = Funder(organisation_id=actor.organisation_id, **fields)
    if funder.siret:
        funder.siret = compact(funder.siret)
    errors = {}
    if not funder.address_complete:
        errors["street"] = _(
            "L'adresse complète du financeur (rue, code postal, ville) est obligatoire : elle figure sur ses "
            "factures (art. 242 nonies A de l'annexe II du CGI)."
        )
    if funder.public_buyer and not funder.siret:
        errors["siret"] = _("Un acheteur public reçoit ses factures par Chorus Pro, qui l'identifie par son SIRET.")
    if Funder.objects.filter(organisation_id=actor.organisation_id, name__iexact=funder.name.strip()).exists():
        errors["name"] = _("Ce financeur est déjà dans votre carnet d'adresses.")
    if errors:
        raise ValidationError(errors)
    funder.full_clean(exclude=["organisation"])
    with transaction.atomic():
        funder.save()
        log_action(actor=actor, obj=funder, action="billing.funder.create", data={"name": funder.name})
    return funder
