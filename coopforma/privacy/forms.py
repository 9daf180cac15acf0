# SPDX-License-Identifier: AGPL-3.0-or-later
from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.privacy.retention import CATEGORIES


class RetentionForm(forms.Form):
    category = forms.ChoiceField(label=_("Catégorie"), choices=[(c.code, c.label) for c in CATEGORIES.values()])
    months = forms.IntegerField(label=_("Durée (mois)"), min_value=1, max_value=1200)


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je confirme l'effacement : il est définitif, seules les données sous obligation légale restent."),
        required=True,
    )
