# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Textes des e-mails »: the list of the e-mails the application sends, and the page to rewrite one."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from coopforma.accounts import selectors_mail_texts as selectors
from coopforma.accounts import services_mail_texts as services
from coopforma.accounts.mixins import OrgFormView, OrgViewMixin
from coopforma.core.mail_texts import MAX_BODY, MAX_SUBJECT


class MailTextForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=MAX_SUBJECT, required=False)
    body = forms.CharField(
        label=gettext_lazy("Texte"), max_length=MAX_BODY, required=False, widget=forms.Textarea(attrs={"rows": 14})
    )


class MailTextListView(OrgViewMixin, TemplateView):
    template_name = "accounts/mail_text_list.html"
    required_flag = "mails.texts"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.mail_text_list(actor=self.actor)
        return context


class MailTextEditView(OrgFormView):
    template_name = "accounts/mail_text_form.html"
    form_class = MailTextForm
    required_flag = "mails.texts"

    @cached_property
    def row(self) -> selectors.MailTextRow:
        return selectors.mail_text_get(actor=self.actor, code=str(self.kwargs["code"]))

    def get_initial(self) -> dict[str, Any]:
        return {"subject": self.row.subject, "body": self.row.body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["row"] = self.row
        context["preview_subject"], context["preview_body"] = self.row.preview()
        return context

    def perform(self, form: MailTextForm) -> Any:
        return services.mail_text_update(
            actor=self.actor,
            code=self.row.text.code,
            subject=form.cleaned_data.get("subject") or "",
            body=form.cleaned_data.get("body") or "",
        )

    def get_success_message(self, _obj: Any) -> str:
        return _("Texte de l'e-mail « %(label)s » enregistré : il sert dès le prochain envoi.") % {
            "label": self.row.text.label
        }

    def success_url_for(self, _obj: Any) -> str:
        return reverse("org:mail_text_edit", kwargs={"org": self.actor.organisation.slug, "code": self.row.text.code})


class MailTextResetView(OrgViewMixin, TemplateView):
    http_method_names = ["post"]
    required_flag = "mails.texts"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        code = str(kwargs["code"])
        row = selectors.mail_text_get(actor=self.actor, code=code)
        services.mail_text_reset(actor=self.actor, code=code)
        messages.success(request, _("« %(label)s » reprend le texte par défaut.") % {"label": row.text.label})
        return redirect("org:mail_text_edit", org=self.actor.organisation.slug, code=code)
