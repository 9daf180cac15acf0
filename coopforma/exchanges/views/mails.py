# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the network's e-mails (exchanges/mails.py), for its moderators and facilitators:

- `exchanges:outbox`, `exchanges:outbox_detail`, `exchanges:outbox_resend` (POST): « E-mails des échanges », what
  the exchanges sent in the network's name, each with its text (one-time links masked), its delivery attempts and
  « Renvoyer » (`exchanges.outbox`);
- `exchanges:mail_texts`, `exchanges:mail_text_edit`, `exchanges:mail_text_reset` (POST): « Textes des e-mails des
  échanges », each e-mail's placeholders, the network's text, a preview with example values and the default text
  (`exchanges.mail_texts`).
Another network's ids give 404 (the selectors filter on the network of the URL), a plain member 403."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.selectors_mail_texts import MailTextRow
from coopforma.core.mail_texts import MAX_BODY, MAX_SUBJECT
from coopforma.core.models import OutboundEmailStatus
from coopforma.core.pagination import paginate
from coopforma.core.views import ServiceFormView
from coopforma.exchanges import mail_selectors as selectors
from coopforma.exchanges import mail_services as services
from coopforma.exchanges.views.base import ExchangesMixin


class OutboxView(ExchangesMixin, TemplateView):
    template_name = "exchanges/outbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = self.request.GET.get("status", "")
        emails = selectors.network_outbox_list(actor=self.actor, status=status)
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, emails)
        names = selectors.recipient_names(actor=self.actor)
        context.update(
            page_obj=page,
            rows=[(email, selectors.recipient_label(names, email)) for email in page.object_list],
            statuses=OutboundEmailStatus.choices,
            status=status,
        )
        return context


class OutboxDetailView(ExchangesMixin, TemplateView):
    template_name = "exchanges/outbox_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        message = selectors.network_outbox_get(actor=self.actor, email_id=self.kwargs["email_id"])
        context = super().get_context_data(**kwargs)
        context["message"] = message
        context["email"] = message.email
        return context


class OutboxResendView(ExchangesMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email_id = kwargs["email_id"]
        try:
            new = services.network_email_resend(actor=self.actor, email_id=email_id)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
            return redirect(self.url("outbox_detail", email_id=email_id))
        messages.success(request, _("Le message est renvoyé : voici le nouvel envoi."))
        return redirect(self.url("outbox_detail", email_id=new.pk))


class MailTextForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Objet"), max_length=MAX_SUBJECT, required=False)
    body = forms.CharField(
        label=gettext_lazy("Texte"), max_length=MAX_BODY, required=False, widget=forms.Textarea(attrs={"rows": 14})
    )


class MailTextListView(ExchangesMixin, TemplateView):
    template_name = "exchanges/mail_text_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = selectors.network_mail_text_list(actor=self.actor)
        context = super().get_context_data(**kwargs)
        context["rows"] = rows
        return context


class MailTextEditView(ExchangesMixin, ServiceFormView):
    template_name = "exchanges/mail_text_form.html"
    form_class = MailTextForm

    @cached_property
    def row(self) -> MailTextRow:
        return selectors.network_mail_text_get(actor=self.actor, code=str(self.kwargs["code"]))

    def get_initial(self) -> dict[str, Any]:
        return {"subject": self.row.subject, "body": self.row.body}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["row"] = self.row
        context["preview_subject"], context["preview_body"] = self.row.preview()
        return context

    def perform(self, form: MailTextForm) -> Any:
        return services.network_mail_text_update(
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
        return self.url("mail_text_edit", code=self.row.text.code)


class MailTextResetView(ExchangesMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = str(kwargs["code"])
        row = selectors.network_mail_text_get(actor=self.actor, code=code)
        services.network_mail_text_reset(actor=self.actor, code=code)
        messages.success(request, _("« %(label)s » reprend le texte par défaut.") % {"label": row.text.label})
        return redirect(self.url("mail_text_edit", code=code))


urls: list[URLPattern] = [
    path("e-mails/", OutboxView.as_view(), name="outbox"),
    path("e-mails/<int:email_id>/", OutboxDetailView.as_view(), name="outbox_detail"),
    path("e-mails/<int:email_id>/renvoyer/", OutboxResendView.as_view(), name="outbox_resend"),
    path("textes-des-e-mails/", MailTextListView.as_view(), name="mail_texts"),
    path("textes-des-e-mails/<str:code>/", MailTextEditView.as_view(), name="mail_text_edit"),
    path("textes-des-e-mails/<str:code>/par-defaut/", MailTextResetView.as_view(), name="mail_text_reset"),
]
