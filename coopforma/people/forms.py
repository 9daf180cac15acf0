# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms for people. They only parse what was typed; the services hold the rules (and their messages)."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import User
from coopforma.people import services
from coopforma.people.models import (
    Client,
    ClientKind,
    Contact,
    MemberKind,
    MemberStructure,
    OnboardingState,
    Trainee,
    Trainer,
    TrainerStatus,
)

CV_ACCEPT = ".pdf,.odt,.docx,application/pdf,application/vnd.oasis.opendocument.text," + (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


ALL = _("Tous")


def _with_blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", ALL), *choices]


class ServiceModelForm(forms.ModelForm):
    """A ModelForm whose data goes to a service: `service_data()` gives the typed values by field name.

    The model is not validated here: the service does it, so the web and the API share one set of rules and
    messages (shown next to the fields by `core.forms.add_service_errors`).
    """

    def _post_clean(self) -> None:
        return None

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                data[f"{name}_id"] = value.pk if value is not None else None
            elif isinstance(field, forms.FileField):
                # A new upload, or False when "clear" is ticked; the current file (unchanged) is left out.
                if isinstance(value, UploadedFile) or value is False:
                    data[name] = value
            else:
                data[name] = "" if value is None and isinstance(field, forms.CharField) else value
        return data


# --- Member structures -------------------------------------------------------------------------------------


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_with_blank(MemberKind.choices))


class MemberForm(ServiceModelForm):
    contribution_rate = forms.DecimalField(
        label=_("Taux de contribution à l'OF (%)"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_("Part du chiffre d'affaires formation conservée par l'OF, de 0 à 100 %."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    class Meta:
        model = MemberStructure
        fields = list(services.MEMBER_FIELDS)
        widgets = {
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "nda": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }


class ManagerAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Personne de l'organisme"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.get_full_name() or u.email} — {u.email}"  # type: ignore[attr-defined]


# --- Trainers ----------------------------------------------------------------------------------------------


class TrainerFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou e-mail"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    state = forms.ChoiceField(label=_("Parcours"), required=False, choices=_with_blank(OnboardingState.choices))
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=_with_blank(TrainerStatus.choices))
    member = forms.ModelChoiceField(
        label=_("Structure"), required=False, queryset=MemberStructure.objects.none(), empty_label=_("Toutes")
    )

    def __init__(self, *args: Any, members: QuerySet[MemberStructure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["member"] = data["member"].pk if data.get("member") else None
        return data


class TrainerForm(ServiceModelForm):
    """The whole profile (admin, quality, the manager of the trainer's structure)."""

    member_structure = forms.ModelChoiceField(
        label=_("Structure membre"),
        queryset=MemberStructure.objects.none(),
        required=False,
        empty_label=_("Aucune (sous-traitant·e externe)"),
        help_text=_("Aucune seulement pour un·e sous-traitant·e externe, qui n'appartient à aucune structure membre."),
    )

    class Meta:
        model = Trainer
        fields = [
            "member_structure",
            "first_name",
            "last_name",
            "email",
            "phone",
            "status",
            "employer",
            "siret",
            "nda",
            "specialities",
            "qualifications",
            "cv",
        ]
        widgets = {
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "nda": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "cv": forms.ClearableFileInput(attrs={"accept": CV_ACCEPT}),
        }
        help_texts = {
            "siret": _("Obligatoire pour un·e sous-traitant·e externe."),
            "nda": _("Si le ou la sous-traitant·e en a un : 11 chiffres."),
            "cv": _("PDF, ODT ou DOCX, 5 Mo au plus."),
        }

    def __init__(self, *args: Any, members: QuerySet[MemberStructure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_structure"].queryset = members  # type: ignore[attr-defined]
        # Left empty: the service keeps the current value, or derives it from the status on creation.
        self.fields["employer"].required = False

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if not data.get("employer"):
            data.pop("employer", None)
        return data


class TrainerSelfForm(ServiceModelForm):
    """What trainers change on their own profile."""

    class Meta:
        model = Trainer
        fields = ["phone", "specialities", "qualifications", "cv"]
        widgets = {"cv": forms.ClearableFileInput(attrs={"accept": CV_ACCEPT})}
        help_texts = {"cv": _("PDF, ODT ou DOCX, 5 Mo au plus.")}

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class TrainerDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Décision du comité ou motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour valider (décision du comité), refuser ou suspendre."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices  # type: ignore[attr-defined]


# --- Clients and contacts ----------------------------------------------------------------------------------


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, SIRET ou ville"), required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_with_blank(ClientKind.choices))


class ClientForm(ServiceModelForm):
    member_structure = forms.ModelChoiceField(
        label=_("Structure membre référente"),
        queryset=MemberStructure.objects.none(),
        required=False,
        empty_label=_("— Client suivi par l'OF —"),
    )

    class Meta:
        model = Client
        fields = [
            "kind",
            "name",
            "member_structure",
            "siret",
            "nda",
            "opco",
            "street",
            "postal_code",
            "city",
            "email",
            "phone",
            "notes",
        ]
        widgets = {
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "nda": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "siret": _(
                "Obligatoire pour une entreprise, un organisme public ou un organisme de formation ; "
                "vide pour un particulier."
            ),
            "nda": _("Pour un organisme de formation : 11 chiffres."),
        }

    def __init__(self, *args: Any, members: QuerySet[MemberStructure] | None, **kwargs: Any) -> None:
        """`members`: the structures the actor may choose; None when the structure is not theirs to choose."""
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member_structure"]
        else:
            self.fields["member_structure"].queryset = members  # type: ignore[attr-defined]


class ContactForm(ServiceModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "job_title", "email", "phone", "is_signatory"]


# --- Trainees ----------------------------------------------------------------------------------------------


class TraineeFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou e-mail"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    client = forms.ModelChoiceField(
        label=_("Client"), required=False, queryset=Client.objects.none(), empty_label=_("Tous")
    )

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["client"] = data["client"].pk if data.get("client") else None
        return data


class TraineeForm(ServiceModelForm):
    client = forms.ModelChoiceField(
        label=_("Client (employeur ou payeur)"),
        queryset=Client.objects.none(),
        required=False,
        empty_label=_("— Aucun —"),
    )

    class Meta:
        model = Trainee
        fields = ["first_name", "last_name", "email", "phone", "client", "job_title", "adaptation_needs"]
        widgets = {"adaptation_needs": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, clients: QuerySet[Client], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
