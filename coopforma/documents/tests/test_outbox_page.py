# SPDX-License-Identifier: AGPL-3.0-or-later
"""The « E-mails envoyés » page of a message (text with one-time links masked, attachments, attempts,
« Renvoyer ») and the test mailbox (the local catcher, development and demo only)."""

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from coopforma.accounts.demo import DEMO_SLUG
from coopforma.core.compat import mailer_settings
from coopforma.core.mail import MASKED, MailAttachment, send_mail_logged
from coopforma.core.models import DeliveryAttempt, OutboundEmail, OutboundEmailStatus
from coopforma.core.tests.test_outbox import FAILING, use_mailer
from coopforma.documents import signing
from coopforma.documents.models import Signature
from coopforma.public.tests.helpers import CLIENT_EMAIL, final_document, sign_tokens

CATCHER = "coopforma.core.mailcatcher.CatcherBackend"


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://of.example"
    settings.MAIL_CATCHER = False
    settings.MAIL_CATCHER_DIR = tmp_path / "mail"
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)


def _plain(org):  # type: ignore[no-untyped-def]
    default_storage.save("outbox-test/programme.pdf", ContentFile(b"%PDF-1.7 programme"))
    return send_mail_logged(
        organisation=org,
        to="marie@example.org",
        subject="Votre convocation",
        body="Bonjour Marie,\nRendez-vous lundi à 9 h.",
        purpose="convocation",
        attachments=[MailAttachment("outbox-test/programme.pdf", "Programme.pdf", "application/pdf")],
    )


def _secret(org, purpose="portal_link"):  # type: ignore[no-untyped-def]
    url = "https://of.example/p/tok-SECRET-123/"
    return send_mail_logged(
        organisation=org, to="sacha@example.org", subject="Votre espace", body=f"Ouvrez {url}", purpose=purpose,
        secrets=[url],
    )  # fmt: skip


def _url(name, org, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"documents:{name}", kwargs={"org": org.slug, **kwargs})


def test_the_page_of_a_message_shows_its_text_attachments_and_attempts(org, quality_user, web):
    email = _plain(org)
    client = web(quality_user)
    assert _url("outbox_detail", org, pk=email.pk) in client.get(_url("outbox", org)).content.decode()
    page = client.get(_url("outbox_detail", org, pk=email.pk)).content.decode()
    assert "Rendez-vous lundi à 9 h." in page
    assert "Programme.pdf" in page and "18\xa0octets" in page
    [attempt] = DeliveryAttempt.objects.filter(email=email)
    assert attempt.ok and attempt.organisation_id == org.pk
    assert attempt.at.strftime("%d/%m/%Y") in page and "Renvoyer" in page
    download = client.get(_url("outbox_attachment", org, pk=email.pk, index=0))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7 programme"
    assert "Programme.pdf" in download["Content-Disposition"]
    assert client.get(_url("outbox_attachment", org, pk=email.pk, index=1)).status_code == 404


def test_a_failed_attempt_says_why_in_french(org, settings, admin_user, web):
    use_mailer(settings, FAILING)
    email = _plain(org)
    [attempt] = DeliveryAttempt.objects.filter(email=email)
    assert not attempt.ok
    assert attempt.error.startswith("Le serveur d'envoi est injoignable")
    assert "ConnectionRefusedError" in attempt.detail
    page = web(admin_user).get(_url("outbox_detail", org, pk=email.pk)).content.decode()
    assert "Le serveur d&#x27;envoi est injoignable" in page and "Échec" in page
    assert "ConnectionRefusedError" in page  # the attempt's detail (templates/includes/outbox_attempts.html)
    email.refresh_from_db()
    assert email.last_error
    listing = web(admin_user).get(_url("outbox", org)).content.decode()
    assert escape(email.last_error[:40]) in listing  # the last error, under the state


