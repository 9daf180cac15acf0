# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails of attendance, editable by each organisation (core.mail_texts)."""

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import MailText, Placeholder, register

ATTENDANCE_LINK = MailText(
    code="attendance.link",
    label=_("Lien d'émargement"),
    description=_("Envoyé à chaque stagiaire d'une session quand l'équipe envoie les liens personnels d'émargement."),
    subject=_("Votre lien d'émargement — %(session)s"),
    body=_(
        "Bonjour %(name)s,\n\nVoici votre lien personnel d'émargement pour la session « %(session)s » :\n"
        "%(url)s\n\n"
        "Ouvrez-le sur votre téléphone : il vous identifie. En salle, signez en scannant le QR code affiché "
        "par votre formateur·rice ; à distance, signez depuis ce lien quand le créneau est ouvert. "
        "Ne le transmettez pas.\n"
    ),
    placeholders=(
        Placeholder("prenom", _("prénom du ou de la stagiaire"), "Camille", key="name"),
        Placeholder("session", _("intitulé de la session"), "Animer une réunion coopérative — mars"),
        Placeholder("lien", _("lien personnel d'émargement"), "https://…/e/…", key="url", required=True, secret=True),
    ),
)


def register_mail_texts() -> None:
    register(ATTENDANCE_LINK)
