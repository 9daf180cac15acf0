# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "coopforma.offers"
    label = "offers"
    verbose_name = _("Carte des formations")

    def ready(self) -> None:
        # The member catalogues follow their trainings, sessions and memberships (offers/signals.py).
        from coopforma.catalogue.models import Training
        from coopforma.networks.models import NetworkOrganisation
        from coopforma.offers.signals import catalogue_changed, referentiel_published
        from coopforma.referentiel.signals import version_published
        from coopforma.training_sessions.models import Session

        for model in (Training, Session, NetworkOrganisation):
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"offers.sync.save.{model.__name__}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"offers.sync.delete.{model.__name__}")
        # The suggested competencies follow the référentiel's new versions.
        version_published.connect(referentiel_published, dispatch_uid="offers.competencies.version_published")