def test_one_time_links_are_masked_on_the_page(org, admin_actor, admin_user, web):
    document = final_document(org, signers=("client",))
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    [token] = sign_tokens(CLIENT_EMAIL)
    email = OutboundEmail.objects.get(purpose="signature_request", to=CLIENT_EMAIL)
    assert token not in email.body
    page = web(admin_user).get(_url("outbox_detail", org, pk=email.pk)).content.decode()
    assert token not in page and "/s/" not in page
    assert "[lien ou code personnel masqué]" in page


def test_resend_sends_a_new_message_with_one_new_attempt(org, admin_user, web):
    email = _plain(org)
    mail.outbox.clear()
    response = web(admin_user).post(_url("outbox_resend", org, pk=email.pk))
    new = OutboundEmail.objects.exclude(pk=email.pk).get()
    assert response.status_code == 302 and response["Location"] == _url("outbox_detail", org, pk=new.pk)
    assert new.resent_from_id == email.pk and new.status == OutboundEmailStatus.SENT
    assert (new.to, new.subject, new.body, new.attachments) == (email.to, email.subject, email.body, email.attachments)
    assert DeliveryAttempt.objects.filter(email=new).count() == 1
    assert DeliveryAttempt.objects.count() == 2
    [message] = mail.outbox
    assert message.to == ["marie@example.org"] and message.attachments[0][0] == "Programme.pdf"


def test_a_message_with_a_one_time_link_is_never_resent_as_stored(org, admin_user, web):
    email = _secret(org)
    mail.outbox.clear()
    client = web(admin_user)
    page = client.get(_url("outbox_detail", org, pk=email.pk)).content.decode()
    assert "tok-SECRET-123" not in page and MASKED.replace("é", "é") in page
    assert "outbox_resend" not in page and "il ne peut pas être renvoyé tel quel" in page
    response = client.post(_url("outbox_resend", org, pk=email.pk), follow=True)
    assert "il ne peut pas être renvoyé tel quel" in response.content.decode()
    assert OutboundEmail.objects.count() == 1 and DeliveryAttempt.objects.count() == 1 and mail.outbox == []


def test_a_message_whose_address_was_erased_is_not_resent(org, admin_actor):
    from django.core.exceptions import ValidationError

    from coopforma.core.mail import email_resend

    email = _plain(org)
    OutboundEmail.objects.filter(pk=email.pk).update(to="personne-effacee-7@example.invalid", body="[effacé]")
    with pytest.raises(ValidationError, match="effacée"):
        email_resend(actor=admin_actor, email_id=email.pk)
    assert OutboundEmail.objects.count() == 1 and DeliveryAttempt.objects.count() == 1


def test_resending_a_signing_link_issues_a_fresh_link(org, admin_actor, admin_user, web):
    document = final_document(org, signers=("client",))
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    [old] = sign_tokens(CLIENT_EMAIL)
    email = OutboundEmail.objects.get(purpose="signature_request")
    mail.outbox.clear()
    response = web(admin_user).post(_url("outbox_resend", org, pk=email.pk))
    assert response.status_code == 302
    [fresh] = sign_tokens(CLIENT_EMAIL)
    assert fresh != old
    new = OutboundEmail.objects.get(resent_from=email)
    assert fresh not in new.body and new.status == OutboundEmailStatus.SENT
    signature = Signature.objects.get(document=document)
    assert signing.signature_for_token(fresh) == signature
    with pytest.raises(signing.SignatureLinkError):
        signing.signature_for_token(old)


def test_resending_a_signing_link_nobody_waits_for_is_refused(org, admin_actor, admin_user, web):
    document = final_document(org, signers=("client",))
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    Signature.objects.update(status="signed")
    email = OutboundEmail.objects.get(purpose="signature_request")
    count = DeliveryAttempt.objects.count()
    response = web(admin_user).post(_url("outbox_resend", org, pk=email.pk), follow=True)
    assert "il n&#x27;y a pas de lien à renvoyer" in response.content.decode()
    assert OutboundEmail.objects.count() == 1 and DeliveryAttempt.objects.count() == count


