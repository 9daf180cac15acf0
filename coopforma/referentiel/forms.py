# SPDX-License-Identifier: AGPL-3.0-or-later
from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.referentiel.models import ProposalKind


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
