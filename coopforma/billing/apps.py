# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "coopforma.billing"
    label = "billing"
    verbose_name = _("Devis et factures")

    def ready(self) -> None:
        from coopforma.billing.documents import register_kinds

        register_kinds()
