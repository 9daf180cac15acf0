# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the map's back office: partner offers and their sessions, the relevance rules, a decision's reason."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.catalogue.models import Modality
from coopforma.offers.models import ExperienceMode


def _codes(text: str) -> list[str]:
    return [part for part in text.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",") if part]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PartnerOfferForm(forms.Form):
    partner = forms.TypedChoiceField(label=_("Structure partenaire"), coerce=int)
    title = forms.CharField(label=_("Intitulé"), max_length=255)
    experience_mode = forms.ChoiceField(
        label=_("Mode d'apprentissage par l'expérience"),
        choices=[("", _("Aucun : une formation")), *ExperienceMode.choices],
        required=False,
    )
    summary = forms.CharField(label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    objectives = forms.CharField(label=_("Objectifs"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    content = forms.CharField(label=_("Contenu"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    url = forms.URLField(label=_("Page de l'offre"), required=False, assume_scheme="https")
    modality = forms.ChoiceField(label=_("Modalité"), choices=[("", "—"), *Modality.choices], required=False)
    certifying = forms.BooleanField(label=_("Certifiante"), required=False)
    cpf_eligible = forms.BooleanField(label=_("Éligible au CPF"), required=False)
    formacodes = forms.CharField(
        label=_("Codes Formacode"), required=False, help_text=_("Codes à 5 chiffres, séparés par des virgules.")
    )
    nsf_codes = forms.CharField(
        label=_("Codes NSF"), required=False, help_text=_("Par exemple 310 ou 315, séparés par des virgules.")
    )

    def __init__(self, *args: Any, partners: list[tuple[int, str]], with_partner: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = partners
        if not with_partner:
            del self.fields["partner"]

    def service_fields(self) -> dict[str, Any]:
        data = {key: value for key, value in self.cleaned_data.items() if key != "partner"}
        data["formacodes"] = _codes(data.get("formacodes") or "")
        data["nsf_codes"] = _codes(data.get("nsf_codes") or "")
        return data


class OfferSessionForm(forms.Form):
    start = forms.DateField(label=_("Début"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Fin"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    city = forms.CharField(label=_("Commune"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5, required=False)
    places_left = forms.IntegerField(label=_("Places"), min_value=0, max_value=100000, required=False)
    is_remote = forms.BooleanField(label=_("À distance"), required=False)


class RulesForm(forms.Form):
    keywords = forms.CharField(
        label=_("Mots-clés"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_(
            "Un par ligne. Accents et pluriels indifférents ; un sigle en capitales (ESS, CAE) est cherché tel quel."
        ),
    )
    formacodes = forms.CharField(
        label=_("Codes Formacode"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Codes à 5 chiffres, séparés par des virgules ou des retours à la ligne."),
    )
    nsf_codes = forms.CharField(
        label=_("Codes NSF"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Un code compte aussi pour ses sous-codes (310 vaut pour 310m)."),
    )
    known_sirets = forms.CharField(
        label=_("Organismes connus du réseau"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Leur SIRET (14 chiffres) ou leur SIREN (9 chiffres), un par ligne."),
    )
    formacode_weight = forms.IntegerField(label=_("Poids d'un Formacode de la liste"), min_value=0, max_value=1000)
    nsf_weight = forms.IntegerField(label=_("Poids d'un code NSF de la liste"), min_value=0, max_value=1000)
    keyword_weight = forms.IntegerField(label=_("Poids de chaque mot-clé trouvé"), min_value=0, max_value=1000)
    keyword_cap = forms.IntegerField(label=_("Nombre de mots-clés comptés au plus"), min_value=0, max_value=50)
    known_weight = forms.IntegerField(label=_("Poids d'un organisme connu du réseau"), min_value=0, max_value=1000)
    high_threshold = forms.IntegerField(label=_("Seuil d'affichage"), min_value=1, max_value=1000)
    low_threshold = forms.IntegerField(label=_("Seuil d'examen par les modérateur·rices"), min_value=0, max_value=1000)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["keywords"] = _lines(data["keywords"])
        data["formacodes"] = _codes(data["formacodes"])
        data["nsf_codes"] = _codes(data["nsf_codes"])
        data["known_sirets"] = _lines(data["known_sirets"])
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=500, required=False)


class SubscriptionForm(forms.Form):
    label = forms.CharField(label=_("Nom de la source"), max_length=200)
    url = forms.CharField(
        label=_("Adresse du flux"),
        max_length=500,
        help_text=_("Le flux JSON d'un réseau d'une autre installation (…/offres.json) ou l'adresse d'un flux LHEO."),
    )
    kind = forms.ChoiceField(
        label=_("Format du flux"),
        choices=[
            ("federation", _("Flux JSON d'une autre installation Coopforma")),
            ("lheo", _("Flux LHEO (réseau des Carif-Oref ou autre)")),
        ],
    )
    licence = forms.CharField(
        label=_("Licence des données"),
        max_length=200,
        required=False,
        help_text=_(
            "Par exemple « Licence Ouverte 2.0 » : sans licence ouverte connue, ces offres ne sont pas republiées."
        ),
    )


class ImportForm(forms.Form):
    label = forms.CharField(label=_("Nom de la source"), max_length=200)
    url = forms.CharField(label=_("Adresse du flux LHEO"), max_length=500, required=False)
    upload = forms.FileField(label=_("ou fichier LHEO (XML)"), required=False)
    licence = forms.CharField(label=_("Licence des données"), max_length=200, required=False)
