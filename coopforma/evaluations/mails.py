# SPDX-License-Identifier: AGPL-3.0-or-later
"""The e-mails of questionnaires, editable by each organisation (core.mail_texts)."""

from django.utils.translation import gettext_lazy as _

from coopforma.core.mail_texts import MailText, Placeholder, register

BODY = _(
    "Bonjour,\n\n"
    "Dans le cadre de la formation « %(session)s », merci de répondre à ce court questionnaire "
    "(quelques minutes, sur téléphone ou ordinateur, sans compte) :\n\n%(url)s\n\n"
    "Il est ouvert jusqu'au %(closes)s.%(anonymous)s\n\n%(org)s"
)
PLACEHOLDERS = (
    Placeholder("questionnaire", _("titre du questionnaire"), "Satisfaction à chaud", key="title"),
    Placeholder("session", _("intitulé de la session"), "Animer une réunion coopérative — mars"),
    Placeholder(
        "lien", _("lien personnel vers le questionnaire"), "https://…/q/…", key="url", required=True, secret=True
    ),
    Placeholder("cloture", _("date de clôture du questionnaire"), "15/03/2026", key="closes"),
    Placeholder(
        "anonymat",
        _("la phrase « Vos réponses sont anonymes. » quand le questionnaire l'est, rien sinon"),
        " Vos réponses sont anonymes.",
        key="anonymous",
    ),
    Placeholder("organisme", _("nom de l'organisme"), "Coop Formation", key="org"),
)

INVITATION = MailText(
    code="evaluations.invitation",
    label=_("Invitation à un questionnaire"),
    description=_(
        "Envoyé à chaque personne interrogée (stagiaire, client, formateur·rice) à l'ouverture d'un questionnaire ; "
        "pour une évaluation des acquis, une ligne nommant le ou la stagiaire le précède."
    ),
    subject=_("%(title)s"),
    body=BODY,
    placeholders=PLACEHOLDERS,
)

REMINDER = MailText(
    code="evaluations.reminder",
    label=_("Relance d'un questionnaire"),
    description=_("Envoyé aux personnes qui n'ont pas encore répondu quand le questionnaire est relancé."),
    subject=_("Rappel : %(title)s"),
    body=BODY,
    placeholders=PLACEHOLDERS,
)


def register_mail_texts() -> None:
    register(INVITATION)
    register(REMINDER)
