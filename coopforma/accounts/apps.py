# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coopforma.accounts"
    label = "accounts"
    verbose_name = _("Comptes et organisations")
