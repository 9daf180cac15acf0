# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fiscal years: which one a day belongs to, and closing one (no piece nor payment dated in it afterwards)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.billing.models import ClosedFiscalYear, Invoice, InvoiceStatus
from coopforma.billing.rules import fiscal_year_of
from coopforma.billing.services.common import _manage
from coopforma.core.log import log_action
from coopforma.training_sessions.documents import fr_date


def fiscal_year(org: Organisation, day: dt.date) -> int:
    return fiscal_year_of(org.fiscal_year_start_month, day)


def _check_open_year(org: Organisation, day: dt.date, field: str) -> int:
    year = fiscal_year(org, day)
    if ClosedFiscalYear.objects.filter(organisation=org, fiscal_year=year).exists():
        start, end = org.fiscal_year_bounds(year)
        raise ValidationError(
            {
                field: _(
                    "Le %(day)s appartient à l'exercice %(year)s (du %(start)s au %(end)s), qui est clôturé : "
                    "choisissez une date dans un exercice ouvert."
                )
                % {
                    "day": fr_date(day),
                    "year": year,
                    "start": fr_date(start),
                    "end": fr_date(end - dt.timedelta(days=1)),
                }
            }
        )
    return year


def fiscal_year_close(*, actor: Actor, year: int) -> ClosedFiscalYear:
    """Close a finished fiscal year: nothing may then be issued or paid with a date inside it."""
    _manage(actor)
    org = actor.organisation
    start, end = org.fiscal_year_bounds(year)
    if end > timezone.localdate():
        raise ValidationError(
            {
                "year": _("L'exercice %(year)s se termine le %(end)s : il ne peut être clôturé qu'une fois terminé.")
                % {"year": year, "end": fr_date(end - dt.timedelta(days=1))}
            }
        )
    with transaction.atomic():
        if ClosedFiscalYear.objects.filter(organisation=org, fiscal_year=year).exists():
            raise ValidationError({"year": _("L'exercice %(year)s est déjà clôturé.") % {"year": year}})
        drafts = Invoice.objects.filter(organisation=org, status=InvoiceStatus.DRAFT).count()
        closed = ClosedFiscalYear.objects.create(organisation=org, fiscal_year=year, closed_by=actor.user)
        log_action(
            actor=actor,
            obj=closed,
            action="billing.fiscal_year.close",
            data={"year": year, "start": start, "end": end, "open_drafts": drafts},
        )
    return closed
