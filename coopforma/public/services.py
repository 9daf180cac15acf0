# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the no-login pages: the portal's magic links."""

from django.urls import reverse

from coopforma.accounts.magic_links import magic_link_create
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.documents.signing import site_url
from coopforma.public.mails import PORTAL_LINK
from coopforma.public.selectors import portal_organisations


def portal_link_request(*, email: str) -> int:
    """E-mail a portal link for each organisation that knows `email`; returns how many (never shown)."""
    email = email.strip().lower()
    organisations = portal_organisations(email=email)
    for organisation in organisations:
        _link, token = magic_link_create(organisation=organisation, email=email)
        url = site_url(reverse("public:portal_open", kwargs={"token": token}))
        subject, body = mail_text_render(
            organisation_id=organisation.pk, code=PORTAL_LINK.code, values={"org": organisation.name, "url": url}
        )
        send_mail_logged(
            organisation=organisation,
            to=email,
            subject=subject,
            body=body,
            purpose="portal_link",
            secrets=[url],
        )
    return len(organisations)
