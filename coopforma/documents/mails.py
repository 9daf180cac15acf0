# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails of documents and signatures, editable by each organisation (core.mail_texts)."""

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import MailText, Placeholder, register

NAME = Placeholder("nom", _("nom de la personne"), "Camille Martin", key="name")
ORG = Placeholder("organisme", _("nom de l'organisme"), "Coop Formation", key="org")
TITLE = Placeholder("document", _("titre du document"), "Convention de formation — Boulangerie Coop", key="title")

SIGNATURE_REQUEST = MailText(
    code="signature_request",
    label=_("Demande de signature"),
    description=_("Envoyé à chaque signataire quand l'équipe demande la signature électronique d'un document."),
    subject=_("Document à signer : %(title)s"),
    body=_(
        "Bonjour %(name)s,\n\n%(org)s vous invite à signer électroniquement le document « %(title)s ».\n\n"
        "Ouvrez ce lien personnel (valable 14 jours, utilisable une seule fois) :\n%(url)s\n\n"
        "Un code de confirmation vous sera envoyé par e-mail au moment de signer."
    ),
    placeholders=(
        NAME,
        ORG,
        TITLE,
        Placeholder("lien", _("lien personnel de signature"), "https://…/s/…", key="url", required=True, secret=True),
    ),
)

DOCUMENT_DIFFUSED = MailText(
    code="document_diffused",
    label=_("Diffusion d'un document"),
    description=_(
        "Envoyé au client et au ou à la stagiaire quand un document définitif ou signé leur est diffusé "
        "(convocation, certificat…), avec un lien vers leur espace ; les pièces jointes y sont listées ensuite."
    ),
    subject=_("Document de %(org)s : %(title)s"),
    body=_(
        "Bonjour %(name)s,\n\n%(org)s met à votre disposition le document « %(title)s ».\n"
        "Consultez-le et téléchargez-le dans votre espace (lien valable 7 jours) :\n%(url)s\n\n"
        "Code de vérification du document : %(code)s"
    ),
    placeholders=(
        NAME,
        ORG,
        TITLE,
        Placeholder("lien", _("lien personnel vers l'espace"), "https://…/p/…", key="url", required=True, secret=True),
        Placeholder("code_verification", _("code de vérification du document"), "K7P2-9QXM", key="code"),
    ),
)

SIGNATURE_CODE = MailText(
    code="signature_code",
    label=_("Code de signature"),
    description=_("Envoyé au ou à la signataire qui demande le code à 6 chiffres pour confirmer sa signature."),
    subject=_("Votre code de signature"),
    body=_(
        "Bonjour %(name)s,\n\nVotre code pour signer « %(title)s » est : %(code)s\n"
        "Il est valable 10 minutes. Si vous n'avez rien demandé, ignorez ce message."
    ),
    placeholders=(
        NAME,
        TITLE,
        Placeholder("code", _("code de signature à 6 chiffres"), "482913", key="code", required=True, secret=True),
    ),
)


def register_mail_texts() -> None:
    for text in (SIGNATURE_REQUEST, DOCUMENT_DIFFUSED, SIGNATURE_CODE):
        register(text)
