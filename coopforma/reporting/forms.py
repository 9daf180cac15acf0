# SPDX-License-Identifier: AGPL-3.0-or-later
from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.core.forms import MoneyField


class BpfChargesForm(forms.Form):
    total_charges_cents = MoneyField(label=_("Total des charges de l'organisme liées à l'activité de formation (€ HT)"))
    trainer_salaries_cents = MoneyField(label=_("dont salaires des formateur·rices (€)"), required=False)
    purchases_cents = MoneyField(
        label=_("dont achats de prestations de formation et honoraires de formation (€ HT)"), required=False
    )
    turnover_cents = MoneyField(
        label=_("Chiffre d'affaires global de l'exercice (€ HT)"),
        required=False,
        help_text=_("Facultatif : sert à calculer la part du chiffre d'affaires réalisée dans la formation."),
    )
    address_public = forms.BooleanField(
        label=_("J'accepte que l'adresse de l'organisme soit rendue publique"), required=False
    )
