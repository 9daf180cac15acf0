# SPDX-License-Identifier: AGPL-3.0-or-later
"""The page to rewrite one e-mail's text and its « Revenir au texte par défaut », shared by its two owners: an
organisation (accounts/mail_text_views.py, « Textes des e-mails ») and a network (exchanges/views/mails.py,
« Textes des e-mails des échanges »).

Each owner's views put their own access mixin first (who may open the page: 404 for another organisation or
network, 403 for a lesser role) and answer four hooks with their own selector, services and URLs:
`mail_text_row(code)`, `mail_text_save(code, subject, body)`, `mail_text_reset(code)`, `mail_text_url(code)`.
The template gets `row` (the selector's MailTextRow) and the preview with the example values.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from coopforma.core.mail_texts import MAX_BODY, MAX_SUBJECT
from coopforma.core.views import ServiceFormView


class MailTextForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=MAX_SUBJECT, required=False)
    body = forms.CharField(
        label=gettext_lazy("Texte"), max_length=MAX_BODY, required=False, widget=forms.Textarea(attrs={"rows": 14})
    )


class MailTextOwnerHooks:
    """What an owner's views answer (see the module's docstring)."""

    def mail_text_row(self, code: str) -> Any:
        raise NotImplementedError

    def mail_text_save(self, code: str, subject: str, body: str) -> Any:
        raise NotImplementedError

    def mail_text_reset(self, code: str) -> None:
        raise NotImplementedError

    def mail_text_url(self, code: str) -> str:
        raise NotImplementedError


class MailTextEditBase(MailTextOwnerHooks, ServiceFormView):
    form_class = MailTextForm

    @cached_property
    def row(self) -> Any:
        return self.mail_text_row(str(self.kwargs["code"]))

    def get_initial(self) -> dict[str, Any]:
        return {"subject": self.row.subject, "body": self.row.body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["row"] = self.row
        context["preview_subject"], context["preview_body"] = self.row.preview()
        return context

    def perform(self, form: MailTextForm) -> Any:
        return self.mail_text_save(
            self.row.text.code, form.cleaned_data.get("subject") or "", form.cleaned_data.get("body") or ""
        )

    def get_success_message(self, _obj: Any) -> str:
        return _("Texte de l'e-mail « %(label)s » enregistré : il sert dès le prochain envoi.") % {
            "label": self.row.text.label
        }

    def success_url_for(self, _obj: Any) -> str:
        return self.mail_text_url(self.row.text.code)


class MailTextResetBase(MailTextOwnerHooks, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = str(kwargs["code"])
        row = self.mail_text_row(code)
        self.mail_text_reset(code)
        messages.success(request, _("« %(label)s » reprend le texte par défaut.") % {"label": row.text.label})
        return redirect(self.mail_text_url(code))
