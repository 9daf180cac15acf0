# SPDX-License-Identifier: AGPL-3.0-or-later
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_VERIFY_UPLOAD = 20 * 1024 * 1024


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"), max_length=12, help_text=_("Imprimé en bas du document (10 caractères).")
    )


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier PDF reçu"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_UPLOAD:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        return upload


MAX_CREDENTIAL_UPLOAD = 200 * 1024  # a credential is a few kilobytes


class VerifyCredentialForm(forms.Form):
    """A verifiable credential (Open Badges 3.0) pasted, or its file (.jwt or .json)."""

    credential = forms.CharField(
        label=_("Attestation numérique (JWT ou JSON)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_("Collez le texte de l'attestation, ou choisissez son fichier ci-dessous."),
    )
    credential_file = forms.FileField(
        label=_("Fichier de l'attestation"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jwt,.json,application/json,application/vc+jwt,text/plain"}),
    )

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        upload = cleaned.get("credential_file")
        if upload is not None:
            if upload.size > MAX_CREDENTIAL_UPLOAD:
                raise forms.ValidationError(_("Ce fichier dépasse 200 Ko : ce n'est pas une attestation numérique."))
            try:
                cleaned["credential"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("Ce fichier n'est pas un texte (JWT ou JSON) : ce n'est pas une attestation numérique.")
                ) from None
        if not (cleaned.get("credential") or "").strip():
            raise forms.ValidationError(_("Collez une attestation numérique ou choisissez son fichier."))
        return cleaned


class SignForm(forms.Form):
    code = forms.CharField(
        label=_("Code reçu par e-mail"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    typed_name = forms.CharField(label=_("Votre nom et prénom"), max_length=200)
    drawn_signature = forms.CharField(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(label=_("J'ai lu le document et je le signe électroniquement."))
    express_request = forms.BooleanField(required=False)

    def __init__(self, *args: Any, express_request: str = "", **kwargs: Any) -> None:
        """`express_request`: the statement the signer must tick (L221-25), or empty when none is asked."""
        super().__init__(*args, **kwargs)
        if express_request:
            self.fields["express_request"].label = express_request
        else:
            del self.fields["express_request"]


class PortalEmailForm(forms.Form):
    email = forms.EmailField(label=_("Votre adresse e-mail"))


class PublicCatalogueForm(forms.Form):
    """The public catalogue's filters (a GET form that works without JavaScript). A value the form refuses is
    shown with its error and left out of the search, so the list still answers."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Intitulé, thème, mot-clé")}),
    )
    nsf = forms.ChoiceField(label=_("Thème (NSF)"), required=False)
    modality = forms.ChoiceField(label=_("Modalité"), required=False)
    certifying = forms.ChoiceField(
        label=_("Certification"),
        required=False,
        choices=[("", _("Toutes")), ("yes", _("Certifiantes")), ("no", _("Non certifiantes"))],
    )
    member_structure = forms.TypedChoiceField(label=_("Structure membre"), required=False, coerce=int, empty_value=None)
    city = forms.ChoiceField(label=_("Lieu (ville)"), required=False)
    date_from = forms.DateField(
        label=_("Sessions à partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    upcoming = forms.BooleanField(label=_("Sessions à venir seulement"), required=False)

    def __init__(self, *args: Any, choices: Any, modalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nsf"].choices = [("", _("Tous")), *choices.nsf]
        self.fields["modality"].choices = [("", _("Toutes")), *modalities]
        self.fields["member_structure"].choices = [("", _("Toutes")), *choices.member_structures]
        self.fields["city"].choices = [("", _("Tous")), *[(c, c) for c in choices.cities]]
        if len(choices.member_structures) < 2:
            del self.fields["member_structure"]
        if not choices.cities:
            del self.fields["city"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            message = _("La date de fin doit suivre la date de début (%(d)s).") % {"d": start.strftime("%d/%m/%Y")}
            self.add_error("date_to", message)
        return data

    def filters(self) -> dict[str, Any]:
        """The selector's filters: the valid values only."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}
