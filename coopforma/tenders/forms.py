# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the tender watch's pages: they collect what the selectors and services take."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.core.forms import MoneyField
from coopforma.tenders.models import Frequency, Nature
from coopforma.tenders.selectors import NoticeFilters

NETWORK_CHOICE = "reseau"


class NoticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Mots de l'objet ou de l'acheteur"), required=False, max_length=200)
    departement = forms.CharField(label=_("Département"), required=False, max_length=3)
    nature = forms.ChoiceField(label=_("Nature"), required=False, choices=[("", _("Toutes")), *Nature.choices])
    mine = forms.BooleanField(label=_("Correspondant à mes profils de veille"), required=False)
    reserved = forms.BooleanField(label=_("Marchés réservés à l'ESS"), required=False)
    open_only = forms.BooleanField(label=_("Date limite non dépassée"), required=False)

    def filters(self) -> NoticeFilters:
        if not self.is_valid():
            return NoticeFilters()
        return NoticeFilters(**self.cleaned_data)


class InterestForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Pour l'organisation"), coerce=int)
    note = forms.CharField(
        label=_("Note (lots visés, partenaires possibles…)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class WatchProfileForm(forms.Form):
    owner = forms.ChoiceField(label=_("Profil de"))
    name = forms.CharField(label=_("Nom du profil"), max_length=120)
    cpv_prefixes = forms.CharField(
        label=_("Codes CPV (débuts, séparés par des espaces)"),
        required=False,
        max_length=300,
        help_text=_("805 : tous les services de formation ; 80511 : formation du personnel."),
    )
    keywords = forms.CharField(
        label=_("Mots-clés (un par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sans souci des accents ni des pluriels : « coopération » trouve « coopératives »."),
    )
    departements = forms.CharField(label=_("Départements (séparés par des espaces)"), required=False, max_length=300)
    reserved_first = forms.BooleanField(label=_("Marchés réservés à l'ESS en premier"), required=False, initial=True)
    min_amount_cents = MoneyField(label=_("Montant minimum (€)"), required=False)
    max_amount_cents = MoneyField(label=_("Montant maximum (€)"), required=False)
    frequency = forms.ChoiceField(label=_("Récapitulatif par e-mail"), choices=Frequency.choices)
    is_active = forms.BooleanField(label=_("Recevoir le récapitulatif"), required=False, initial=True)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]

    def organisation_id(self) -> int | None:
        owner = self.cleaned_data["owner"]
        return None if owner == NETWORK_CHOICE else int(owner)

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "owner"}
