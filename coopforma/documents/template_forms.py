# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the template editor: the text with its signers, and the preview's choice of data."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.documents.template_services import SIGNER_CHOICES

SIGNER_LABELS = {
    "client": _("le client (entreprise ou financeur)"),
    "trainee": _("le ou la stagiaire"),
    "trainer": _("le formateur ou la formatrice"),
}


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Texte du modèle"),
        strip=False,  # the text is kept exactly as typed (trailing newlines matter to typst)
        required=False,  # the service says what is wrong with an empty text
        help_text=_(
            "Mise en page typst ; les mots-clés s'écrivent {{ session.title }}, les boucles "
            "{% for slot in session.slots %} … {% endfor %}."
        ),
        widget=forms.Textarea(
            attrs={"rows": 28, "spellcheck": "false", "class": "template-body", "autocapitalize": "off"}
        ),
    )
    name = forms.CharField(label=_("Nom du modèle"), max_length=200, required=False)
    requires_quality_signature = forms.BooleanField(
        label=_("Signature du ou de la responsable de l'OF requise"), required=False
    )
    signers = forms.MultipleChoiceField(
        label=_("Autres signataires"),
        choices=[(code, SIGNER_LABELS[code]) for code in SIGNER_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = ["body", "name", "requires_quality_signature", "signers"]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "body": data["body"],
            "requires_quality_signature": data["requires_quality_signature"],
            "signers": data["signers"],
        }


class PreviewForm(forms.Form):
    """The text to preview (not saved) and the data to fill it with: the examples or one real record."""

    body = forms.CharField(strip=False, required=False)
    subject = forms.TypedChoiceField(
        label=_("Données de l'aperçu"), coerce=int, empty_value=None, required=False, choices=[]
    )

    def __init__(self, *args: Any, subjects: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("Exemples des mots-clés"))] + [
            (str(index), label) for index, (label, _subject) in enumerate(subjects)
        ]
