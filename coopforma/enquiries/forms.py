# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public request forms (no login) and the back office's filters, status and conversion forms."""

from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.core.identifiers import validate_siret
from coopforma.enquiries.models import EnquiryKind, EnquiryStatus, FundingHint, RequesterKind
from coopforma.enquiries.services import PUBLIC_FIELDS
from coopforma.training_sessions.models import Session

# Anti-spam without a third party: a field people never see (HONEYPOT), and a signed instant the form was shown
# at (`started`): a form sent sooner than MIN_FILL_SECONDS after, or with an instant older than a day or forged,
# is refused with a French sentence and nothing is written.
HONEYPOT = "website"
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 24 * 60 * 60
_SALT = "coopforma.enquiries.form-started"


def started_token() -> str:
    return signing.dumps(int(timezone.now().timestamp()), salt=_SALT)


def _with_blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Tous")), *choices]


class PublicEnquiryForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label=_("Vous demandez"),
        choices=RequesterKind.choices,
        initial=RequesterKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    company_name = forms.CharField(
        label=_("Entreprise ou organisme"),
        max_length=200,
        required=False,
        help_text=_("Si vous demandez pour une structure."),
    )
    company_siret = forms.CharField(
        label=_("SIRET de la structure"),
        max_length=20,
        required=False,
        validators=[validate_siret],
        help_text=_("Facultatif : 14 chiffres."),
    )
    funding_hint = forms.ChoiceField(label=_("Financement envisagé"), choices=FundingHint.choices, required=False)
    message = forms.CharField(
        label=_("Votre message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Vos questions, vos besoins d'adaptation (handicap, horaires…)."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mes données servent à traiter ma demande et à me recontacter à son sujet, comme "
            "l'explique la notice de confidentialité."
        ),
        required=False,  # the service refuses without it, in French (one rule, one place)
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_started(self) -> str:
        value = str(self.cleaned_data.get("started") or "")
        try:
            shown_at = signing.loads(value, salt=_SALT, max_age=MAX_FILL_SECONDS)
        except signing.BadSignature:
            raise forms.ValidationError(
                _("Le formulaire a expiré : rechargez la page, puis envoyez votre demande de nouveau.")
            ) from None
        if timezone.now().timestamp() - int(shown_at) < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Le formulaire a été envoyé trop vite : relisez-le, puis envoyez-le de nouveau.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A hidden field's error has no place on the page: it goes at the top.
        if "started" in self.errors:
            for error in self.errors.pop("started"):
                self.add_error(None, error)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data.get(key) or ""
            for key in (
                "requester_kind",
                "first_name",
                "last_name",
                "email",
                "phone",
                "company_name",
                "company_siret",
                "funding_hint",
                "message",
            )
        }


class PublicEnrolmentForm(PublicEnquiryForm):
    field_order = [
        "requester_kind",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company_name",
        "company_siret",
        "funding_hint",
        "message",
        "consent",
    ]


class PublicQuoteForm(PublicEnquiryForm):
    people_count = forms.IntegerField(label=_("Nombre de personnes à former"), min_value=1, max_value=500, initial=1)
    wished_period = forms.CharField(
        label=_("Période souhaitée"), max_length=200, required=False, help_text=_("Ex. : printemps 2027, en mars.")
    )
    wished_place = forms.CharField(
        label=_("Lieu souhaité"),
        max_length=200,
        required=False,
        help_text=_("Vos locaux, une ville, à distance…"),
    )
    field_order = [*PUBLIC_FIELDS, "consent"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data.update(
            people_count=self.cleaned_data.get("people_count") or 1,
            wished_period=self.cleaned_data.get("wished_period") or "",
            wished_place=self.cleaned_data.get("wished_place") or "",
        )
        return data


# --- The back office -----------------------------------------------------------------------------------------


class EnquiryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, e-mail, structure ou formation"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("État"), required=False, choices=_with_blank(EnquiryStatus.choices))
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_with_blank(EnquiryKind.choices))


class EnquiryStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Nouvel état"),
        choices=[(value, label) for value, label in EnquiryStatus.choices if value != EnquiryStatus.CONVERTED],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gardée dans l'historique de la demande (ex. : rappelée le 12, attend l'accord de l'OPCO)."),
    )


class EnquiryConvertForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False, empty_label=_("— Choisissez —")
    )
    confirm_full = forms.BooleanField(
        label=_("Inscrire quand même si la session est complète (pré-inscription sans place réservée)"),
        required=False,
    )

    def __init__(self, *args: Any, sessions: list[Session] | None = None, with_session: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not with_session:
            del self.fields["session"]
            del self.fields["confirm_full"]
            return
        ids = [s.pk for s in sessions or []]
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Session.objects.filter(pk__in=ids).order_by("start_date", "pk")
