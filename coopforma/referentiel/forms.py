# SPDX-License-Identifier: AGPL-3.0-or-later
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.referentiel.models import LEVELS, ProposalKind


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature de la proposition"), choices=ProposalKind.choices)
    target_code = forms.CharField(
        label=_("Élément concerné"),
        required=False,
        max_length=30,
        help_text=_("Son identifiant : M1 pour un métier (où ajouter une compétence), M1-C2 pour une compétence…"),
    )
    other_code = forms.CharField(
        label=_("Fusionner dans"), required=False, max_length=30, help_text=_("Pour une fusion seulement.")
    )
    label = forms.CharField(label=_("Libellé proposé"), required=False, max_length=500)
    description = forms.CharField(
        label=_("Mission ou définition proposée"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("Pourquoi ce changement ?"), widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision du comité"),
        choices=[("accept", _("Accepter")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus ; la proposition reste lisible avec son motif."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher un métier, une compétence, un bloc"), required=False, max_length=200)


LEVEL_CHOICES = [("", _("Niveau non précisé")), *LEVELS]


class ObjectiveLinkForm(forms.Form):
    """Link one objective of a training to a competency (the « Lier » buttons and the search results)."""

    objective = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    competency = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Niveau visé"), choices=LEVEL_CHOICES, required=False)


class TrainerCompetencyForm(forms.Form):
    competency = forms.TypedChoiceField(label=_("Compétence du référentiel"), coerce=int, choices=())
    level = forms.ChoiceField(label=_("Niveau"), choices=LEVELS)
    evidence = forms.CharField(
        label=_("Ce qui le montre"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Expériences, formations suivies, missions : ce que le comité du réseau lira pour valider."),
    )

    def __init__(self, *args: Any, competencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for item in competencies:
            network = item.version.referentiel.network.name
            job = f"{item.parent.code} {item.parent.label}" if item.parent else ""
            groups.setdefault(f"{network} — {job}" if job else network, []).append(
                (item.pk, f"{item.code} {item.label}")
            )
        self.fields["competency"].choices = [("", _("Choisissez une compétence")), *groups.items()]


class TrainerDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision du comité"),
        choices=[("accept", _("Valider")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"), required=False, max_length=3000, help_text=_("Obligatoire pour un refus.")
    )
