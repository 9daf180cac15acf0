# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Textes des e-mails »: the list of the e-mails the application sends, and the page to rewrite one (its form,
preview and reset are shared with a network's texts: core/mail_text_views.py)."""

from typing import Any

from django.urls import reverse
from django.views.generic import TemplateView

from coopforma.accounts import selectors_mail_texts as selectors
from coopforma.accounts import services_mail_texts as services
from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.mail_text_views import MailTextEditBase, MailTextResetBase


class MailTextListView(OrgViewMixin, TemplateView):
    template_name = "accounts/mail_text_list.html"
    required_flag = "mails.texts"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.mail_text_list(actor=self.actor)
        return context


class OrgMailTextsMixin(OrgViewMixin):
    """The organisation's texts: `mails.texts` required, its selector, services and URLs."""

    required_flag = "mails.texts"

    def mail_text_row(self, code: str) -> selectors.MailTextRow:
        return selectors.mail_text_get(actor=self.actor, code=code)

    def mail_text_save(self, code: str, subject: str, body: str) -> Any:
        return services.mail_text_update(actor=self.actor, code=code, subject=subject, body=body)

    def mail_text_reset(self, code: str) -> None:
        services.mail_text_reset(actor=self.actor, code=code)

    def mail_text_url(self, code: str) -> str:
        return reverse("org:mail_text_edit", kwargs={"org": self.actor.organisation.slug, "code": code})


class MailTextEditView(OrgMailTextsMixin, MailTextEditBase):
    template_name = "accounts/mail_text_form.html"


class MailTextResetView(OrgMailTextsMixin, MailTextResetBase):
    pass
