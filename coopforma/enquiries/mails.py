# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails of requests, editable by each organisation (core.mail_texts, « Textes des e-mails »)."""

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import MailText, Placeholder, register

_COMMON = (
    Placeholder("organisme", _("nom de l'organisme"), "Coop Formation", key="org"),
    Placeholder(
        "type", _("type de demande (inscription, devis ou session intra, liste d'attente)"), "Inscription", key="kind"
    ),
    Placeholder("formation", _("intitulé de la formation"), "Animer une réunion participative", key="training"),
    Placeholder(
        "session", _("dates de la session demandée (vide pour un devis)"), "du 02/03/2027 au 03/03/2027", key="session"
    ),
    Placeholder("demandeur", _("nom de la personne qui demande"), "Léa Martin", key="name"),
)

RECEIVED = MailText(
    code="enquiries.received",
    label=_("Nouvelle demande reçue"),
    description=_(
        "Envoyé aux administrateur·rices de l'organisme et aux gérant·es de la structure membre de la formation "
        "quand un·e visiteur·se envoie une demande depuis le catalogue public."
    ),
    subject=_("Nouvelle demande (%(kind)s) : %(training)s"),
    body=_(
        "Bonjour,\n\n%(name)s a envoyé une demande depuis le catalogue public de %(org)s.\n\n"
        "Type : %(kind)s\nFormation : %(training)s\nSession : %(session)s\n\n"
        "Coordonnées, message et suites à donner :\n%(url)s\n"
    ),
    placeholders=(
        *_COMMON,
        Placeholder("lien", _("lien vers la demande dans Coopforma"), "https://…/o/…/demandes/1/", key="url"),
    ),
)

ACKNOWLEDGEMENT = MailText(
    code="enquiries.acknowledgement",
    label=_("Accusé de réception d'une demande"),
    description=_(
        "Envoyé à la personne qui a fait une demande d'inscription, de devis ou de session intra depuis le "
        "catalogue public (ou demandé une place sur liste d'attente)."
    ),
    subject=_("Votre demande à %(org)s"),
    body=_(
        "Bonjour %(name)s,\n\nNous avons bien reçu votre demande (%(kind)s) pour la formation « %(training)s » "
        "%(session)s.\nNous revenons vers vous rapidement.\n\nCette demande ne vaut pas inscription : "
        "l'inscription devient définitive après l'envoi des informations préalables et la signature de la "
        "convention ou du contrat de formation.\n\n%(org)s\n\n"
        "Si vous n'avez rien demandé, ignorez ce message."
    ),
    placeholders=_COMMON,
)


def register_mail_texts() -> None:
    register(RECEIVED)
    register(ACKNOWLEDGEMENT)
