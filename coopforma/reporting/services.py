# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the reporting app: frame D of the BPF (flag bpf.edit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import diff, log_action
from coopforma.reporting.models import BpfCharges
from coopforma.reporting.selectors import check_year

FIELDS = ["total_charges_cents", "trainer_salaries_cents", "purchases_cents", "turnover_cents", "address_public"]


@transaction.atomic
def bpf_charges_save(
    *,
    actor: Actor,
    year: int,
    total_charges_cents: int | None,
    trainer_salaries_cents: int | None = 0,
    purchases_cents: int | None = 0,
    turnover_cents: int | None = None,
    address_public: bool = False,
) -> BpfCharges:
    """Enter or change frame D of `year`: the total and its two « dont » lines (which cannot exceed it)."""
    actor.require("bpf.edit")
    check_year(year)
    errors: dict[str, str] = {}
    if total_charges_cents is None:
        errors["total_charges_cents"] = _("Indiquez le total des charges liées à l'activité de formation.")
    amounts = {
        "total_charges_cents": total_charges_cents,
        "trainer_salaries_cents": trainer_salaries_cents or 0,
        "purchases_cents": purchases_cents or 0,
        "turnover_cents": turnover_cents,
    }
    values: dict[str, int | bool | None] = {**amounts, "address_public": bool(address_public)}
    for name, amount in amounts.items():
        if amount is not None and amount < 0:
            errors[name] = _("Le montant ne peut pas être négatif.")
    parts = (trainer_salaries_cents or 0) + (purchases_cents or 0)
    if not errors and total_charges_cents is not None and parts > total_charges_cents:
        errors["trainer_salaries_cents"] = _(
            "Les salaires des formateur·rices et les achats de prestations sont compris dans le total : "
            "leur somme ne peut pas le dépasser."
        )
    if errors:
        raise ValidationError(errors)
    charges = BpfCharges.objects.select_for_update().filter(organisation=actor.organisation, fiscal_year=year).first()
    before = {f: getattr(charges, f) for f in FIELDS} if charges else {}
    if charges is None:
        charges = BpfCharges(organisation=actor.organisation, fiscal_year=year, **values)
    else:
        for name, value in values.items():
            setattr(charges, name, value)
    charges.full_clean()
    charges.save()
    log_action(
        actor=actor,
        obj=charges,
        action="reporting.bpf_charges.saved",
        data={"year": year, "changes": diff(before, values)},
    )
    return charges
