# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of an exchange's life: they collect what `exchange_services` takes (the services check the rules again;
their refusals are shown next to the fields they name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.core.forms import date_input
from coopforma.exchanges.exchange_selectors import ExchangeFilters
from coopforma.exchanges.models import ArtefactKind, ExchangeFormat, ExchangeKind, ExchangeState, Licence
from coopforma.referentiel.models import LEVELS

Choices = list[tuple[Any, str]]
DEBRIEF_ROWS = 5


def datetime_input() -> forms.DateTimeInput:
    """The browser's date and time picker (the time is Paris time, the site's time zone)."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExchangeFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *ExchangeState.choices])
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous")), *ExchangeKind.choices])

    def filters(self) -> ExchangeFilters:
        if not self.is_valid():
            return ExchangeFilters()
        return ExchangeFilters(**self.cleaned_data)


class ExchangeForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", "—"), *ExchangeFormat.choices])
    starts_on = forms.DateField(label=_("Début"), required=False, widget=date_input())
    ends_on = forms.DateField(label=_("Fin"), required=False, widget=date_input())
    plan = forms.CharField(label=_("Déroulé prévu"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    themes = forms.CharField(
        label=_("Thèmes (compagnonnage)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    logistics = forms.CharField(
        label=_("Logistique (déplacements, hébergement, repas)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attendance_required = forms.BooleanField(label=_("Relever l'émargement aux étapes"), required=False)
    is_public = forms.BooleanField(
        label=_("Montrer l'échange sur la carte publique du réseau"),
        required=False,
        help_text=_("Il n'y paraît qu'une fois que chaque participant·e l'a accepté, sur la page de l'échange."),
    )
    competency_ids = forms.TypedMultipleChoiceField(
        label=_("Compétences travaillées (référentiel du réseau)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, competencies: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency_ids"].choices = competencies  # type: ignore[attr-defined]
        if not competencies:
            self.fields["competency_ids"].help_text = _("Le réseau n'a pas encore publié de référentiel.")


class StateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Nouvel état"),
        choices=[(s.value, s.label) for s in (ExchangeState.PLANNED, ExchangeState.DONE, ExchangeState.CANCELLED)],
    )
    reason = forms.CharField(
        label=_("Raison (obligatoire pour une annulation)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StepForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Début (heure de Paris)"), widget=datetime_input())
    ends_at = forms.DateTimeField(label=_("Fin (heure de Paris)"), widget=datetime_input())
    host_id = forms.TypedChoiceField(label=_("Accueilli par"), required=False, coerce=int, empty_value=None)
    place = forms.CharField(label=_("Lieu"), required=False, max_length=300)
    is_remote = forms.BooleanField(label=_("À distance"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, hosts: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_id"].choices = [("", "—"), *hosts]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("La fin de l'étape doit suivre son début."))
        return data


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Présent·es"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, participants: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = participants  # type: ignore[attr-defined]


class DebriefForm(forms.Form):
    learnt = forms.CharField(label=_("Ce que j'ai appris ou transmis"), widget=forms.Textarea(attrs={"rows": 6}))
    next_steps = forms.CharField(label=_("Et maintenant ?"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rating = forms.TypedChoiceField(
        label=_("Utilité ressentie (1 à 5)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((i, str(i)) for i in range(1, 6))],
    )

    def __init__(self, *args: Any, competencies: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, DEBRIEF_ROWS + 1):
            self.fields[f"competency_{row}"] = forms.TypedChoiceField(
                label=_("Compétence %(n)s") % {"n": row},
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), *competencies],
            )
            self.fields[f"level_{row}"] = forms.ChoiceField(
                label=_("Niveau de la compétence %(n)s") % {"n": row},
                required=False,
                choices=[("", "—"), *LEVELS],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[int] = set()
        for row in range(1, DEBRIEF_ROWS + 1):
            competency = data.get(f"competency_{row}")
            if competency is None:
                if data.get(f"level_{row}"):
                    self.add_error(f"competency_{row}", _("Choisissez la compétence de ce niveau."))
                continue
            if competency in seen:
                self.add_error(f"competency_{row}", _("Chaque compétence ne se cite qu'une fois."))
            seen.add(competency)
        return data

    def competencies(self) -> list[tuple[int, str]]:
        data = self.cleaned_data
        return [
            (data[f"competency_{row}"], data.get(f"level_{row}") or "")
            for row in range(1, DEBRIEF_ROWS + 1)
            if data.get(f"competency_{row}") is not None
        ]

    @staticmethod
    def initial_for(debrief: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"learnt": debrief.learnt, "next_steps": debrief.next_steps, "rating": debrief.rating}
        for row, line in enumerate(debrief.competencies.all()[:DEBRIEF_ROWS], start=1):
            initial[f"competency_{row}"] = line.competency_id
            initial[f"level_{row}"] = line.level
        return initial


class LogEntryForm(forms.Form):
    body = forms.CharField(label=_("Votre message dans le journal"), widget=forms.Textarea(attrs={"rows": 3}))


class ArtefactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ArtefactKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(label=_("Contenu"), widget=forms.Textarea(attrs={"rows": 12}))
    licence = forms.ChoiceField(
        label=_("Licence"), choices=Licence.choices, help_text=_("Choisie ensemble par les auteur·rices.")
    )
    coauthor_ids = forms.TypedMultipleChoiceField(
        label=_("Co-auteur·rices (parmi les participant·es)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=_("Fichier joint"),
        required=False,
        help_text=_("PDF, ODT, DOCX, image JPEG, PNG ou WebP, texte ou Markdown ; 10 Mo au plus."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.odt,.docx,.jpg,.jpeg,.png,.webp,.txt,.md,.markdown"}),
    )
    remove_file = forms.BooleanField(label=_("Retirer le fichier joint"), required=False)

    def __init__(self, *args: Any, coauthors: Choices, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coauthor_ids"].choices = coauthors  # type: ignore[attr-defined]
        if has_file:
            self.fields["file"].label = _("Remplacer le fichier joint")
        else:
            del self.fields["remove_file"]


class _MembersForm(forms.Form):
    """A creation form whose people are chosen among the network's members (another network's: refused)."""

    member_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.member_fields:
            self.fields[name].choices = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin de l'échange doit suivre son début."))
        seen: set[int] = set()
        for name in self.member_fields:
            value = data.get(name)
            chosen = value if isinstance(value, list) else ([] if value is None else [value])
            if seen & set(chosen):
                self.add_error(name, _("Une même personne est choisie deux fois."))
            seen |= set(chosen)
        return data


class ExpeditionForm(_MembersForm):
    member_fields = ("learner_ids", "host_ids")

    title = forms.CharField(label=_("Intitulé de l'expédition"), max_length=200)
    learner_ids = forms.TypedMultipleChoiceField(
        label=_("Cohorte (les personnes qui apprennent)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    host_ids = forms.TypedMultipleChoiceField(
        label=_("Structures qui accueillent"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("Début"), required=False, widget=date_input())
    ends_on = forms.DateField(label=_("Fin"), required=False, widget=date_input())
    plan = forms.CharField(label=_("Programme"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    logistics = forms.CharField(
        label=_("Logistique (déplacements, hébergement, repas)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attendance_required = forms.BooleanField(label=_("Relever l'émargement aux étapes"), required=False)


class TransferForm(_MembersForm):
    member_fields = ("compagnon_id", "beneficiary_ids")

    title = forms.CharField(label=_("Intitulé du compagnonnage"), max_length=200)
    compagnon_id = forms.TypedChoiceField(label=_("Structure compagnon (expérimentée)"), coerce=int)
    beneficiary_ids = forms.TypedMultipleChoiceField(
        label=_("Structures accompagnées (émergentes)"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("Début"), required=False, widget=date_input())
    ends_on = forms.DateField(label=_("Fin"), required=False, widget=date_input())
    themes = forms.CharField(label=_("Thèmes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label=_("Plan de transfert"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, members=members, **kwargs)
        self.fields["compagnon_id"].choices = [("", "—"), *members]  # type: ignore[attr-defined]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Jalon"), max_length=200)
    deliverable = forms.CharField(label=_("Livrable"), required=False, max_length=300)
    due_on = forms.DateField(label=_("Échéance"), required=False, widget=date_input())
