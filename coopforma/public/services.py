# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the no-login pages: the portal's magic links."""

from django.urls import reverse
from django.utils.translation import gettext as _

from coopforma.accounts.magic_links import magic_link_create
from coopforma.core.mail import send_mail_logged
from coopforma.documents.signing import site_url
from coopforma.public.selectors import portal_organisations


def portal_link_request(*, email: str) -> int:
    """E-mail a portal link for each organisation that knows `email`; returns how many (never shown)."""
    email = email.strip().lower()
    organisations = portal_organisations(email=email)
    for organisation in organisations:
        _link, token = magic_link_create(organisation=organisation, email=email)
        url = site_url(reverse("public:portal_open", kwargs={"token": token}))
        send_mail_logged(
            organisation=organisation,
            to=email,
            subject=_("Votre espace %(org)s") % {"org": organisation.name},
            body=_(
                "Bonjour,\n\nVoici votre lien personnel vers votre espace %(org)s (documents, signatures, "
                "sessions). Il est valable 7 jours :\n%(url)s\n\nSi vous n'avez rien demandé, ignorez ce message."
            )
            % {"org": organisation.name, "url": url},
            purpose="portal_link",
            secrets=[url],
        )
    return len(organisations)
