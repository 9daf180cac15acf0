# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who asked not to receive the weekly digest of their alerts (dashboard/digest.py): everyone gets it otherwise."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel


class DigestOptOut(TenantModel):
    """A person who does not want the Monday e-mail of their alerts in this organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("désabonnement du récapitulatif hebdomadaire")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="digest_opt_out_once")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}"
