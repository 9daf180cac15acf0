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
