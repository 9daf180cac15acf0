# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "coopforma.attendance"
    label = "attendance"
    verbose_name = _("Émargement")

    def ready(self) -> None:
        from coopforma.attendance.documents import register_providers

        register_providers()

        from coopforma.attendance.mails import register_mail_texts

        register_mail_texts()
