# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails of the no-login pages, editable by each organisation (core.mail_texts)."""

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import MailText, Placeholder, register

PORTAL_LINK = MailText(
    code="portal_link",
    label=_("Lien vers l'espace personnel"),
    description=_(
        "Envoyé à un client ou un·e stagiaire qui demande, depuis la page publique, un lien vers son espace."
    ),
    subject=_("Votre espace %(org)s"),
    body=_(
        "Bonjour,\n\nVoici votre lien personnel vers votre espace %(org)s (documents, signatures, "
        "sessions). Il est valable 7 jours :\n%(url)s\n\nSi vous n'avez rien demandé, ignorez ce message."
    ),
    placeholders=(
        Placeholder("organisme", _("nom de l'organisme"), "Coop Formation", key="org"),
        Placeholder("lien", _("lien personnel vers l'espace"), "https://…/p/…", key="url", required=True, secret=True),
    ),
)


def register_mail_texts() -> None:
    register(PORTAL_LINK)
