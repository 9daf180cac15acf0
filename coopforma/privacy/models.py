# SPDX-License-Identifier: AGPL-3.0-or-later
"""An organisation's own retention periods (overriding the defaults of `privacy.retention`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.privacy.retention import CATEGORIES


class RetentionPeriod(TenantModel):
    """One category's period for one organisation, within the bounds of the law (see `retention.Category`)."""

    category = models.CharField(_("catégorie"), max_length=30, choices=[(c.code, c.label) for c in CATEGORIES.values()])
    months = models.PositiveIntegerField(_("durée (mois)"))

    class Meta:
        verbose_name = _("durée de conservation")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "category"], name="retention_period_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} : {self.months} mois"


class Erasure(TenantModel):
    """That a person's data were erased (RGPD art. 17), when, by whom, and what the law made us keep.

    Holds no personal data: the kind and id of the record, and the holds (category, reason, end date).
    """

    person_kind = models.CharField(_("personne"), max_length=10)
    person_id = models.BigIntegerField()
    erased_at = models.DateTimeField(_("effacé le"))
    by_label = models.CharField(_("par"), max_length=200)
    deleted = models.BooleanField(_("fiche supprimée"), default=False)
    kept = models.JSONField(_("données conservées"), default=list, blank=True)

    class Meta:
        verbose_name = _("effacement")
        indexes = [models.Index(fields=["organisation", "person_kind", "person_id"])]

    def __str__(self) -> str:
        return f"{self.person_kind} {self.person_id}"
