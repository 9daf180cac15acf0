# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the BPF cannot compute from the records: frame D (charges, from the accounts) and two yes/no answers.

Everything else of the Cerfa 10443 is computed on demand from invoices, sessions, slots, participants and the
attendance projection (see `reporting.bpf` and docs/bpf.md): nothing computed is stored.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel


class BpfCharges(TenantModel):
    """Frame D of one fiscal year (named by the calendar year in which it ends), entered by hand (flag bpf.edit)."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("exercice"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    total_charges_cents = models.BigIntegerField(_("total des charges de l'activité de formation (centimes)"))
    trainer_salaries_cents = models.BigIntegerField(_("dont salaires des formateur·rices (centimes)"), default=0)
    purchases_cents = models.BigIntegerField(
        _("dont achats de prestations de formation et honoraires (centimes)"), default=0
    )
    turnover_cents = models.BigIntegerField(
        _("chiffre d'affaires global de l'exercice (centimes)"),
        null=True,
        blank=True,
        help_text=_("Pour la part du chiffre d'affaires réalisée dans la formation professionnelle (cadre C)."),
    )
    address_public = models.BooleanField(_("adresse rendue publique (cadre A)"), default=False)

    class Meta:
        verbose_name = _("charges du BPF (cadre D)")
        verbose_name_plural = _("charges du BPF (cadre D)")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fiscal_year"], name="bpf_charges_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(total_charges_cents__gte=0)
                & models.Q(trainer_salaries_cents__gte=0)
                & models.Q(purchases_cents__gte=0),
                name="bpf_charges_not_negative",
                violation_error_message=_("Les charges du BPF ne peuvent pas être négatives."),
            ),
        ]

    def __str__(self) -> str:
        return f"BPF {self.fiscal_year}"
