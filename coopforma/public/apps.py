# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "coopforma.public"
    label = "public"
    verbose_name = _("Pages publiques")

    def ready(self) -> None:
        from coopforma.public.mails import register_mail_texts

        register_mail_texts()
