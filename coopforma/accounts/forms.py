# SPDX-License-Identifier: AGPL-3.0-or-later
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coopforma.accounts.models import Organisation, QualiopiCategory
from coopforma.accounts.roles import Role
from coopforma.core.forms import date_input


class OrganisationForm(forms.ModelForm):
    qualiopi_categories = forms.MultipleChoiceField(
        label=_("Catégories certifiées Qualiopi"),
        choices=QualiopiCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "siret",
            "naf_code",
            "nda",
            "nda_region",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "website",
            "head_name",
            "head_title",
            "fiscal_year_start_month",
            "vat_regime",
            "vat_number",
            "qualiopi_categories",
            "qualiopi_certifier",
            "qualiopi_certificate_number",
            "qualiopi_valid_from",
            "qualiopi_valid_until",
            "disability_referent_name",
            "disability_referent_email",
            "disability_referent_phone",
        ]
        widgets = {
            "qualiopi_valid_from": date_input(),
            "qualiopi_valid_until": date_input(),
        }


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Prénom"), required=False)
    last_name = forms.CharField(label=pgettext_lazy("nom de famille", "Nom"), required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Nom du jeton"), max_length=100)