@pytest.mark.parametrize("name", ["outbox_detail", "outbox_attachment", "outbox_resend"])
def test_another_organisation_and_lesser_roles_never_reach_a_message(org, name, stranger, manager_user, web):
    email = _plain(org)
    kwargs = {"pk": email.pk, **({"index": 0} if name == "outbox_attachment" else {})}
    other = reverse(f"documents:{name}", kwargs={"org": stranger.memberships.get().organisation.slug, **kwargs})
    for client, url, expected in ((web(stranger), other, 404), (web(manager_user), _url(name, org, **kwargs), 403)):
        response = client.post(url) if name == "outbox_resend" else client.get(url)
        assert response.status_code == expected
    assert OutboundEmail.objects.count() == 1 and DeliveryAttempt.objects.count() == 1


def test_the_detail_page_has_constant_queries(org, admin_user, web, django_assert_max_num_queries):
    email = _plain(org)
    for _ in range(3):
        web(admin_user).post(_url("outbox_resend", org, pk=email.pk))
    client = web(admin_user)
    with django_assert_max_num_queries(10):
        assert client.get(_url("outbox_detail", org, pk=email.pk)).status_code == 200


# --- The test mailbox (the local catcher) -----------------------------------------------------------------


def _catch(settings):  # type: ignore[no-untyped-def]
    settings.MAIL_CATCHER = True
    for name, value in mailer_settings(CATCHER).items():
        setattr(settings, name, value)


def test_the_demo_reads_the_caught_messages_as_received(org, other_org, settings, admin_user, web):
    _catch(settings)
    org.slug = DEMO_SLUG
    org.save(update_fields=["slug"])
    _plain(org)
    _secret(org)
    send_mail_logged(organisation=other_org, to="autre@example.org", subject="Ailleurs", body="x")
    client = web(admin_user)
    assert _url("catcher", org) in client.get(_url("outbox", org)).content.decode()
    listing = client.get(_url("catcher", org)).content.decode()
    assert "Votre convocation" in listing and "Votre espace" in listing and "Ailleurs" not in listing
    [message_id] = re.findall(r"test-mailbox/([\w-]+)/\">Votre espace", listing)
    page = client.get(_url("catcher_detail", org, message_id=message_id)).content.decode()
    assert "https://of.example/p/tok-SECRET-123/" in page  # the addressee's copy: the real link
    [convocation] = re.findall(r"test-mailbox/([\w-]+)/\">Votre convocation", listing)
    page = client.get(_url("catcher_detail", org, message_id=convocation)).content.decode()
    assert "Programme.pdf" in page
    download = client.get(_url("catcher_attachment", org, message_id=convocation, index=0))
    assert download.content == b"%PDF-1.7 programme" and "Programme.pdf" in download["Content-Disposition"]
    # Another organisation's message is not found from here, nor a made-up name.
    assert client.get(_url("catcher_detail", org, message_id="..secret_key")).status_code == 404


def test_the_test_mailbox_is_closed_to_real_organisations_and_without_the_catcher(org, settings, admin_user, web):
    _catch(settings)
    _secret(org)
    client = web(admin_user)
    assert client.get(_url("catcher", org)).status_code == 404  # a real organisation's staff: never
    assert _url("catcher", org) not in client.get(_url("outbox", org)).content.decode()
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    send_mail_logged(organisation=None, to="oubli@example.org", subject="Mot de passe oublié", body="x")
    listing = client.get(_url("catcher", org)).content.decode()
    assert "Votre espace" in listing and "Mot de passe oublié" in listing  # a staff account (technician): all
    settings.MAIL_CATCHER = False  # SMTP configured: no catcher, no page
    assert client.get(_url("catcher", org)).status_code == 404


def test_the_test_mailbox_refuses_lesser_roles_and_other_organisations(org, settings, manager_user, stranger, web):
    _catch(settings)
    org.slug = DEMO_SLUG
    org.save(update_fields=["slug"])
    assert web(manager_user).get(_url("catcher", org)).status_code == 403
    assert web(stranger).get(_url("catcher", org)).status_code == 404
