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
from coopforma.accounts.services import LOGO_MAX_BYTES, password_reset_send
from coopforma.core.forms import date_input
from coopforma.core.money import cents_to_input, parse_euros


class OrganisationForm(forms.ModelForm):
    share_capital = forms.CharField(
        label=_("Capital social (€)"),
        required=False,
        help_text=_("Imprimé sur les factures des sociétés (art. R123-238 du Code de commerce). Ex. : 15 000,00"),
    )
    logo = forms.FileField(
        label=_("Logo (PNG ou JPEG, 2 Mo au plus)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)
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
            "trade_registry",
            "trade_registry_city",
            "variable_capital",
            "brand_color",
            "iban",
            "bic",
            "account_customers",
            "account_sales",
            "account_vat",
            "account_bank",
            "journal_sales",
            "journal_bank",
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
            "brand_color": forms.TextInput(attrs={"type": "color"}),
        }

    ACCOUNTING_FIELDS = (
        "account_customers",
        "account_sales",
        "account_vat",
        "account_bank",
        "journal_sales",
        "journal_bank",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].required = False  # left empty: the legal representative
        self.fields["brand_color"].required = False  # left empty: unchanged
        for name in self.ACCOUNTING_FIELDS:  # left empty: the current account (default of the plan comptable)
            self.fields[name].required = False
        if self.instance and self.instance.share_capital_cents is not None:
            self.initial["share_capital"] = cents_to_input(self.instance.share_capital_cents)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.ACCOUNTING_FIELDS:
            if not data.get(name):
                data[name] = getattr(self.instance, name)
        return data

    def clean_brand_color(self) -> str:
        return self.cleaned_data.get("brand_color") or self.instance.brand_color

    def clean_signatory(self) -> str:
        return self.cleaned_data.get("signatory") or SignatoryChoice.HEAD

    def clean_share_capital(self) -> int | None:
        value = (self.cleaned_data.get("share_capital") or "").strip()
        return parse_euros(value) if value else None

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Le logo dépasse 2 Mo : réduisez-le avant de l'envoyer."))
        return upload.read()


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
