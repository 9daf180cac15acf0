# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the catalogue: they parse what people type (objectives, hours, euros) and call the services.

Field names are the services' keyword names, so a service error lands next to its field.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.actor import Actor
from coopforma.catalogue import selectors, services
from coopforma.catalogue.models import (
    RNCP_LEVELS,
    ActionCategory,
    BpfObjective,
    CertificationKind,
    Modality,
    Training,
    TrainingStatus,
)
from coopforma.catalogue.nsf import NSF_CHOICES
from coopforma.core.forms import MoneyField
from coopforma.core.hours import hours_to_minutes
from coopforma.people.models import MemberStructure, Trainer
from coopforma.people.scope import actor_scope

_HOURS_AND_MINUTES = re.compile(r"^(\d+)\s*h\s*(\d{1,2})?$", re.IGNORECASE)
_DECIMAL_HOURS = re.compile(r"^\d+([.,]\d+)?$")


def parse_duration(text: str) -> int:
    """'14' -> 840, '3,5' -> 210, '7h30' / '7 h 30' -> 450, '7h' -> 420. Exact: refuses fractions of a minute."""
    raw = (text or "").strip().replace("\xa0", " ")
    match = _HOURS_AND_MINUTES.match(raw)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if minutes >= 60:
            raise ValidationError(
                _("« %(value)s » : les minutes vont de 00 à 59."), code="duration_format", params={"value": text}
            )
        return hours * 60 + minutes
    if not _DECIMAL_HOURS.match(raw):
        raise ValidationError(
            _("Durée invalide : « %(value)s ». Écrivez un nombre d'heures, par exemple 14, 3,5 ou 7h30."),
            code="duration_format",
            params={"value": text},
        )
    try:
        return hours_to_minutes(Decimal(raw.replace(",", ".")))
    except (ValueError, InvalidOperation) as exc:
        raise ValidationError(
            _("« %(value)s » heures ne tombe pas sur une minute entière : écrivez par exemple 7,5 ou 7h30."),
            code="duration_fraction",
            params={"value": text},
        ) from exc


def format_duration(minutes: int) -> str:
    """840 -> '14', 450 -> '7h30' (what parse_duration reads back)."""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours}h{rest:02d}" if rest else str(hours)


