# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #14's « E-mails leave » as staff touch it: the administrator opens « E-mails envoyés », opens the
signing request e-mailed to the client, reads its text with the personal link masked, sees its attachment-less
delivery attempt, and resends it: a new message leaves with a fresh link (the old one no longer works), and its
page masks that one too."""

import re

import pytest
from django.core import mail

from coopforma.core.models import DeliveryAttempt, OutboundEmail
from coopforma.documents import signing
from coopforma.public.tests.helpers import CLIENT_EMAIL, final_document, sign_tokens
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_open_a_message_see_the_link_masked_and_resend_it(page, settings, tmp_path, org, admin_user, admin_actor):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://of.example"
    document = final_document(org, title="Convention Boulangerie Coop", signers=("client",))
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    [old_token] = sign_tokens(CLIENT_EMAIL)
    email = OutboundEmail.objects.get(purpose="signature_request")

    log_in(page, admin_user)
    page.wait_for_url(f"**/o/{org.slug}/")
    page.goto(f"/o/{org.slug}/documents/outbox/")
    page.get_by_role("link", name="Document à signer : Convention Boulangerie Coop").click()
    page.wait_for_url(f"**/documents/outbox/{email.pk}/")
    body = page.locator(".mail-body").inner_text()
    assert "[lien ou code personnel masqué]" in body and old_token not in page.content()
    attempts = page.get_by_role("table")
    assert "Envoyé" in attempts.inner_text()

    mail.outbox.clear()
    page.get_by_role("button", name="Renvoyer").click()
    page.get_by_text("Le message est renvoyé : voici le nouvel envoi.").wait_for()
    new = OutboundEmail.objects.get(resent_from=email)
    page.wait_for_url(f"**/documents/outbox/{new.pk}/")
    [fresh] = sign_tokens(CLIENT_EMAIL)
    assert fresh != old_token
    assert fresh not in page.content() and "[lien ou code personnel masqué]" in page.locator(".mail-body").inner_text()
    assert DeliveryAttempt.objects.filter(email=new, ok=True).count() == 1
    assert page.get_by_role("link", name=re.compile("^message du ")).is_visible()

    # The page holds at a phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
