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

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.selectors_mail_texts import MailTextRow
from coopforma.core.mail_text_views import MailTextEditBase, MailTextResetBase
from coopforma.core.models import OutboundEmailStatus
from coopforma.core.pagination import paginate
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


class MailTextListView(ExchangesMixin, TemplateView):
    template_name = "exchanges/mail_text_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = selectors.network_mail_text_list(actor=self.actor)
        context = super().get_context_data(**kwargs)
        context["rows"] = rows
        return context


class NetworkMailTextsMixin(ExchangesMixin):
    """The network's texts: its selector (`exchanges.mail_texts` required), services and URLs."""

    def mail_text_row(self, code: str) -> MailTextRow:
        return selectors.network_mail_text_get(actor=self.actor, code=code)

    def mail_text_save(self, code: str, subject: str, body: str) -> Any:
        return services.network_mail_text_update(actor=self.actor, code=code, subject=subject, body=body)

    def mail_text_reset(self, code: str) -> None:
        services.network_mail_text_reset(actor=self.actor, code=code)

    def mail_text_url(self, code: str) -> str:
        return self.url("mail_text_edit", code=code)


class MailTextEditView(NetworkMailTextsMixin, MailTextEditBase):
    template_name = "exchanges/mail_text_form.html"


class MailTextResetView(NetworkMailTextsMixin, MailTextResetBase):
    pass


urls: list[URLPattern] = [
    path("e-mails/", OutboxView.as_view(), name="outbox"),
    path("e-mails/<int:email_id>/", OutboxDetailView.as_view(), name="outbox_detail"),
    path("e-mails/<int:email_id>/renvoyer/", OutboxResendView.as_view(), name="outbox_resend"),
    path("textes-des-e-mails/", MailTextListView.as_view(), name="mail_texts"),
    path("textes-des-e-mails/<str:code>/", MailTextEditView.as_view(), name="mail_text_edit"),
    path("textes-des-e-mails/<str:code>/par-defaut/", MailTextResetView.as_view(), name="mail_text_reset"),
]
