# SPDX-License-Identifier: AGPL-3.0-or-later
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.recognition.models import LEVELS, Register

NO_CHOICE = [("", "—")]


def carrier_choices(organisations: Any, partners: Any) -> list[tuple[str, Any]]:
    """One list for both kinds of carrier: `org:<id>` (member organisation) or `partner:<id>` (partner structure)."""
    return [
        ("", _("À choisir plus tard")),
        (_("Organisations membres"), [(f"org:{o.pk}", o.name) for o in organisations]),
        (_("Structures partenaires"), [(f"partner:{p.pk}", p.name) for p in partners]),
    ]


def split_carrier(value: str) -> dict[str, int | None]:
    kind, _sep, pk = (value or "").partition(":")
    return {
        "carrier_organisation_id": int(pk) if kind == "org" and pk.isdigit() else None,
        "carrier_partner_id": int(pk) if kind == "partner" and pk.isdigit() else None,
    }


def join_carrier(project: Any) -> str:
    if project.carrier_organisation_id:
        return f"org:{project.carrier_organisation_id}"
    if project.carrier_partner_id:
        return f"partner:{project.carrier_partner_id}"
    return ""


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de la certification"), max_length=300)
    register = forms.ChoiceField(label=_("Répertoire visé"), choices=Register.choices)
    level = forms.TypedChoiceField(
        label=_("Niveau de qualification"),
        choices=NO_CHOICE + LEVELS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Pour le RNCP : niveau 3 (CAP) à 8 (doctorat) du cadre national ; vide pour le RS."),
    )
    carrier = forms.ChoiceField(label=_("Porteur (futur certificateur)"), required=False)
    context = forms.CharField(
        label=_("Contexte et opportunité"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    access_conditions = forms.CharField(
        label=_("Modalités d'accès à la certification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text=_("Prérequis, voies d'accès (formation, VAE), publics."),
    )

    def __init__(self, *args: Any, organisations: Any = (), partners: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = carrier_choices(organisations, partners)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.update(split_carrier(data.pop("carrier")))
        return data


class ProjectCreateForm(ProjectForm):
    job = forms.ChoiceField(
        label=_("Version du référentiel et métier visé"),
        help_text=_("Une version publiée : elle ne change plus, le dossier la cite."),
    )

    field_order = ["job", "title", "register", "level", "carrier", "context", "access_conditions"]

    def __init__(self, *args: Any, jobs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = NO_CHOICE + [
            (f"{version.pk}:{job.code}", f"{version.number} — {job.code} {job.label}") for version, job in jobs
        ]

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        version_id, _sep, job_code = data.pop("job").partition(":")
        data["version_id"] = int(version_id)
        data["job_code"] = job_code
        return data


class BlockForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du bloc"), max_length=300)
    activity_codes = forms.MultipleChoiceField(
        label=_("Activités"), required=False, widget=forms.CheckboxSelectMultiple
    )
    competency_codes = forms.MultipleChoiceField(label=_("Compétences"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, activities: Any = (), competencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity_codes"].choices = [(a.code, f"{a.code} {a.label}") for a in activities]
        self.fields["competency_codes"].choices = [(c.code, f"{c.code} {c.label}") for c in competencies]


class EvaluationForm(forms.Form):
    situations = forms.CharField(
        label=_("Situations d'évaluation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=_("Mise en situation professionnelle, étude de cas, dossier, entretien avec le jury…"),
    )
    criteria = forms.CharField(
        label=_("Critères d'évaluation"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    modalities = forms.CharField(
        label=_("Modalités d'évaluation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        help_text=_("Qui évalue, quand, avec quels moyens ; aménagements pour les personnes en situation de handicap."),
    )


class AttachTrainingForm(forms.Form):
    training = forms.TypedChoiceField(label=_("Formation d'une organisation membre"), coerce=int)

    def __init__(self, *args: Any, trainings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training"].choices = [(t.pk, f"{t.title} ({t.organisation.name})") for t in trainings]


class AdoptExchangeForm(forms.Form):
    exchange = forms.TypedChoiceField(label=_("Échange de savoir-faire du réseau"), coerce=int)

    def __init__(self, *args: Any, exchanges: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exchange"].choices = [
            (e.pk, f"{e.title} ({e.starts_on:%d/%m/%Y})" if e.starts_on else e.title) for e in exchanges
        ]


class DecisionForm(forms.Form):
    registered = forms.TypedChoiceField(
        label=_("Décision de France compétences"),
        choices=[("1", _("Enregistrée")), ("0", _("Refusée"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    code = forms.CharField(
        label=_("Code de la certification"), required=False, max_length=20, help_text=_("RNCP12345 ou RS1234.")
    )
    registered_on = forms.DateField(
        label=_("Date d'enregistrement"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Décision ou motif du refus"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
