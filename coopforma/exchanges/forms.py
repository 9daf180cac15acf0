# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the exchanges' pages (joining, the profile, offers and requests, the list's filters): they collect what
the services and selectors take; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.core.forms import date_input
from coopforma.exchanges.models import Conditions, ExchangeFormat, ListingKind
from coopforma.exchanges.selectors import ListingFilters
from coopforma.referentiel.models import LEVELS

MYSELF = ""

# --- profile ------------------------------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Nom affiché"), max_length=200)
    presentation = forms.CharField(
        label=_("Présentation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Qui vous êtes, ce que fait votre structure : lu par les autres membres du réseau."),
    )
    city = forms.CharField(
        label=_("Commune"), max_length=100, help_text=_("Son nom ou son code postal (« Lyon », « 69001 »).")
    )
    travel_km = forms.IntegerField(
        label=_("Distance de déplacement acceptée (km)"), min_value=0, max_value=1000, initial=50
    )
    email = forms.EmailField(
        label=_("E-mail de contact (privé)"),
        required=False,
        help_text=_(
            "Montré à personne : partagé avec l'autre membre d'un échange seulement si vous l'acceptez tous les deux."
        ),
    )
    phone = forms.CharField(label=_("Téléphone (privé)"), required=False, max_length=30)
    on_map = forms.BooleanField(
        label=_("Apparaître sur la carte publique et dans les données ouvertes du réseau"), required=False
    )
    digest = forms.BooleanField(
        label=_("Recevoir le récapitulatif des nouvelles offres et demandes par e-mail"), required=False, initial=True
    )

    def profile(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ProfileForm.base_fields}


# --- listings -----------------------------------------------------------------------------------------------------


class ListingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Offre ou demande"), choices=ListingKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Savoir-faire"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    competencies = forms.MultipleChoiceField(
        label=_("Compétences du référentiel du réseau"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(label=_("Niveau"), required=False, choices=[("", _("Non précisé")), *LEVELS])
    formats = forms.MultipleChoiceField(
        label=_("Formats d'échange"),
        required=False,
        choices=ExchangeFormat.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    is_remote = forms.BooleanField(label=_("Possible à distance"), required=False)
    city = forms.CharField(
        label=_("Lieu (commune)"),
        required=False,
        max_length=100,
        help_text=_("Laissé vide : votre commune."),
    )
    available_from = forms.DateField(label=_("Disponible à partir du"), required=False, widget=date_input())
    available_until = forms.DateField(label=_("Disponible jusqu'au"), required=False, widget=date_input())
    availability = forms.CharField(
        label=_("Disponibilités"),
        required=False,
        max_length=300,
        help_text=_("Par exemple : « le mardi matin », « hors juillet-août »."),
    )
    conditions = forms.ChoiceField(label=_("Conditions"), choices=Conditions.choices, initial=Conditions.RECIPROCITY)

    def __init__(
        self, *args: Any, competency_choices: list[tuple[str, str]], with_kind: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = competency_choices  # type: ignore[attr-defined]
        if not competency_choices:
            del self.fields["competencies"]
        if not with_kind:
            del self.fields["kind"]

    def listing(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields if name not in ("kind", "member")}


# --- joining: the profile, the charter, one offer and one request ------------------------------------------------


class JoinForm(ProfileForm):
    """One form: who I am, the charter, my first offer and my first request (the reciprocal principle)."""

    partner = forms.ChoiceField(label=_("Je m'inscris"), required=False)
    charter_accepted = forms.BooleanField(
        label=_("J'accepte la charte des échanges"),
        required=False,  # the service says why it is needed
    )
    offer_title = forms.CharField(label=_("Je propose (un savoir-faire)"), required=False, max_length=200)
    offer_description = forms.CharField(
        label=_("Ce que je propose, en quelques lignes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    offer_competencies = forms.MultipleChoiceField(
        label=_("Compétences de mon offre"), required=False, widget=forms.CheckboxSelectMultiple
    )
    offer_formats = forms.MultipleChoiceField(
        label=_("Formats de mon offre"),
        required=False,
        choices=ExchangeFormat.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    request_title = forms.CharField(label=_("Je cherche (un savoir-faire)"), required=False, max_length=200)
    request_description = forms.CharField(
        label=_("Ce que je cherche, en quelques lignes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    request_competencies = forms.MultipleChoiceField(
        label=_("Compétences de ma demande"), required=False, widget=forms.CheckboxSelectMultiple
    )
    request_formats = forms.MultipleChoiceField(
        label=_("Formats de ma demande"),
        required=False,
        choices=ExchangeFormat.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["partner", "display_name"]

    def __init__(
        self,
        *args: Any,
        partners: list[tuple[str, str]],
        competency_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = partners  # type: ignore[attr-defined]
        if len(partners) == 1 and partners[0][0] == MYSELF:
            self.fields["partner"].widget = forms.HiddenInput()
        for kind in ("offer", "request"):
            name = f"{kind}_competencies"
            self.fields[name].choices = competency_choices  # type: ignore[attr-defined]
            if not competency_choices:
                del self.fields[name]

    def _listing(self, kind: str) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not (data.get(f"{kind}_title") or "").strip():
            return []
        return [
            {
                "title": data.get(f"{kind}_title"),
                "description": data.get(f"{kind}_description") or "",
                "competencies": data.get(f"{kind}_competencies") or [],
                "formats": data.get(f"{kind}_formats") or [],
            }
        ]

    def service_fields(self) -> dict[str, Any]:
        partner = self.cleaned_data.get("partner") or MYSELF
        return {
            **self.profile(),
            "partner_id": int(partner) if partner != MYSELF else None,
            "charter_accepted": bool(self.cleaned_data.get("charter_accepted")),
            "offers": self._listing("offer"),
            "requests": self._listing("request"),
        }


# --- the list's filters -------------------------------------------------------------------------------------------


class ListingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Offres ou demandes"), required=False, choices=[("", _("Toutes")), *ListingKind.choices]
    )
    competency = forms.ChoiceField(label=_("Compétence"), required=False)
    format = forms.ChoiceField(
        label=_("Format d'échange"), required=False, choices=[("", _("Tous")), *ExchangeFormat.choices]
    )
    department = forms.ChoiceField(label=_("Département"), required=False)
    q = forms.CharField(label=_("Mots"), required=False, max_length=200)
    remote = forms.BooleanField(label=_("Possible à distance"), required=False)

    def __init__(
        self, *args: Any, competency_choices: list[tuple[str, str]], departments: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", _("Toutes")), *competency_choices]  # type: ignore[attr-defined]
        self.fields["department"].choices = [("", _("Tous")), *[(d, d) for d in departments]]  # type: ignore[attr-defined]

    def filters(self) -> ListingFilters:
        if not self.is_valid():
            return ListingFilters()
        return ListingFilters(**self.cleaned_data)
