# SPDX-License-Identifier: AGPL-3.0-or-later
"""The outbox: recorded, sent on commit by the task, failures recorded and retried."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from coopforma.core.compat import DUMMY_TASKS_BACKEND, default_task_backend, mailer_settings
from coopforma.core.mail import MAX_ATTEMPTS, send_mail_logged
from coopforma.core.models import OutboundEmail, OutboundEmailStatus

FAILING = "coopforma.core.tests.test_outbox.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def use_mailer(settings, backend: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in mailer_settings(backend).items():
        setattr(settings, name, value)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("SMTP injoignable")


def _send(org):  # type: ignore[no-untyped-def]
    return send_mail_logged(
        organisation=org,
        to="marie@example.org",
        subject="Bonjour",
        body="Le texte",
        html="<p>Le texte</p>",
        purpose="test",
    )


def test_sent_on_commit_and_recorded(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _send(org)
        assert mail.outbox == []  # nothing leaves before the commit
    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.SENT
    assert email.attempts == 1 and email.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marie@example.org"]
    assert mail.outbox[0].alternatives[0][0] == "<p>Le texte</p>"


def test_rolled_back_transaction_sends_nothing(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send(org)
    assert len(callbacks) == 1 and mail.outbox == []


def test_failure_is_recorded_then_the_command_retries(org, settings, django_capture_on_commit_callbacks):
    use_mailer(settings, FAILING)
    with django_capture_on_commit_callbacks(execute=True):
        email = _send(org)
    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.FAILED
    assert email.attempts == 1
    assert "SMTP injoignable" in email.last_error
    assert mail.outbox == []

    use_mailer(settings, LOCMEM)
    call_command("send_queued_mail")
    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.SENT and email.attempts == 2 and email.last_error == ""
    assert len(mail.outbox) == 1


def test_retry_is_deferred_when_the_backend_can(org, settings, django_capture_on_commit_callbacks):
    use_mailer(settings, FAILING)
    settings.TASKS = {"default": {"BACKEND": DUMMY_TASKS_BACKEND}}
    with django_capture_on_commit_callbacks(execute=True):
        email = _send(org)
    assert len(default_task_backend.results) == 1  # queued, not run
    from coopforma.core.tasks import send_outbound_email

    assert send_outbound_email.call(email.pk) == "failed"
    deferred = default_task_backend.results[-1]
    assert len(default_task_backend.results) == 2
    assert deferred.task.run_after is not None and deferred.args == [email.pk]


def test_no_more_than_max_attempts(org, settings, django_capture_on_commit_callbacks):
    use_mailer(settings, FAILING)
    with django_capture_on_commit_callbacks(execute=True):
        email = _send(org)
    for _ in range(MAX_ATTEMPTS + 2):
        call_command("send_queued_mail")
    email.refresh_from_db()
    assert email.attempts == MAX_ATTEMPTS and email.status == OutboundEmailStatus.FAILED


@pytest.mark.parametrize("status", ["queued", "sent", "failed"])
def test_outbox_model_str(org, status):
    email = OutboundEmail.objects.create(organisation=org, to="a@example.org", subject="S", body="B", status=status)
    assert str(email) == "a@example.org — S"


def test_secrets_are_sealed_in_the_outbox_and_sent_in_clear(org, django_capture_on_commit_callbacks):
    link = "https://of.example/p/s3cr3t-token/"
    with django_capture_on_commit_callbacks(execute=False):
        email = send_mail_logged(
            organisation=org,
            to="marie@example.org",
            subject="Votre code : 123456",
            body=f"Ouvrez {link} puis saisissez 123456.",
            html=f'<a href="{link}">{link}</a>',
            purpose="test",
            secrets=[link, "123456"],
        )
    stored = OutboundEmail.objects.get(pk=email.pk)
    for text in (stored.subject, stored.body, stored.html, stored.sealed_secrets):
        assert "s3cr3t-token" not in text and "123456" not in text
    assert (
        stored.readable_body == "Ouvrez [lien ou code personnel masqué] puis saisissez [lien ou code personnel masqué]."
    )
    assert "masqué" in str(stored)

    from coopforma.core.mail import deliver

    deliver(stored.pk)
    sent = mail.outbox[-1]
    assert sent.subject == "Votre code : 123456"
    assert sent.body.startswith(f"Ouvrez {link} puis saisissez 123456.\n\n-- \n")
    assert sent.body.endswith(f"/confidentialite/{org.slug}/")  # the privacy notice (RGPD art. 13)
    assert sent.alternatives[0][0] == f'<a href="{link}">{link}</a>'
    stored.refresh_from_db()
    assert stored.status == OutboundEmailStatus.SENT and stored.sealed_secrets == ""


def test_unreadable_secrets_are_masked_not_leaked(org, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = send_mail_logged(
            organisation=org, to="a@example.org", subject="x", body="code 987654", secrets=["987654"]
        )
    settings.SECRET_KEY = "another-key-after-a-rotation-0123456789"
    from coopforma.core.mail import deliver

    deliver(email.pk)
    assert mail.outbox[-1].body.startswith("code [lien ou code personnel masqué]\n\n-- \n")


def test_the_migration_masks_the_links_and_codes_of_old_messages(org):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("coopforma.core.migrations.0004_redact_outbox_secrets")
    site = "https://of.example"
    old = {
        "signature_request": ("Document à signer : Convention", f"Ouvrez ce lien :\n{site}/s/{'a' * 43}/\n\nMerci"),
        "signature_code": ("Votre code de signature : 042137", "Votre code pour signer « X » est : 042137\n"),
        "portal_link": ("Votre espace", f"Lien : {site}/p/Ab-_{'c' * 39}/\nSi vous…"),
        "attendance.link": ("Votre lien d'émargement", f"Lien :\n{site}/e/{'E' * 32}/\n"),
        "evaluations.invitation": ("Satisfaction", f"Répondez :\n\n{site}/q/12/{'f' * 40}/\n\nMerci"),
        "document_diffused": ("Document", f"Espace :\n{site}/p/{'d' * 43}/\n\nCode de vérification : ABCDE12345"),
        "quality.digest": ("Qualité : 3 échéance(s)", f"Tableau de bord : {site}/o/{org.slug}/quality/\n"),
    }
    for purpose, (subject, body) in old.items():
        OutboundEmail.objects.create(
            organisation=org, to="x@example.org", subject=subject, body=body, html=f"<p>{body}</p>", purpose=purpose
        )
    migration.redact_outbox(apps, None)
    stored = {e.purpose: e for e in OutboundEmail.objects.all()}
    for purpose in ("signature_request", "portal_link", "attendance.link", "evaluations.invitation"):
        email = stored[purpose]
        assert "/s/" not in email.body + email.html and "/p/" not in email.body and "/e/" not in email.body
        assert "/q/" not in email.body and email.body.count(migration.MASKED) == 1, purpose
    code = stored["signature_code"]
    assert "042137" not in code.subject + code.body + code.html
    assert code.subject == f"Votre code de signature : {migration.MASKED}"
    assert "ABCDE12345" in stored["document_diffused"].body and "/p/" not in stored["document_diffused"].body
    assert stored["quality.digest"].body == old["quality.digest"][1]  # an ordinary address stays
    assert stored["signature_request"].subject == "Document à signer : Convention"


def test_attachments_are_read_from_storage_when_sent(org, settings, tmp_path, django_capture_on_commit_callbacks):
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from coopforma.core.mail import MailAttachment

    settings.MEDIA_ROOT = tmp_path
    data = b"%PDF-1.7 programme"
    name = default_storage.save("docs/programme.pdf", ContentFile(data))
    with django_capture_on_commit_callbacks(execute=True):
        email = send_mail_logged(
            organisation=org,
            to="marie@example.org",
            subject="S",
            body="B",
            attachments=[
                MailAttachment(name, "programme.pdf", "application/pdf", hashlib.sha256(data).hexdigest()),
                MailAttachment("docs/absent.pdf", "reglement.pdf", "application/pdf"),
            ],
        )
    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.FAILED and mail.outbox == []
    expected = "AttachmentError: Pièce jointe introuvable : « reglement.pdf » (fichier docs/absent.pdf)."
    assert email.last_error == expected
    assert email.attachment_names == ["programme.pdf", "reglement.pdf"]
    default_storage.save("docs/absent.pdf", ContentFile(b"%PDF-1.7 rules"))
    call_command("send_queued_mail")
    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.SENT
    assert mail.outbox[0].attachments == [
        ("programme.pdf", data, "application/pdf"),
        ("reglement.pdf", b"%PDF-1.7 rules", "application/pdf"),
    ]
