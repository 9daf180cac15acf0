# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "coopforma.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # The one place business events leave for the organisation's endpoints: every log_action is offered to
        # the webhooks, which keep only the actions of their registry (events.py).
        from coopforma.core.log import on_logged
        from coopforma.webhooks.services import deliveries_create_for_log

        on_logged(deliveries_create_for_log)
