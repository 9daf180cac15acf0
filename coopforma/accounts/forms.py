# SPDX-License-Identifier: AGPL-3.0-or-later
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.contrib.auth.tokens import default_token_generator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coopforma.accounts.models import Organisation, QualiopiCategory, SignatoryChoice
from coopforma.accounts.roles import Role
from coopforma.accounts.services import password_reset_send
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
            "head_email",
            "signatory",
            "delegate_name",
            "delegate_title",
            "delegate_email",
            "delegation_date",
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
            "consumer_mediator_name",
            "consumer_mediator_website",
        ]
        widgets = {
            "qualiopi_valid_from": date_input(),
            "qualiopi_valid_until": date_input(),
            "delegation_date": date_input(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].required = False  # left empty: the legal representative

    def clean_signatory(self) -> str:
        return self.cleaned_data.get("signatory") or SignatoryChoice.HEAD


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Prénom"), required=False, max_length=150)
    last_name = forms.CharField(label=pgettext_lazy("nom de famille", "Nom"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class InvitationNewAccountForm(forms.Form):
    """The invited person has no password yet: they give their name and choose one (checked by the service)."""

    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=pgettext_lazy("nom de famille", "Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (encore)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return data


class PasswordForgottenForm(PasswordResetForm):
    """Django's reset form, its e-mail sent through the outbox with the link as a secret (see services)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")

    def save(self, **kwargs: Any) -> None:  # type: ignore[override]
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_send(user=user, token_generator=kwargs.get("token_generator") or default_token_generator)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Nom du jeton"), max_length=100)