class DurationField(forms.CharField):
    """Typed in hours ('14', '3,5', '7h30'), cleaned to integer minutes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "14 ou 7h30"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return format_duration(value) if value else ""
        return value

    def to_python(self, value: Any) -> int:  # type: ignore[override]
        value = super().to_python(value)
        if value in self.empty_values:
            return 0
        return parse_duration(value)


class ObjectivesField(forms.CharField):
    """One objective per line in a textarea, cleaned to a list of strings (blank lines dropped)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        value = super().to_python(value)
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _blank_choice(choices: list) -> list:
    return [("", "—"), *choices]


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    reference = forms.CharField(label=_("Référence interne"), max_length=30, required=False)
    member_structure_id = forms.ModelChoiceField(
        label=_("Structure membre"), queryset=MemberStructure.objects.none(), required=False
    )
    summary = forms.CharField(label=_("Présentation"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    objectives = ObjectivesField(
        label=_("Objectifs opérationnels et évaluables"),
        required=False,
        help_text=_(
            "Un objectif par ligne (20 au plus), avec un verbe d'action : « Animer une réunion participative »."
        ),
    )
    audience = forms.CharField(label=_("Public visé"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    prerequisites = forms.CharField(label=_("Prérequis"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    duration_minutes = DurationField(
        label=_("Durée (heures)"), required=False, help_text=_("Par exemple 14, 3,5 ou 7h30.")
    )
    modality = forms.ChoiceField(label=_("Modalité"), choices=Modality.choices)
    content = forms.CharField(label=_("Contenu (déroulé)"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    methods = forms.CharField(
        label=_("Méthodes pédagogiques et moyens"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evaluation_methods = forms.CharField(
        label=_("Modalités d'évaluation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    accessibility = forms.CharField(
        label=_("Accessibilité aux personnes en situation de handicap"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    access_delay = forms.CharField(
        label=_("Délai d'accès"),
        max_length=200,
        required=False,
        help_text=_("Par exemple : « 15 jours ouvrés entre la demande et le début de la formation »."),
    )
    price_inter_cents = MoneyField(label=_("Prix inter par stagiaire (€ HT)"), required=False)
    price_intra_cents = MoneyField(label=_("Prix intra par groupe (€ HT)"), required=False)
    price_on_quote = forms.BooleanField(
        label=_("Tarif sur devis (intra, sur mesure)"),
        required=False,
        help_text=_("La page publique indique « sur devis » à côté des prix renseignés."),
    )
    action_category = forms.TypedChoiceField(
        label=_("Nature de l'action"),
        choices=ActionCategory.choices,
        initial=ActionCategory.TRAINING,
        required=False,
        empty_value=ActionCategory.TRAINING,
        help_text=_("Code du travail, art. L6313-1 : action de formation, bilan de compétences, VAE ou apprentissage."),
    )
    certification_kind = forms.ChoiceField(label=_("Certification"), choices=CertificationKind.choices)
    certification_code = forms.CharField(
        label=_("Code RNCP ou RS"), max_length=20, required=False, help_text=_("Par exemple RNCP35219 ou RS5142.")
    )
    rncp_level = forms.TypedChoiceField(
        label=_("Niveau RNCP"), choices=_blank_choice(RNCP_LEVELS), coerce=int, empty_value=None, required=False
    )
    certification_title = forms.CharField(
        label=_("Intitulé exact de la certification"),
        max_length=300,
        required=False,
        help_text=_("Tel qu'enregistré chez France compétences (Qualiopi, indicateur 1)."),
    )
    certifier = forms.CharField(label=_("Certificateur"), max_length=200, required=False)
    certification_blocks = forms.CharField(
        label=_("Blocs de compétences"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Les blocs et la possibilité de les valider séparément (Qualiopi, indicateur 3)."),
    )
    certification_equivalences = forms.CharField(
        label=_("Équivalences et passerelles"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    certification_outlets = forms.CharField(
        label=_("Débouchés et suites de parcours"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    certification_success_rate = forms.IntegerField(
        label=_("Taux d'obtention de la certification (%)"), min_value=0, max_value=100, required=False
    )
    certification_success_period = forms.CharField(
        label=_("Période du taux d'obtention"),
        max_length=100,
        required=False,
        help_text=_("Par exemple : « sessions 2025 »."),
    )
    certification_success_sample = forms.IntegerField(
        label=_("Nombre de candidat·es présenté·es"), min_value=0, required=False
    )
    nsf_code = forms.ChoiceField(label=_("Code NSF"), choices=_blank_choice(NSF_CHOICES), required=False)
    formacode = forms.CharField(label=_("Formacode"), max_length=5, required=False)
    bpf_objective = forms.ChoiceField(
        label=_("Objectif BPF (cadre F-3)"),
        choices=_blank_choice(BpfObjective.choices),
        required=False,
        help_text=_("Rempli automatiquement (a ou b) pour une certification RNCP ou RS."),
    )
    trainer_ids = forms.ModelMultipleChoiceField(
        label=_("Formateur·rices"),
        queryset=Trainer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les formateur·rices validé·es ou actif·ves de l'organisme."),
    )
    is_public = forms.BooleanField(
        label=_("Publiée au catalogue public (formation validée uniquement)"), required=False
    )

    def __init__(self, *args: Any, actor: Actor, training: Training | None = None, **kwargs: Any) -> None:
        if training is not None:
            kwargs["initial"] = {**self.initial_for(training), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.training = training
        current_trainers = [t.pk for t in training.trainers.all()] if training else []
        self.fields["trainer_ids"].queryset = selectors.trainer_choices(actor=actor, include_ids=current_trainers)
        self.fields["trainer_ids"].label_from_instance = lambda t: (
            f"{t.full_name} ({t.member_structure or t.get_employer_display()})"
        )
        structures = selectors.member_structure_choices(actor=actor)
        scope = actor_scope(actor)
        if scope.all or (scope.trainer_id is None and structures.count() > 1):
            if training is not None:  # the current structure stays selectable even if inactive
                structures = (structures | MemberStructure.objects.filter(pk=training.member_structure_id)).distinct()
            self.fields["member_structure_id"].queryset = structures
            self.fields["member_structure_id"].required = True
        else:
            # A trainer, or a manager of one structure: the structure is theirs (or the training's), not chosen.
            del self.fields["member_structure_id"]
        if training is None or training.status != TrainingStatus.VALIDATED:
            self.fields["is_public"].disabled = True
            self.fields["is_public"].help_text = _("Possible une fois le programme validé.")

    @staticmethod
    def initial_for(training: Training) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(training, name) for name in services.EDITABLE_FIELDS}
        initial["member_structure_id"] = training.member_structure_id
        initial["trainer_ids"] = [t.pk for t in training.trainers.all()]
        return initial

    def service_data(self) -> dict[str, Any]:
        """cleaned_data as the services' keyword arguments."""
        data = dict(self.cleaned_data)
        structure = data.pop("member_structure_id", None)
        data["member_structure_id"] = structure.pk if structure is not None else None
        data["trainer_ids"] = [t.pk for t in data.pop("trainer_ids", [])]
        if "is_public" in self.fields and self.fields["is_public"].disabled:
            data.pop("is_public", None)
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce qui doit être repris"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text=_("Ce commentaire est montré aux auteur·rices du programme."),
    )


YES_NO = [("", _("Toutes")), ("yes", _("Oui")), ("no", _("Non"))]


class TrainingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Intitulé, référence, NSF, Formacode")}),
    )
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("En cours (hors archivées)")), *TrainingStatus.choices]
    )
    member_structure = forms.ModelChoiceField(
        label=_("Structure membre"),
        queryset=MemberStructure.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    modality = forms.ChoiceField(label=_("Modalité"), required=False, choices=[("", _("Toutes")), *Modality.choices])
    certification_kind = forms.ChoiceField(
        label=_("Certification"), required=False, choices=[("", _("Toutes")), *CertificationKind.choices]
    )
    is_public = forms.ChoiceField(label=_("Publiée"), required=False, choices=YES_NO)
    mine = forms.BooleanField(label=_("Mes formations"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_structure"].queryset = selectors.member_structure_filter_choices(actor=actor)
        scope = actor_scope(actor)
        if not scope.all and len(scope.member_structure_ids) < 2:
            del self.fields["member_structure"]
        if scope.trainer_id is not None:
            self.fields["mine"].label = _("Celles que j'anime")
        else:
            self.fields["mine"].label = _("Celles que j'ai créées")

    def filters(self) -> dict[str, Any]:
        """The selector's filters (an invalid filter is ignored rather than failing the list)."""
        self.is_valid()
        data = self.cleaned_data
        structure = data.get("member_structure")
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "member_structure": structure.pk if structure else None,
            "modality": data.get("modality", ""),
            "certification_kind": data.get("certification_kind", ""),
            "is_public": {"yes": True, "no": False}.get(data.get("is_public") or ""),
            "mine": data.get("mine", False),
        }
