# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the trainer's slot page; the rules live in the services (errors shown inline)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.training_sessions.models import Participant

MARK_CHOICES = [
    ("absent", _("Absent·e")),
    ("late", _("En retard (heure d'arrivée)")),
    ("excused", _("Absence justifiée")),
    ("on_behalf", _("Signer pour son compte (motif obligatoire)")),
]
CORRECT_CHOICES = [
    ("present", _("Présent·e")),
    ("late", _("En retard")),
    ("absent", _("Absent·e")),
    ("excused", _("Absence justifiée")),
]


class _ParticipantForm(forms.Form):
    participant = forms.TypedChoiceField(label=_("Stagiaire"), coerce=int)

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = {p.pk: p for p in participants}
        self.fields["participant"].choices = [("", "—")] + [(p.pk, str(p.trainee)) for p in participants]

    def chosen(self) -> Participant:
        return self.participants[self.cleaned_data["participant"]]


class MarkForm(_ParticipantForm):
    mark = forms.ChoiceField(label=_("Présence"), choices=MARK_CHOICES)
    arrival = forms.TimeField(
        label=_("Heure d'arrivée"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.CharField(
        label=_("Motif ou justificatif"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectForm(_ParticipantForm):
    status = forms.ChoiceField(label=_("Présence corrigée"), choices=CORRECT_CHOICES)
    arrival = forms.TimeField(
        label=_("Heure d'arrivée (si en retard)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reason = forms.CharField(
        label=_("Motif de la correction"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    trainer_name = forms.CharField(label=_("Votre nom (signature du formateur·rice)"), max_length=200, required=False)
    confirm_unsigned = forms.BooleanField(
        label=_(
            "Je confirme : les stagiaires marqué·es en retard qui n'ont pas signé ne seront compté·es "
            "pour aucune heure."
        ),
        required=False,
    )


PAPER_CHOICES = [
    ("present", _("Présent·e (a signé la feuille)")),
    ("late", _("En retard (heure d'arrivée)")),
    ("absent", _("Absent·e")),
]


class PaperEntryForm(_ParticipantForm):
    """What the signed paper sheet says for one trainee (kept as « feuille papier » in the records)."""

    status = forms.ChoiceField(label=_("D'après la feuille papier"), choices=PAPER_CHOICES)
    arrival = forms.TimeField(
        label=_("Heure d'arrivée (si en retard)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reason = forms.CharField(
        label=_("Motif"),
        help_text=_("Obligatoire une fois le créneau terminé : pourquoi la feuille est saisie après coup."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Feuille signée numérisée"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus. Son empreinte SHA-256 est enregistrée dans la chaîne."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
