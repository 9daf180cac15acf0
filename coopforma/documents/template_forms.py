# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the template editor: the text with its signers, and the preview's choice of data."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.documents.structured import MAX_SECTIONS, Section, Structure
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


class StructuredTemplateForm(forms.Form):
    """A simple template: its title, name and signers (the sections are `SectionFormSet`)."""

    title = forms.CharField(label=_("Titre du document"), required=False)
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


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Titre de la section"), required=False)
    text = forms.CharField(
        label=_("Texte"),
        required=False,
        strip=False,
        help_text=_(
            "Un paragraphe par bloc (ligne vide entre deux) ; « - » en début de ligne pour une liste ; "
            "**gras**, *italique* ; les mots-clés s'insèrent depuis la liste."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "class": "section-text"}),
    )


SectionFormSet = forms.formset_factory(
    SectionForm,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=MAX_SECTIONS,
    absolute_max=MAX_SECTIONS + 1,
    validate_max=True,
)


def structure_from_forms(form: StructuredTemplateForm, sections: forms.BaseFormSet) -> Structure:
    """The structure typed: the sections in their order (« Position »), empty and deleted ones left out."""
    kept = []
    for index, section in enumerate(sections.forms):
        data = getattr(section, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        heading, text = data.get("heading") or "", (data.get("text") or "").replace("\r\n", "\n")
        if not heading.strip() and not text.strip():
            continue
        order = data.get("ORDER")
        kept.append((order if order is not None else 10_000 + index, index, Section(heading=heading, text=text)))
    kept.sort(key=lambda row: (row[0], row[1]))
    return Structure(title=form.cleaned_data.get("title") or "", sections=tuple(row[2] for row in kept))


def section_initial(structure: Structure) -> list[dict[str, Any]]:
    return [
        {"heading": section.heading, "text": section.text, "ORDER": number}
        for number, section in enumerate(structure.sections, start=1)
    ]
