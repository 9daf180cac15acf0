# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails of accounts, editable by each organisation (core.mail_texts). The password reset is not listed:
it belongs to the account, not to an organisation."""

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import MailText, Placeholder, register

MEMBERSHIP_INVITATION = MailText(
    code="membership_invitation",
    label=_("Invitation d'un·e utilisateur·rice"),
    description=_("Envoyé à la personne qu'un·e administrateur·rice invite à rejoindre l'organisme sur Coopforma."),
    subject=_("Invitation à rejoindre %(org)s sur Coopforma"),
    body=_(
        "Bonjour,\n\n%(inviter)s vous invite à rejoindre l'organisme de formation %(org)s sur Coopforma, avec le "
        "rôle « %(role)s ».\n\nPour accepter ou refuser, ouvrez ce lien personnel (valable %(days)s jours) :\n"
        "%(url)s\n\nSi vous ne connaissez pas cet organisme, refusez l'invitation ou ignorez ce message : "
        "sans votre accord, il n'a aucun accès à votre compte."
    ),
    placeholders=(
        Placeholder("invitant", _("qui invite"), "Ada Admin", key="inviter"),
        Placeholder("organisme", _("nom de l'organisme"), "Coop Formation", key="org"),
        Placeholder("role", _("rôle proposé"), "Formateur·rice"),
        Placeholder("jours", _("durée de validité du lien, en jours"), "7", key="days"),
        Placeholder(
            "lien", _("lien personnel d'invitation"), "https://…/invitation/…", key="url", required=True, secret=True
        ),
    ),
)


def register_mail_texts() -> None:
    register(MEMBERSHIP_INVITATION)
