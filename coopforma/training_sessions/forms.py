# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms for sessions: they parse what the user typed; the services hold the rules."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.actor import Actor
from coopforma.catalogue.models import Modality, TrainingStatus
from coopforma.core.forms import MoneyField, date_input
from coopforma.core.hours import hours_to_minutes, minutes_to_hours
from coopforma.people.models import Contact, Trainee, Trainer
from coopforma.people.selectors import client_queryset, trainee_queryset
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    BpfTraineeType,
    EnrolmentStatus,
    FundingBasis,
    FundingScheme,
    ParticipantStatus,
    PayerKind,
    Place,
    Session,
    SessionStatus,
)
from coopforma.training_sessions.services import TRANSITIONS, default_bpf_type, local_datetime

DATE_WIDGET = date_input()
TIME_WIDGET = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
PERIOD_CHOICES = [
    ("both", _("Journée entière (09:00–12:30 et 13:30–17:00)")),
    ("am", _("Matin (09:00–12:30)")),
    ("pm", _("Après-midi (13:30–17:00)")),
]


def with_initial(kwargs: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The record's values, overridden by any initial data the view passes (FormView always passes a dict)."""
    return {**values, **(kwargs.get("initial") or {})}


class HoursField(forms.CharField):
    """Typed in hours ('7', '7,5'), cleaned to integer minutes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "7,5"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return str(minutes_to_hours(value)).replace(".", ",")
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        text = str(value).strip().lower().replace("h", "").replace(" ", "").replace(",", ".")
        try:
            minutes = hours_to_minutes(Decimal(text))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(
                _("Durée invalide : « %(value)s ». Écrivez un nombre d'heures, par exemple 7 ou 7,5."),
                code="hours_format",
                params={"value": value},
            ) from exc
        if minutes < 0:
            raise ValidationError(_("La durée ne peut pas être négative."), code="hours_negative")
        return minutes


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Trainer) -> str:
        return f"{obj.full_name} ({obj.member_structure.name if obj.member_structure else obj.get_employer_display()})"


def _trainer_queryset(actor: Actor, session: Session | None = None) -> Any:
    """Trainers who may deliver, plus (when editing a session) those already on it."""
    deliverable = Q(pk__in=selectors.deliverable_trainers(actor).values("pk"))
    if session is not None:
        deliverable |= Q(pk__in=session.trainers.values("pk"))
    return Trainer.objects.filter(deliverable).select_related("member_structure").order_by("last_name", "first_name")


class SessionCreateForm(forms.Form):
    training = forms.ModelChoiceField(queryset=None, label=_("Formation"), empty_label=_("— choisissez —"))
    title = forms.CharField(
        label=_("Intitulé de la session"),
        max_length=200,
        required=False,
        help_text=_("Laissé vide : l'intitulé de la formation."),
    )
    status = forms.ChoiceField(
        label=_("État"),
        choices=[
            (SessionStatus.DRAFT, SessionStatus.DRAFT.label),
            (SessionStatus.CONFIRMED, SessionStatus.CONFIRMED.label),
        ],
        initial=SessionStatus.DRAFT,
    )
    min_capacity = forms.IntegerField(label=_("Effectif minimum"), min_value=0, initial=1)
    max_capacity = forms.IntegerField(label=_("Effectif maximum"), min_value=1, initial=12)
    place = forms.ModelChoiceField(queryset=None, label=_("Lieu principal"), required=False)
    remote_url = forms.URLField(label=_("Lien de connexion (distanciel)"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(label=_("Visible dans l'agenda public"), required=False)
    notes = forms.CharField(label=_("Notes internes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    first_date = forms.DateField(
        label=_("Premier jour (facultatif)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Pour créer tout de suite les premiers créneaux, aux horaires habituels."),
    )
    first_period = forms.ChoiceField(
        label=_("Créneaux de ce jour"), choices=PERIOD_CHOICES, initial="both", required=False
    )
    days = forms.IntegerField(
        label=_("Nombre de jours consécutifs"),
        min_value=1,
        max_value=20,
        initial=1,
        required=False,
        help_text=_("Jours ouvrés à la suite (samedis et dimanches sautés)."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a validated programme makes a session (the service says why for any other).
        self.fields["training"].queryset = (
            selectors.training_queryset_for(actor).filter(status=TrainingStatus.VALIDATED).order_by("title")
        )
        self.fields["place"].queryset = selectors.place_queryset_for(actor)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        place = data.get("place")
        return {
            "training_id": data["training"].pk,
            "title": data.get("title") or "",
            "status": data["status"],
            "min_capacity": data["min_capacity"],
            "max_capacity": data["max_capacity"],
            "place_id": place.pk if place else None,
            "remote_url": data.get("remote_url") or "",
            "is_public": data.get("is_public") or False,
            "notes": data.get("notes") or "",
            "first_date": data.get("first_date"),
            "first_period": (data.get("first_period") or "both") if data.get("first_date") else "",
            "days": data.get("days") or 1,
        }


class SessionEditForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de la session"), max_length=200)
    min_capacity = forms.IntegerField(label=_("Effectif minimum"), min_value=0)
    max_capacity = forms.IntegerField(label=_("Effectif maximum"), min_value=1)
    place = forms.ModelChoiceField(queryset=None, label=_("Lieu principal"), required=False)
    remote_url = forms.URLField(label=_("Lien de connexion (distanciel)"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(label=_("Visible dans l'agenda public"), required=False)
    subcontracted_out = forms.BooleanField(
        label=_("Réalisée par un autre OF (sous-traitance confiée, BPF F-2)"), required=False
    )
    subcontractor_name = forms.CharField(label=_("Organisme sous-traitant"), max_length=200, required=False)
    subcontractor_siret = forms.CharField(label=_("SIRET du sous-traitant"), max_length=20, required=False)
    subcontractor_nda = forms.CharField(label=_("NDA du sous-traitant"), max_length=14, required=False)
    trainers = TrainerChoiceField(
        queryset=None, label=_("Formateur·rices"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes internes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: Actor, session: Session, **kwargs: Any) -> None:
        kwargs["initial"] = with_initial(
            kwargs,
            {
                "title": session.title,
                "min_capacity": session.min_capacity,
                "max_capacity": session.max_capacity,
                "place": session.place_id,
                "remote_url": session.remote_url,
                "is_public": session.is_public,
                "subcontracted_out": session.subcontracted_out,
                "subcontractor_name": session.subcontractor_name,
                "subcontractor_siret": session.subcontractor_siret,
                "subcontractor_nda": session.subcontractor_nda,
                "trainers": [t.pk for t in session.trainers.all()],
                "notes": session.notes,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = selectors.place_queryset_for(actor)
        self.fields["trainers"].queryset = _trainer_queryset(actor, session)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        place = data.get("place")
        return {
            "title": data["title"],
            "min_capacity": data["min_capacity"],
            "max_capacity": data["max_capacity"],
            "place_id": place.pk if place else None,
            "remote_url": data.get("remote_url") or "",
            "is_public": data.get("is_public") or False,
            "subcontracted_out": data.get("subcontracted_out") or False,
            "subcontractor_name": data.get("subcontractor_name") or "",
            "subcontractor_siret": data.get("subcontractor_siret") or "",
            "subcontractor_nda": data.get("subcontractor_nda") or "",
            "notes": data.get("notes") or "",
            "trainer_ids": [t.pk for t in data.get("trainers") or []],
        }


class ProgrammeForm(forms.Form):
    objectives = forms.CharField(
        label=_("Objectifs opérationnels et évaluables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Un objectif par ligne, avec un verbe d'action (« être capable de … »)."),
    )
    audience = forms.CharField(label=_("Public visé"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    prerequisites = forms.CharField(label=_("Prérequis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("Contenu (déroulé)"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    methods = forms.CharField(
        label=_("Méthodes pédagogiques et moyens"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evaluation_methods = forms.CharField(
        label=_("Modalités d'évaluation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    accessibility = forms.CharField(
        label=_("Accessibilité aux personnes en situation de handicap"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    duration_minutes = HoursField(label=_("Durée (heures)"), required=False)
    modality = forms.ChoiceField(label=_("Modalité"), choices=Modality.choices)

    def __init__(self, *args: Any, programme: dict[str, Any], **kwargs: Any) -> None:
        initial = {key: programme.get(key) for key in self.base_fields}
        initial["objectives"] = "\n".join(programme.get("objectives") or [])
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def programme(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["objectives"] = (data.get("objectives") or "").splitlines()
        data["duration_minutes"] = data.get("duration_minutes") or 0
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouvel état"), choices=())
    reason = forms.CharField(
        label=_("Motif (obligatoire pour une annulation)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cancel_enrolments = forms.BooleanField(
        label=_("Annuler aussi les inscriptions et les participant·es de la session"), required=False
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, SessionStatus(s).label) for s in TRANSITIONS.get(session.status, ())]


class SlotForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    starts_at = forms.TimeField(label=_("Heure de début"), widget=TIME_WIDGET, initial=dt.time(9, 0))
    ends_at = forms.TimeField(label=_("Heure de fin"), widget=TIME_WIDGET, initial=dt.time(12, 30))
    place = forms.ModelChoiceField(queryset=None, label=_("Lieu"), required=False)
    remote_url = forms.URLField(label=_("Lien de connexion (distanciel)"), required=False, assume_scheme="https")
    trainers = TrainerChoiceField(
        queryset=None, label=_("Formateur·rices"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, actor: Actor, session: Session, slot: Any = None, **kwargs: Any) -> None:
        if slot is not None:
            start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
            initial = {
                "date": start.date(),
                "starts_at": start.time(),
                "ends_at": end.time(),
                "place": slot.place_id,
                "remote_url": slot.remote_url,
                "trainers": [t.pk for t in slot.trainers.all()],
            }
        else:
            initial = {
                "place": session.place_id,
                "remote_url": session.remote_url,
                "trainers": [t.pk for t in session.trainers.all() if t.can_deliver],
            }
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = selectors.place_queryset_for(actor)
        self.fields["trainers"].queryset = _trainer_queryset(actor)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        place = data.get("place")
        return {
            "starts_at": local_datetime(data["date"], data["starts_at"]),
            "ends_at": local_datetime(data["date"], data["ends_at"]),
            "place_id": place.pk if place else None,
            "remote_url": data.get("remote_url") or "",
            "trainer_ids": [t.pk for t in data.get("trainers") or []],
        }


class AddDayForm(forms.Form):
    date = forms.DateField(label=_("Jour à ajouter"), widget=DATE_WIDGET)
    period = forms.ChoiceField(label=_("Créneaux"), choices=PERIOD_CHOICES, initial="both")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj} ({obj.client.name})"


class EnrolmentForm(forms.Form):
    client = forms.ModelChoiceField(queryset=None, label=_("Client"), empty_label=_("— choisissez —"))
    contact = ContactChoiceField(queryset=None, label=_("Contact chez le client"), required=False)
    price_cents = MoneyField(label=_("Prix HT (€)"), required=False)
    status = forms.ChoiceField(
        label=_("État"),
        choices=[(s, EnrolmentStatus(s).label) for s in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.PROVISIONAL)],
    )
    entrusted_trainees = forms.IntegerField(
        label=_("Nombre de stagiaires confiés"),
        min_value=0,
        required=False,
        help_text=_("Seulement quand le client est un autre organisme de formation (nous sommes son sous-traitant)."),
    )
    entrusted_minutes = HoursField(
        label=_("Heures-stagiaires confiées"),
        required=False,
        help_text=_("Total des heures suivies par les stagiaires confiés (ex. : 5 stagiaires × 14 h = 70)."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: Actor, enrolment: Any = None, **kwargs: Any) -> None:
        self.enrolment = enrolment
        if enrolment is not None:
            kwargs["initial"] = with_initial(
                kwargs,
                {
                    "contact": enrolment.contact_id,
                    "price_cents": enrolment.price_cents,
                    "status": enrolment.status,
                    "entrusted_trainees": enrolment.entrusted_trainees,
                    "entrusted_minutes": enrolment.entrusted_minutes,
                    "notes": enrolment.notes,
                },
            )
        super().__init__(*args, **kwargs)
        clients = client_queryset(actor=actor)
        if enrolment is not None:
            del self.fields["client"]
            self.fields["status"].choices = EnrolmentStatus.choices
            self.fields["contact"].queryset = Contact.objects.filter(client_id=enrolment.client_id).select_related(
                "client"
            )
        else:
            self.fields["client"].queryset = clients.order_by("name")
            self.fields["contact"].queryset = (
                Contact.objects.filter(client__in=clients)
                .select_related("client")
                .order_by("client__name", "last_name")
            )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        contact = data.get("contact")
        kwargs = {
            "contact_id": contact.pk if contact else None,
            "price_cents": data.get("price_cents") or 0,
            "status": data["status"],
            "entrusted_trainees": data.get("entrusted_trainees") or 0,
            "entrusted_minutes": data.get("entrusted_minutes") or 0,
            "notes": data.get("notes") or "",
        }
        if self.enrolment is None:
            kwargs["client_id"] = data["client"].pk
        return kwargs


class FundingLineForm(forms.Form):
    payer_kind = forms.ChoiceField(label=_("Payeur"), choices=[("", _("— choisissez —")), *PayerKind.choices])
    payer_name = forms.CharField(
        label=_("Nom du payeur"),
        max_length=200,
        required=False,
        help_text=_("Ex. : AKTO, Uniformation, Région Bretagne"),
    )
    scheme = forms.ChoiceField(
        label=_("Dispositif"),
        choices=[("", _("— sans objet —")), *FundingScheme.choices],
        required=False,
        help_text=_("Obligatoire pour un OPCO ; possible pour le CPF ; sans objet pour les autres payeurs."),
    )
    amount_cents = MoneyField(label=_("Montant HT (€)"))
    reference = forms.CharField(
        label=_("Référence (n° de prise en charge, dossier CPF…)"), max_length=100, required=False
    )
    basis = forms.ChoiceField(
        label=_("Base de facturation (selon la convention)"),
        choices=FundingBasis.choices,
        initial=FundingBasis.FLAT,
        required=False,  # empty: flat (the service's default)
        help_text=_(
            "Aux heures réalisées, la facture suit les heures émargées : les heures non réalisées ne sont pas dues "
            "(Code du travail, art. L6354-1)."
        ),
    )
    hourly_rate_cents = MoneyField(
        label=_("Taux horaire HT par stagiaire (€)"),
        required=False,
        help_text=_("Facultatif : à défaut, le montant divisé par les heures-stagiaires prévues."),
    )
    dropout_fee_percent = forms.IntegerField(
        label=_("Dédit en cas d'abandon (% des heures non réalisées)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Seulement avec la base « heures réalisées, plus le dédit de la convention »."),
    )

    def __init__(self, *args: Any, line: Any = None, **kwargs: Any) -> None:
        if line is not None:
            kwargs["initial"] = with_initial(
                kwargs,
                {
                    "payer_kind": line.payer_kind,
                    "payer_name": line.payer_name,
                    "scheme": line.scheme,
                    "amount_cents": line.amount_cents,
                    "reference": line.reference,
                    "basis": line.basis,
                    "hourly_rate_cents": line.hourly_rate_cents,
                    "dropout_fee_percent": line.dropout_fee_percent,
                },
            )
        super().__init__(*args, **kwargs)


class TraineeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Trainee) -> str:
        client = f" — {obj.client.name}" if obj.client_id else ""
        email = f" <{obj.email}>" if obj.email else ""
        return f"{obj.last_name.upper()} {obj.first_name}{email}{client}"


class ParticipantForm(forms.Form):
    enrolment = forms.ModelChoiceField(queryset=None, label=_("Inscrit·e par le client"), empty_label=None)
    trainee = TraineeChoiceField(
        queryset=None,
        label=_("Stagiaire existant·e"),
        required=False,
        empty_label=_("— nouveau ou nouvelle stagiaire —"),
    )
    first_name = forms.CharField(label=_("Prénom (nouveau ou nouvelle stagiaire)"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom (nouveau ou nouvelle stagiaire)"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail (nouveau ou nouvelle stagiaire)"), required=False)
    bpf_trainee_type = forms.ChoiceField(
        label=_("Type de stagiaire (BPF, cadre F-1)"),
        choices=[("", _("— d'après le client —")), *BpfTraineeType.choices],
        required=False,
        help_text=_(
            "Laissé vide : d'après le type de client (entreprise : a, particulier : d, organisme public : e) ; "
            "aucun pour les stagiaires qu'un autre organisme de formation vous confie (cadre G)."
        ),
    )
    status = forms.ChoiceField(label=_("État"), choices=ParticipantStatus.choices, initial=ParticipantStatus.REGISTERED)

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        session: Session,
        enrolments: list[Any],
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [e.pk for e in enrolments]
        self.fields["enrolment"].queryset = session.enrolments.filter(pk__in=ids).select_related("client")
        self.fields["enrolment"].label_from_instance = lambda e: str(e.client)
        taken = session.participants.values("trainee_id")
        visible = trainee_queryset(actor=actor).select_related("client")
        if self.is_bound:
            # Validate against everything the actor may choose.
            self.fields["trainee"].queryset = visible
        else:
            clients = [e.client_id for e in enrolments]
            shown = visible.exclude(pk__in=taken)
            if search:
                shown = shown.filter(
                    Q(last_name__icontains=search) | Q(first_name__icontains=search) | Q(email__icontains=search)
                )
            else:
                shown = shown.filter(client_id__in=clients)
            self.fields["trainee"].queryset = shown.order_by("last_name", "first_name")[:200]
        selected = self.initial.get("enrolment")
        chosen = next((e for e in enrolments if e.pk == selected), enrolments[0] if enrolments else None)
        if chosen is not None and "bpf_trainee_type" not in self.initial:
            self.initial["bpf_trainee_type"] = default_bpf_type(chosen.client.kind)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("trainee") and (data.get("first_name") or data.get("last_name")):
            self.add_error(
                "trainee",
                _("Choisissez un·e stagiaire existant·e ou saisissez un·e nouveau·elle, pas les deux."),
            )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        trainee = data.get("trainee")
        return {
            "enrolment_id": data["enrolment"].pk,
            "trainee_id": trainee.pk if trainee else None,
            "new_trainee": None
            if trainee
            else {"first_name": data.get("first_name"), "last_name": data.get("last_name"), "email": data.get("email")},
            "bpf_trainee_type": data["bpf_trainee_type"],
            "status": data["status"],
        }


class ParticipantEditForm(forms.Form):
    bpf_trainee_type = forms.ChoiceField(label=_("Type de stagiaire (BPF, cadre F-1)"), choices=BpfTraineeType.choices)
    status = forms.ChoiceField(label=_("État"), choices=ParticipantStatus.choices)


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["name", "street", "postal_code", "city", "access_notes", "accessibility", "capacity"]
        widgets = {
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "access_notes": forms.Textarea(attrs={"rows": 3}),
        }


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("État"), choices=[("", _("Tous")), *SessionStatus.choices], required=False)
    year = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    member_structure = forms.ModelChoiceField(
        queryset=None, label=_("Structure membre"), required=False, empty_label=_("Toutes")
    )
    trainer = forms.ModelChoiceField(queryset=None, label=_("Formateur·rice"), required=False, empty_label=_("Tous"))
    audience = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("inter", _("Inter")),
            ("intra", _("Intra")),
            ("subcontracted", _("Sous-traitance")),
            ("mixed", _("Inter et sous-traitance")),
        ],
    )
    upcoming = forms.BooleanField(label=_("À venir ou en cours"), required=False)
    to_close = forms.BooleanField(label=_("Terminées mais pas clôturées"), required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_structure"].queryset = selectors.member_structures_for(actor)
        self.fields["trainer"].queryset = selectors.deliverable_trainers(actor).order_by("last_name", "first_name")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "", False)}


class CalendarFilterForm(SessionFilterForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("q", "status", "year", "audience", "upcoming", "to_close"):
            del self.fields[name]


class SessionEmailForm(forms.Form):
    """A free e-mail to the session's people (the service checks the rules and counts the addresses)."""

    GROUP_CHOICES = [
        ("trainees", _("Les stagiaires")),
        ("contacts", _("Les contacts des clients")),
        ("trainers", _("Les formateur·rices")),
    ]

    groups = forms.MultipleChoiceField(
        label=_("Destinataires"), choices=GROUP_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    subject = forms.CharField(label=_("Objet"), max_length=200, required=False)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
