# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails the exchanges of know-how send, in the network's name (core.mail_texts, scope NETWORK).

No organisation sends them: they go through the outbox attached to the network (core.mail.send_mail_logged with
`network=`), its moderators and facilitators read them in « E-mails des échanges » and rewrite their texts in
« Textes des e-mails des échanges » (exchanges/mail_services.py, views/mails.py). The digest's lists are computed
(`{{ nouvelles }}`): the network rewrites what surrounds them, not the lists.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import NETWORK, MailText, Placeholder, register

# What every e-mail of the exchanges names: the network, and the page the e-mail leads to (required in the text).
NETWORK_NAME = Placeholder("reseau", _("nom du réseau"), "Réseau des PTCE", key="network")


def _link(label: Any) -> Placeholder:
    return Placeholder("lien", label, "https://…/echanges/…", key="link", required=True)


ARRANGED = MailText(
    code="exchanges.arranged",
    label=_("Mise en relation pour un échange de savoir-faire"),
    description=_(
        "Envoyé à chaque participant·e quand un·e animateur·rice organise une mise en relation, avec le lien vers "
        "la page de l'échange."
    ),
    subject=_("Mise en relation : %(title)s"),
    body=_(
        "Bonjour %(name)s,\n\n"
        "%(facilitator)s vous met en relation pour l'échange de savoir-faire « %(title)s » du réseau "
        "%(network)s.\n\nParticipant·es :\n%(names)s\n\n"
        "Vos coordonnées ne sont partagées qu'avec votre accord et celui des autres participant·es : donnez-le "
        "(ou non) sur la page de l'échange.\n%(link)s\n"
    ),
    placeholders=(
        Placeholder("nom", _("nom affiché du ou de la participant·e"), "Ada", key="name"),
        Placeholder("animateur", _("qui organise la mise en relation"), "Camille Animatrice", key="facilitator"),
        Placeholder("echange", _("titre de l'échange"), "Animer une réunion en gouvernance partagée", key="title"),
        NETWORK_NAME,
        Placeholder(
            "participants",
            _("liste des participant·es et de leur rôle"),
            "- Ada (Transmet son savoir-faire)\n- Bob (Apprend)",
            key="names",
        ),
        _link(_("lien vers la page de l'échange")),
    ),
    scope=NETWORK,
)

ASKED = MailText(
    code="exchanges.asked",
    label=_("Mise en relation demandée par un membre"),
    description=_(
        "Envoyé aux animateur·rices du réseau (à ses modérateur·rices s'il n'en a pas) quand un membre demande une "
        "mise en relation entre une offre et une demande."
    ),
    subject=_("Mise en relation demandée : %(offer)s"),
    body=_(
        "Bonjour,\n\n%(name)s demande une mise en relation entre l'offre « %(offer)s » et la demande "
        "« %(request)s » (réseau %(network)s). Elle est en tête des suggestions à examiner :\n%(link)s\n"
    ),
    placeholders=(
        Placeholder("membre", _("nom affiché du membre qui demande"), "Ada", key="name"),
        Placeholder("offre", _("titre de l'offre"), "Animer une réunion en gouvernance partagée", key="offer"),
        Placeholder("demande", _("titre de la demande"), "Apprendre le codéveloppement", key="request"),
        NETWORK_NAME,
        _link(_("lien vers les suggestions à examiner")),
    ),
    scope=NETWORK,
)

DIGEST = MailText(
    code="exchanges.digest",
    label=_("Récapitulatif des échanges de savoir-faire"),
    description=_(
        "Envoyé chaque semaine aux membres inscrit·es qui l'ont gardé, quand il y a du nouveau : les mises en "
        "relation proposées, les offres et demandes proches, les prochaines étapes, les bilans à écrire."
    ),
    subject=_("%(network)s : %(news)s des échanges de savoir-faire"),
    body=_(
        "Bonjour %(name)s,\n\nVoici les nouvelles des échanges de savoir-faire de %(network)s.\n\n%(items)s\n\n"
        "Pour ne plus recevoir ce récapitulatif, décochez-le dans votre inscription :\n%(link)s\n"
    ),
    placeholders=(
        Placeholder("nom", _("nom affiché du membre"), "Ada", key="name"),
        NETWORK_NAME,
        Placeholder("nombre", _("nombre de nouvelles (« 3 nouvelles »)"), "3 nouvelles", key="news"),
        Placeholder(
            "nouvelles",
            _("les listes calculées pour le membre (mises en relation, offres et demandes, étapes, bilans)"),
            "Vos prochaines étapes (14 jours) :\n- Visite de la Fabrique : le 03/03/2026 à 09:00\n  https://…",
            key="items",
            required=True,
        ),
        _link(_("lien vers l'inscription du membre (pour se désabonner)")),
    ),
    scope=NETWORK,
)


def register_mail_texts() -> None:
    for text in (ARRANGED, ASKED, DIGEST):
        register(text)
