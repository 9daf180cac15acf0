# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms: the questionnaire builder, the published indicators, the results filters, and the answer fields
built from a survey's snapshot (the same for the phone page and the trainer's skills assessment)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopforma.evaluations.models import Measure, PublishedIndicator, Question, Questionnaire, QuestionType, Survey
from coopforma.evaluations.selectors import GROUPINGS, PUBLISHABLE
from coopforma.evaluations.services import QUESTION_FIELDS, QUESTIONNAIRE_FIELDS


def _options(question: dict[str, Any]) -> list[tuple[str, str]]:
    qtype = question["type"]
    if qtype in (QuestionType.SCALE, QuestionType.OBJECTIVES):
        return [(str(v), str(v)) for v in range(1, question["scale_max"] + 1)]
    if qtype == QuestionType.YES_NO:
        return [("1", _("Oui")), ("0", _("Non"))]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [(str(i), label) for i, label in enumerate(question["choices"])]
    return []


def answer_fields(survey: Survey, data: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """What the template renders for each question of the snapshot, with the posted values kept."""
    data = data or {}
    getlist = data.getlist if hasattr(data, "getlist") else (lambda k: [])
    fields = []
    for question in survey.snapshot.get("questions", []):
        name = f"q{question['id']}"
        options = _options(question)
        field: dict[str, Any] = {
            "name": name,
            "type": question["type"],
            "label": question["label"],
            "help": question.get("help_text", ""),
            "required": question["required"],
            "error": errors.get(name, ""),
            "value": data.get(name, ""),
            "options": [
                (v, label, v in getlist(name) if question["type"] == "multiple" else v == data.get(name))
                for v, label in options
            ],
        }
        if question["type"] == QuestionType.OBJECTIVES:
            field["rows"] = [
                {
                    "name": f"{name}_{i}",
                    "label": objective,
                    "error": errors.get(f"{name}_{i}", ""),
                    "options": [(v, label, v == data.get(f"{name}_{i}")) for v, label in options],
                }
                for i, objective in enumerate(survey.snapshot.get("objectives", []))
            ]
        fields.append(field)
    return fields


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = list(QUESTIONNAIRE_FIELDS)


class QuestionnaireCreateForm(QuestionnaireForm):
    class Meta(QuestionnaireForm.Meta):
        fields = ["kind", "respondent", *QuestionnaireForm.Meta.fields]


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=gettext_lazy("Choix (un par ligne)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    measure = forms.ChoiceField(label=gettext_lazy("Mesure"), choices=Measure.choices, required=False)

    class Meta:
        model = Question
        fields = list(QUESTION_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["choices"] = "\n".join(self.instance.choices)

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class IndicatorForm(forms.ModelForm):
    measure = forms.ChoiceField(label=gettext_lazy("Indicateur"), choices=list(PUBLISHABLE.items()))

    class Meta:
        model = PublishedIndicator
        fields = ["measure", "training", "per_training", "period_months", "min_sample", "is_active"]

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = self.fields["training"].queryset.filter(organisation=organisation)
        self.fields["training"].required = False

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ResultsFilterForm(forms.Form):
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    training = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Formation"))
    trainer = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Formateur·rice"))
    member_structure = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Structure membre"))
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=gettext_lazy("Année"))
    by = forms.ChoiceField(choices=list(GROUPINGS.items()), required=False, label=gettext_lazy("Regrouper par"))

    def __init__(self, *args: Any, trainings: Any, trainers: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = trainings
        self.fields["trainer"].queryset = trainers
        self.fields["member_structure"].queryset = members
