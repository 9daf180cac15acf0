# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the certifiers directory: they collect what the services take (services_certifiers validates)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.core.forms import MoneyField, date_input
from coopforma.registry.models import AuditKind, Certifier, CertifierKind

CONSENT_HELP = _(
    "Coché : les réseaux dont votre organisme est membre le voient. Décoché (par défaut) : il reste visible par "
    "votre organisme seul."
)


def certifier_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Certificateur"),
        queryset=Certifier.objects.order_by("search_name"),
        empty_label=_("— choisir —"),
        **kwargs,
    )


class CertifierChoiceForm(forms.Form):
    certifier = certifier_field()
    visible_to_network = forms.BooleanField(
        label=_("Visible par le réseau (certificateur et dates du certificat)"), required=False, help_text=CONSENT_HELP
    )

    def service_fields(self) -> dict[str, Any]:
        return {
            "certifier_id": self.cleaned_data["certifier"].pk,
            "visible_to_network": self.cleaned_data["visible_to_network"],
        }


class ReviewForm(forms.Form):
    certifier = certifier_field()
    audit_kind = forms.ChoiceField(label=_("Type d'audit"), choices=AuditKind.choices)
    audit_date = forms.DateField(label=_("Date de l'audit"), widget=date_input())
    price_cents = MoneyField(label=_("Prix payé HT (€)"), required=False)
    audit_days = forms.DecimalField(
        label=_("Jours d'audit"),
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("30"),
        decimal_places=1,
        step_size=Decimal("0.5"),
    )
    understanding = forms.TypedChoiceField(
        label=_("Compréhension des coopératives par l'auditeur·rice"),
        choices=[("", _("— sans avis —"))] + [(str(i), f"{i} / 5") for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    major_nonconformities = forms.IntegerField(label=_("Non-conformités majeures"), min_value=0, initial=0)
    minor_nonconformities = forms.IntegerField(label=_("Non-conformités mineures"), min_value=0, initial=0)
    nonconformities_text = forms.CharField(
        label=_("Non-conformités relevées (indicateurs, constats)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    comment = forms.CharField(label=_("Commentaire libre"), required=False, widget=forms.Textarea({"rows": 4}))
    visible_to_network = forms.BooleanField(label=_("Visible par le réseau"), required=False, help_text=CONSENT_HELP)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["certifier_id"] = data.pop("certifier").pk
        return data


def review_initial(review: Any) -> dict[str, Any]:
    fields = [f for f in ReviewForm.base_fields if f != "certifier"]
    initial = {f: getattr(review, f) for f in fields}
    initial["certifier"] = review.certifier_id
    initial["understanding"] = str(review.understanding) if review.understanding else ""
    return initial


class AgreementForm(forms.Form):
    certifier = certifier_field()
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    price_cents = MoneyField(label=_("Prix HT négocié (€)"), required=False)
    audit_days = forms.DecimalField(
        label=_("Jours d'audit"), required=False, min_value=Decimal("0.5"), max_value=Decimal("30"), decimal_places=1
    )
    discount_percent = forms.DecimalField(
        label=_("Remise (%)"), required=False, min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2
    )
    valid_from = forms.DateField(label=_("Valable du"), required=False, widget=date_input())
    valid_until = forms.DateField(label=_("Valable jusqu'au"), required=False, widget=date_input())
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea({"rows": 4}))
    document = forms.FileField(
        label=_("Convention signée (PDF, 10 Mo au plus)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["certifier_id"] = data.pop("certifier").pk
        return data


class DirectoryFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous")), *CertifierKind.choices], required=False)


class CalendarFilterForm(forms.Form):
    par = forms.ChoiceField(
        label=_("Regrouper par"),
        choices=[("mois", _("mois d'ouverture de la fenêtre")), ("certificateur", _("certificateur"))],
        required=False,
    )
