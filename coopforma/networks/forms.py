# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the network space: they collect what the services take (networks/services.py validates)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.networks.models import NetworkRole, PartnerStructure
from coopforma.networks.services import PARTNER_FIELDS


class PersonAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de son compte"))
    role = forms.ChoiceField(label=_("Rôle"), choices=NetworkRole.choices, initial=NetworkRole.MEMBER)


class PersonRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=NetworkRole.choices)


class MembershipAddForm(forms.Form):
    organisation = forms.SlugField(
        label=_("Identifiant court de l'organisation"),
        help_text=_("Celui de ses adresses /o/<identifiant>/ sur cette installation."),
    )


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerStructure
        fields = PARTNER_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {"latitude": _("Latitude (degrés décimaux)"), "longitude": _("Longitude (degrés décimaux)")}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in PARTNER_FIELDS}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Montré à la structure."),
        required=False,
    )


class ManagerAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte du ou de la gestionnaire"))
