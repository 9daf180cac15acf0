# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the quality app (they parse; the services validate and save)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import User
from coopforma.core.forms import date_input
from coopforma.people.models import MemberStructure, Trainer, TrainerStatus
from coopforma.quality.indicators import NUMBER_CHOICES, SUBCONTRACTOR_PER_CONTRACT
from coopforma.quality.models import (
    Audit,
    Complaint,
    Evidence,
    ImprovementAction,
    NonConformity,
    QualitySettings,
    SubcontractorCheck,
    WatchEntry,
)
from coopforma.training_sessions.models import Participant
from coopforma.training_sessions.selectors import session_queryset_for

DATE = date_input()


class DetectSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("Détecter d'après les enregistrements")),
            ("true", _("Oui")),
            ("false", _("Non")),
        ]


class SettingsForm(forms.ModelForm):
    principal_keeps = forms.TypedMultipleChoiceField(
        label=_("Indicateurs que le contrat de sous-traitance laisse au donneur d'ordre"),
        choices=[c for c in NUMBER_CHOICES if c[0] in SUBCONTRACTOR_PER_CONTRACT],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=QualitySettings._meta.get_field("principal_keeps").help_text,
    )

    class Meta:
        model = QualitySettings
        fields = [
            "certifying",
            "alternance",
            "work_based",
            "subcontracting",
            "acts_as_subcontractor",
            "principal_keeps",
            "new_entrant",
        ]
        widgets = {
            name: DetectSelect()
            for name in ["certifying", "alternance", "work_based", "subcontracting", "acts_as_subcontractor"]
        }


def _indicators_field(required: bool = True) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=_("Indicateurs"),
        choices=NUMBER_CHOICES,
        coerce=int,
        required=required,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class EvidenceForm(forms.ModelForm):
    indicators = _indicators_field()

    class Meta:
        model = Evidence
        fields = ["title", "indicators", "covers", "dated", "note", "file", "member_structure"]
        widgets = {"dated": DATE}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_structure"].queryset = MemberStructure.objects.filter(organisation=actor.organisation)


class ComplaintReportForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["kind", "received_on", "source", "description", "session"]
        widgets = {"received_on": DATE}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = session_queryset_for(actor).order_by("-start_date")


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = [
            "kind",
            "received_on",
            "source",
            "description",
            "session",
            "participant",
            "member_structure",
            "acknowledged_on",
            "analysis",
            "answered_on",
            "answer",
            "closed_on",
        ]
        widgets = dict.fromkeys(["received_on", "acknowledged_on", "answered_on", "closed_on"], DATE)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = session_queryset_for(actor).order_by("-start_date")
        session_id = self.instance.session_id
        self.fields["participant"].queryset = Participant.objects.filter(
            organisation=actor.organisation, session_id=session_id
        ).select_related("trainee", "session")
        self.fields["participant"].help_text = _(
            "Les stagiaires de la session choisie (enregistrez la session d'abord)."
        )
        self.fields["member_structure"].queryset = MemberStructure.objects.filter(organisation=actor.organisation)


class ImprovementForm(forms.ModelForm):
    indicators = _indicators_field(required=False)

    class Meta:
        model = ImprovementAction
        fields = ["source", "complaint", "cause", "action", "owner", "due_on", "done_on", "effect", "indicators"]
        widgets = {"due_on": DATE, "done_on": DATE}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaint"].queryset = Complaint.objects.filter(organisation=actor.organisation)
        self.fields["owner"].queryset = User.objects.filter(
            memberships__organisation=actor.organisation, memberships__is_active=True
        ).order_by("last_name", "first_name")


class WatchForm(forms.ModelForm):
    class Meta:
        model = WatchEntry
        fields = ["indicator", "seen_on", "source", "summary", "practice_change"]
        widgets = {"seen_on": DATE}


class CheckForm(forms.ModelForm):
    class Meta:
        model = SubcontractorCheck
        fields = [
            "trainer",
            "checked_on",
            "contract_signed",
            "nda_checked",
            "qualiopi_checked",
            "notes",
            "next_check_on",
        ]
        widgets = {"checked_on": DATE, "next_check_on": DATE}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = Trainer.objects.filter(
            organisation=actor.organisation, status=TrainerStatus.SUBCONTRACTOR
        )


class AuditForm(forms.ModelForm):
    class Meta:
        model = Audit
        fields = ["kind", "planned_on", "done_on", "certifier", "auditor", "remote", "report", "notes"]
        widgets = {"planned_on": DATE, "done_on": DATE}


class NonConformityForm(forms.ModelForm):
    class Meta:
        model = NonConformity
        fields = ["indicator", "severity", "description", "action_plan"]


class NonConformityCloseForm(forms.ModelForm):
    class Meta:
        model = NonConformity
        fields = ["action_plan", "closed_on", "closure_note", "closure_proof"]
        widgets = {"closed_on": DATE}


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=DATE)
    end = forms.DateField(label=_("Au"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la période précède son début."))
        return data
