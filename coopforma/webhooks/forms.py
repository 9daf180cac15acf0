# SPDX-License-Identifier: AGPL-3.0-or-later
from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.webhooks.events import event_choices


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Adresse (HTTPS)"),
        max_length=500,
        help_text=_("L'adresse de votre système qui recevra les événements, par exemple https://exemple.fr/hooks."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Événements envoyés"), choices=event_choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True)
