# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "coopforma.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # The outbox's « Renvoyer » of a signing link goes through signing (core.mail.register_resender).
        from coopforma.documents import signing  # noqa: F401
        from coopforma.documents.mails import register_mail_texts

        register_mail_texts()
