# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "coopforma.exchanges"
    verbose_name = _("Échanges de savoir-faire")

    def ready(self) -> None:
        # The e-mails the exchanges send in the network's name, with texts the network may rewrite (mails.py).
        from coopforma.exchanges.mails import register_mail_texts

        register_mail_texts()

        # The network's map follows its members, listings and exchanges (exchanges/publication.py).
        from coopforma.exchanges.models import Exchange, Listing, Member, Participant, Step
        from coopforma.exchanges.personal_data import register_sections
        from coopforma.exchanges.publication import exchanges_changed

        # A person's data archive (privacy) holds their exchanges (exchanges/personal_data.py).
        register_sections()

        for model in (Member, Listing, Exchange, Participant, Step):
            uid = f"exchanges.publish.{model.__name__}"
            post_save.connect(exchanges_changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(exchanges_changed, sender=model, dispatch_uid=f"{uid}.delete")
        for through in (Listing.competencies.through, Exchange.competencies.through):
            m2m_changed.connect(exchanges_changed, sender=through, dispatch_uid=f"exchanges.publish.{through.__name__}")
