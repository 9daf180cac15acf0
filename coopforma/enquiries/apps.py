# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "coopforma.enquiries"
    label = "enquiries"
    verbose_name = _("Demandes")

    def ready(self) -> None:
        from coopforma.enquiries.mails import register_mail_texts

        register_mail_texts()
