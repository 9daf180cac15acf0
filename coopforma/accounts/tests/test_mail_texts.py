# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Textes des e-mails »: each e-mail the application sends, its default text and placeholders, an organisation's
own text (checked on save, rendered in the sandbox, used by the real sender), back to the default; who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coopforma.accounts import services_mail_texts as services
from coopforma.core.mail import readable
from coopforma.core.mail_texts import all_mail_texts, default_source, get_mail_text, mail_text_render
from coopforma.core.models import ActivityLog, MailTextOverride, OutboundEmail
from coopforma.people.tests.factories import TraineeFactory
from coopforma.public.services import portal_link_request
from tests.permissions import web_client

pytestmark = pytest.mark.django_db

GOOD_BODY = "Bonjour,\n\nVotre espace chez {{ organisme }} : {{ lien }}\n\nÀ bientôt."


def test_every_email_the_app_sends_is_listed_with_a_french_label():  # type: ignore[no-untyped-def]
    codes = {text.code for text in all_mail_texts()}
    assert {
        "signature_request",
        "document_diffused",
        "signature_code",
        "attendance.link",
        "portal_link",
        "membership_invitation",
        "evaluations.invitation",
        "evaluations.reminder",
    } <= codes
    for text in all_mail_texts():
        assert str(text.label) and str(text.label) != text.code and str(text.description)
        subject, body = default_source(text)
        assert "%(" not in subject + body  # shown with the placeholders an organisation writes
    assert "{{ lien }}" in default_source(get_mail_text("portal_link"))[1]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("subject", "body", "field", "reason"),
    [
        ("Votre espace", "Bonjour {{ inconnu }} {{ lien }}", "body", "Marque inconnue « {{ inconnu }} »"),
        ("Votre espace", "Bonjour, voici votre espace.", "body", "doit contenir « {{ lien }} »"),
        ("Lien : {{ lien }}", GOOD_BODY, "subject", "ne peut pas aller dans l'objet"),
        ("Votre espace", "{% for i in range(99999) %}x{% endfor %} {{ lien }}", "body", "blocs"),
        ("Votre espace", "{{ lien.__class__ }}", "body", "seules les marques simples"),
        ("Votre espace", "{{ 'x' * 2000000000 }} {{ lien }}", "body", "seules les marques simples"),
        ("Votre espace", "{{ lien|upper }}", "body", "seules les marques simples"),
        ("Votre espace", "{{ lien ", "body", "écriture incorrecte"),
        ("", GOOD_BODY, "subject", "ne peut pas être vide"),
    ],
)
def test_refused_texts_say_why_and_write_nothing(admin_actor, subject, body, field, reason):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.mail_text_update(actor=admin_actor, code="portal_link", subject=subject, body=body)
    assert reason in " ".join(exc.value.message_dict[field])
    assert not MailTextOverride.objects.exists()


def test_the_organisations_text_is_what_the_real_sender_sends(admin_actor, org, other_org):  # type: ignore[no-untyped-def]
    TraineeFactory(organisation=org, email="lou@example.org")
    TraineeFactory(organisation=other_org, email="lou@example.org")
    services.mail_text_update(
        actor=admin_actor, code="portal_link", subject="Votre espace chez {{ organisme }}", body=GOOD_BODY
    )
    portal_link_request(email="lou@example.org")
    ours = OutboundEmail.objects.get(organisation=org)
    assert ours.subject == f"Votre espace chez {org.name}"
    assert ours.body.startswith(f"Bonjour,\n\nVotre espace chez {org.name} : [[secret:0]]")  # the link stays secret
    assert "[lien ou code personnel masqué]" in readable(ours.body)
    theirs = OutboundEmail.objects.get(organisation=other_org)  # another organisation keeps the default text
    assert theirs.subject == f"Votre espace {other_org.name}"
    assert ActivityLog.objects.filter(action="core.mail_text.updated").count() == 1


def test_reset_goes_back_to_the_default(admin_actor, org):  # type: ignore[no-untyped-def]
    services.mail_text_update(actor=admin_actor, code="portal_link", subject="Objet", body=GOOD_BODY)
    services.mail_text_reset(actor=admin_actor, code="portal_link")
    assert not MailTextOverride.objects.exists()
    subject, _body = mail_text_render(
        organisation_id=org.pk, code="portal_link", values={"org": "Coop", "url": "https://x/p/1"}
    )
    assert subject == "Votre espace Coop"


def test_lesser_roles_may_not(manager_actor, trainer_actor):  # type: ignore[no-untyped-def]
    for actor in (manager_actor, trainer_actor):
        with pytest.raises(PermissionDenied):
            services.mail_text_update(actor=actor, code="portal_link", subject="Objet", body=GOOD_BODY)


ROLES_EXPECTED = {
    "admin": 200,
    "quality": 200,
    "manager": 403,
    "trainer": 403,
    "stranger": 404,
    "foreign": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", list(ROLES_EXPECTED))
@pytest.mark.parametrize("path", ["mail-texts/", "mail-texts/portal_link/"])
def test_pages_matrix(request, web, org, role, path):  # type: ignore[no-untyped-def]
    client = web_client(request, web, role)
    response = client.get(f"/o/{org.slug}/{path}")
    assert response.status_code == ROLES_EXPECTED[role], (role, path)


@pytest.mark.parametrize("role", ["manager", "trainer", "stranger"])
def test_post_refused_writes_nothing(request, web, org, role):  # type: ignore[no-untyped-def]
    client = web_client(request, web, role)
    response = client.post(f"/o/{org.slug}/mail-texts/portal_link/", {"subject": "Objet", "body": GOOD_BODY})
    assert response.status_code in (403, 404)
    response = client.post(f"/o/{org.slug}/mail-texts/portal_link/reset/")
    assert response.status_code in (403, 404)
    assert not MailTextOverride.objects.exists()


def test_pages_show_labels_placeholders_preview_and_errors(web, admin_user, org):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    page = client.get(f"/o/{org.slug}/mail-texts/").content.decode()
    assert "Lien vers l&#x27;espace personnel" in page and "Demande de signature" in page
    assert "portal_link</" not in page and ">signature_request<" not in page  # codes only in URLs
    page = client.get(f"/o/{org.slug}/mail-texts/portal_link/").content.decode()
    assert "{{ lien }}" in page and "obligatoire dans le texte" in page
    assert "https://…/p/…" in page and "Coop Formation" in page  # preview values
    assert client.get(f"/o/{org.slug}/mail-texts/inconnu/").status_code == 404
    response = client.post(
        f"/o/{org.slug}/mail-texts/portal_link/", {"subject": "Objet", "body": "Bonjour {{ prenom }} {{ lien }}"}
    )
    assert response.status_code == 200
    assert "Marque inconnue « {{ prenom }} »" in response.content.decode()
    assert not MailTextOverride.objects.exists()
    response = client.post(
        f"/o/{org.slug}/mail-texts/portal_link/", {"subject": "Objet {{ organisme }}", "body": GOOD_BODY}, follow=True
    )
    text = response.content.decode()
    assert "Texte personnalisé" in text and "Objet Coop Formation" in text
    response = client.post(f"/o/{org.slug}/mail-texts/portal_link/reset/", follow=True)
    assert "reprend le texte par défaut" in response.content.decode()
    assert not MailTextOverride.objects.exists()
