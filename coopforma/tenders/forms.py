# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the tender watch's pages: they collect what the selectors and services take."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.core.forms import MoneyField
from coopforma.tenders.models import ConsortiumForm, ConsortiumState, Frequency, MilestoneKind, Nature
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


# --- groupements --------------------------------------------------------------------------------------------------


class ConsortiumCreateForm(forms.Form):
    form = forms.ChoiceField(label=_("Forme du groupement"), choices=ConsortiumForm.choices)
    mandataire = forms.TypedChoiceField(label=_("Mandataire du groupement"), coerce=int)
    members = forms.TypedMultipleChoiceField(
        label=_("Membres du groupement"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parmi les organisations membres qui ont dit « Ça m'intéresse » ; le ou la mandataire en est."),
    )
    period_start = forms.DateField(
        label=_("Début d'exécution prévu"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Fin d'exécution prévue"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mandataire"].choices = organisations  # type: ignore[attr-defined]
        self.fields["members"].choices = organisations  # type: ignore[attr-defined]


class ConsortiumMemberAddForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation à ajouter"), coerce=int)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class ConsortiumMemberRemoveForm(forms.Form):
    mandataire = forms.TypedChoiceField(
        label=_("Nouveau ou nouvelle mandataire"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Seulement pour retirer le ou la mandataire : le membre qui prend sa place."),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mandataire"].choices = [("", "—"), *organisations]  # type: ignore[attr-defined]


class ConsortiumSharesForm(forms.Form):
    """One whole-number field per member and lot (`share_<organisation>_<lot or 0>`), in per-mille."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], columns: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[str, list[str]]] = []
        for row in rows:
            org = row["member"].organisation
            names = []
            for lot, value in zip(columns, row["cells"], strict=True):
                name = f"share_{org.pk}_{lot.pk if lot else 0}"
                where = str(lot) if lot else _("l'avis")
                self.fields[name] = forms.IntegerField(
                    label=_("Part de %(org)s pour %(where)s (‰)") % {"org": org.name, "where": where},
                    required=False,
                    min_value=0,
                    max_value=1000,
                    initial=value or 0,
                )
                names.append(name)
            self.cells.append((org.name, names))

    def shares(self) -> dict[tuple[int, int | None], int]:
        result: dict[tuple[int, int | None], int] = {}
        for name, value in self.cleaned_data.items():
            _prefix, org, lot = name.split("_")
            result[(int(org), int(lot) or None)] = value or 0
        return result


class ConsortiumStateForm(forms.Form):
    state = forms.ChoiceField(label=_("Nouvel état"), choices=ConsortiumState.choices)
    price_cents = MoneyField(label=_("Prix de l'offre (€ HT)"), required=False)
    feedback = forms.CharField(
        label=_("Retour de l'acheteur"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Étape"), choices=MilestoneKind.choices)
    label = forms.CharField(label=_("Précision"), required=False, max_length=200)
    due_on = forms.DateField(label=_("Pour le"), widget=forms.DateInput(attrs={"type": "date"}))
    remind_days = forms.IntegerField(label=_("Rappel par e-mail (jours avant)"), min_value=0, max_value=60, initial=3)


class BuyerClientForm(forms.Form):
    siret = forms.CharField(label=_("SIRET de l'acheteur"), max_length=20)
    street = forms.CharField(label=_("Adresse"), required=False, max_length=200)
    postal_code = forms.CharField(label=_("Code postal"), required=False, max_length=10)
    city = forms.CharField(label=_("Ville"), required=False, max_length=100)


class ContractStartForm(forms.Form):
    """A won groupement started in the mandataire's organisation: per lot answered, the matching training its
    draft session is made from and the lot's amount; then the buyer's Chorus Pro data."""

    buyer_siret = forms.CharField(
        label=_("SIRET de l'acheteur (Chorus Pro)"),
        max_length=20,
        help_text=_("L'établissement destinataire des factures dans Chorus Pro, 14 chiffres."),
    )
    chorus_service_code = forms.CharField(
        label=_("Code service Chorus Pro"),
        max_length=100,
        required=False,
        help_text=_("Si l'acheteur l'exige : le code du service destinataire."),
    )
    commitment_number = forms.CharField(
        label=_("N° d'engagement ou de bon de commande"),
        max_length=50,
        required=False,
        help_text=_("Le numéro d'engagement juridique que Chorus Pro demande, s'il est connu."),
    )

    def __init__(self, *args: Any, lots: list[Any], trainings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lot_fields: list[tuple[Any, str, str]] = []
        for lot in lots:
            key = lot.pk if lot else 0
            where = _("lot %(lot)s") % {"lot": lot} if lot else _("l'avis entier")
            self.fields[f"training_{key}"] = forms.TypedChoiceField(
                label=_("Formation pour %(where)s") % {"where": where},
                coerce=int,
                choices=[("", "—"), *trainings],
            )
            self.fields[f"amount_{key}"] = MoneyField(
                label=_("Montant pour %(where)s (€ HT)") % {"where": where},
                initial=lot.amount_cents if lot and lot.amount_cents else None,
            )
            self.lot_fields.append((lot, f"training_{key}", f"amount_{key}"))

    def lots(self) -> dict[int | None, tuple[int, int]]:
        return {
            (lot.pk if lot else None): (self.cleaned_data[training], self.cleaned_data[amount])
            for lot, training, amount in self.lot_fields
        }


class ContractDraftsForm(forms.Form):
    """From a started contract, per lot: the buyer's trainees when they are known (a provisional enrolment is
    drafted with them), else optionally the headcount planned; every lot gets its draft invoice."""

    def __init__(self, *args: Any, contracts: list[Any], trainees: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lot_fields: list[tuple[Any, str, str]] = []
        for contract in contracts:
            key = contract.lot_id or 0
            where = _("lot %(lot)s") % {"lot": contract.lot} if contract.lot else _("l'avis entier")
            if trainees:
                self.fields[f"trainees_{key}"] = forms.TypedMultipleChoiceField(
                    label=_("Stagiaires de l'acheteur pour %(where)s") % {"where": where},
                    coerce=int,
                    choices=trainees,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Une inscription provisoire de l'acheteur est préparée avec ces stagiaires."),
                )
            self.fields[f"headcount_{key}"] = forms.IntegerField(
                label=_("Effectif prévu pour %(where)s") % {"where": where},
                required=False,
                min_value=1,
                max_value=10_000,
                help_text=_("Si les stagiaires ne sont pas encore connu·es."),
            )
            self.lot_fields.append((contract.lot_id, f"trainees_{key}", f"headcount_{key}"))

    def trainees(self) -> dict[int | None, list[int]]:
        return {lot_id: self.cleaned_data.get(field) or [] for lot_id, field, _count in self.lot_fields}

    def headcounts(self) -> dict[int | None, int | None]:
        return {lot_id: self.cleaned_data.get(field) for lot_id, _names, field in self.lot_fields}
