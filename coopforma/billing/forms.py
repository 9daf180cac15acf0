# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the billing pages: they parse and keep the input; the services decide (their errors are shown inline)."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.billing.models import FunderKind, Invoice, InvoiceKind, InvoiceStatus, PaymentMethod, ReminderSettings
from coopforma.core.forms import MoneyField, date_input
from coopforma.training_sessions.models import FundingScheme, PayerKind

DATE_WIDGET = date_input()


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher (numéro, destinataire, client)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Type de pièce"), choices=[("", _("Toutes")), *InvoiceKind.choices], required=False
    )
    status = forms.ChoiceField(label=_("État"), choices=[("", _("Tous")), *InvoiceStatus.choices], required=False)
    year = forms.IntegerField(label=_("Exercice"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("Échues et non réglées"), required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            k: v
            for k, v in {
                "search": data["q"],
                "kind": data["kind"],
                "status": data["status"],
                "year": data["year"],
                "overdue": data["overdue"] or None,
            }.items()
            if v not in (None, "")
        }


class InvoiceDraftForm(forms.Form):
    recipient_name = forms.CharField(label=_("Destinataire"), max_length=200)
    recipient_address = forms.CharField(
        label=_("Adresse du destinataire"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recipient_siret = forms.CharField(label=_("SIRET du destinataire"), max_length=20, required=False)
    recipient_email = forms.EmailField(label=_("E-mail du destinataire"), required=False)
    payer_kind = forms.ChoiceField(
        label=_("Catégorie du payeur (BPF, cadre C)"),
        choices=[("", "—"), *PayerKind.choices],
        required=False,
        help_text=_(
            "Qui paie cette facture : elle classe le chiffre d'affaires dans le bilan pédagogique et financier."
        ),
    )
    scheme = forms.ChoiceField(
        label=_("Dispositif (OPCO et autres gestionnaires de fonds)"),
        choices=[("", "—"), *FundingScheme.choices],
        required=False,
    )
    due_on = forms.DateField(label=_("Échéance"), required=False, widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Valable jusqu'au (devis)"), required=False, widget=DATE_WIDGET)
    payment_terms = forms.CharField(
        label=_("Conditions de paiement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(label=_("Notes imprimées"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    chorus_service_code = forms.CharField(
        label=_("Code service Chorus Pro"),
        max_length=100,
        required=False,
        help_text=_("Acheteurs publics : le code du service destinataire, s'il l'exige."),
    )
    commitment_number = forms.CharField(
        label=_("N° d'engagement ou de bon de commande"),
        max_length=50,
        required=False,
        help_text=_("Acheteurs publics : le numéro d'engagement juridique que Chorus Pro demande."),
    )

    def __init__(self, *args: Any, invoice: Invoice, **kwargs: Any) -> None:
        self.invoice = invoice
        super().__init__(*args, **kwargs)
        if invoice.kind != InvoiceKind.QUOTE:
            del self.fields["valid_until"]
        else:
            del self.fields["due_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The service accepts a blank category (imported or legacy data); a user filling an invoice must choose
        # one, otherwise the BPF shows it as unclassified revenue.
        if self.invoice.kind == InvoiceKind.INVOICE and not data.get("payer_kind"):
            self.add_error(
                "payer_kind",
                _(
                    "Choisissez qui paie cette facture (entreprise, OPCO, particulier…) : sans catégorie, son montant "
                    "apparaît comme une anomalie du BPF."
                ),
            )
        if data.get("scheme") and data.get("payer_kind") not in (PayerKind.OPCO, PayerKind.CPF):
            self.add_error("scheme", _("Le dispositif ne s'indique que pour un OPCO ou la Caisse des dépôts (CPF)."))
        return data


class LineForm(forms.Form):
    label = forms.CharField(label=_("Désignation"), max_length=300)
    quantity = forms.IntegerField(label=_("Quantité"), min_value=1, initial=1)
    unit_price_cents = MoneyField(label=_("Prix unitaire HT (€)"))


class IssueForm(forms.Form):
    issued_on = forms.DateField(label=_("Date d'émission"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A FormView always passes its own `initial`: today is a default under it, not instead of it.
        kwargs["initial"] = {"issued_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class CreditNoteForm(forms.Form):
    amount_cents = MoneyField(
        label=_("Montant HT de l'avoir (€)"),
        required=False,
        help_text=_("Laissez vide pour annuler tout ce qui reste de la facture."),
    )
    reason = forms.CharField(label=_("Motif"), max_length=200)
    issued_on = forms.DateField(label=_("Date de l'avoir"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A FormView always passes its own `initial`: today is a default under it, not instead of it.
        kwargs["initial"] = {"issued_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class PaymentForm(forms.Form):
    amount_cents = MoneyField(label=_("Montant reçu (€)"))
    paid_on = forms.DateField(label=_("Date du paiement"), widget=DATE_WIDGET)
    method = forms.ChoiceField(label=_("Moyen"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER)
    reference = forms.CharField(
        label=_("Référence (n° de chèque, libellé du virement…)"), max_length=100, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A FormView always passes its own `initial`: today is a default under it, not instead of it.
        kwargs["initial"] = {"paid_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class StatementForm(forms.Form):
    member = forms.ModelChoiceField(queryset=None, label=_("Structure membre"), empty_label=None)
    start = forms.DateField(label=_("Du"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Au (inclus)"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, members: Any, default_period: tuple[dt.date, dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.default_period = default_period

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la période précède son début."))
        return data


class CloseYearForm(forms.Form):
    year = forms.IntegerField(label=_("Exercice à clôturer"), min_value=2000, max_value=2100)


def parse_day(value: str | None, field: str) -> dt.date:
    """A date typed in a form (ISO, as the date input sends it), or a French error on `field`."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError({field: _("Indiquez une date valide (jj/mm/aaaa).")}) from None


class FunderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de financeur"), choices=FunderKind.choices)
    name = forms.CharField(label=_("Nom"), max_length=200)
    street = forms.CharField(label=_("Adresse"), max_length=200)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Ville"), max_length=100)
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail de facturation"), required=False)
    public_buyer = forms.BooleanField(label=_("Acheteur public (factures déposées sur Chorus Pro)"), required=False)
    chorus_service_code = forms.CharField(label=_("Code service Chorus Pro"), max_length=100, required=False)


class AccountingExportForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Au (inclus, date de clôture)"), widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la période précède son début."))
        return data


class ReminderSettingsForm(forms.ModelForm):
    """The reminder settings and texts; the service checks the delays and the placeholders."""

    class Meta:
        model = ReminderSettings
        fields = ["enabled", "days_1", "days_2", "days_3", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("days_1", "days_2", "days_3"):
            self.fields[name].widget.attrs["max"] = 366
            self.fields[name].validators.append(_max_days)
        for name in ("days_2", "days_3"):  # empty: no such reminder
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("days_2", "days_3"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data

    def _post_clean(self) -> None:  # the service validates and saves; no model validation here
        pass


def _max_days(value: int) -> None:
    if value is not None and value > 366:
        raise ValidationError(_("Au plus 366 jours après l'échéance."))
