# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network's e-mails (exchanges/mails.py): sent through the outbox attached to the network, listed in its
« E-mails des échanges » (recipients by name, never by address; resend), their texts rewritten by the network
with the safety of an organisation's texts (sandbox, required placeholders, preview, reset), and the permission
matrix (a plain member or the committee 403, another network's facilitator with our ids 404)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.core.mail import outbox_list, send_mail_logged
from coopforma.core.mail_texts import NETWORK, all_mail_texts, get_mail_text
from coopforma.core.models import EMAIL_PURPOSES, MailTextOverride, OutboundEmail, OutboundEmailStatus
from coopforma.exchanges import digest, facilitation, mails
from coopforma.exchanges.models import ListingKind
from coopforma.exchanges.tests.factories import ListingFactory, joined_member
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person

pytestmark = pytest.mark.django_db
SLUG = "reseau-mails"


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug=SLUG, name="Réseau des mails")
    scene = SimpleNamespace(network=network)
    scene.moderator = person(network, NetworkRole.MODERATOR).user
    scene.facilitator = person(network, NetworkRole.FACILITATOR, first_name="Camille", last_name="Anim").user
    scene.committee = person(network, NetworkRole.COMMITTEE).user
    scene.alice = joined_member(network, display_name="Alice", email="alice.contact@example.org")
    scene.bob = joined_member(network, display_name="Bob", email="bob.contact@example.org")
    scene.offer = scene.alice.listings.get(kind=ListingKind.OFFER)
    scene.request = scene.bob.listings.get(kind=ListingKind.REQUEST)
    other = NetworkFactory(slug="autre-reseau", name="Autre réseau")
    scene.other = other
    scene.other_facilitator = person(other, NetworkRole.FACILITATOR).user
    scene.other_email = send_mail_logged(
        organisation=None,
        network=other,
        to="x@example.org",
        subject="Autre Zorglub",
        body="…",
        purpose="exchanges.asked",
    )
    return scene


def url(name: str, slug: str = SLUG, **kwargs: object) -> str:
    return reverse(f"exchanges:{name}", kwargs={"network": slug, **kwargs})


def arrange(s):  # type: ignore[no-untyped-def]
    from coopforma.exchanges.models import Suggestion

    suggestion = Suggestion.objects.create(network=s.network, offer=s.offer, request=s.request, score=50)
    return facilitation.suggestion_arrange(actor=actor_for(s.facilitator, s.network), suggestion_id=suggestion.pk)


# --- the outbox ----------------------------------------------------------------------------------------------------


def test_the_exchanges_mails_are_the_networks_and_listed_in_its_outbox_by_name(s, web):
    exchange = arrange(s)
    mails_sent = OutboundEmail.objects.filter(purpose=facilitation.PURPOSE_ARRANGED)
    assert mails_sent.count() == 2
    assert {m.network_id for m in mails_sent} == {s.network.pk} and {m.organisation_id for m in mails_sent} == {None}
    # No organisation's outbox lists them.
    org_actor = SimpleNamespace(organisation_id=OrganisationFactory().pk)
    assert not outbox_list(actor=org_actor).filter(network__isnull=False).exists()
    for user in (s.moderator, s.facilitator):
        page = web(user).get(url("outbox")).content.decode()
        assert f"Mise en relation : {exchange.title}" in page and "Alice" in page and "Bob" in page
        assert "Mise en relation pour un échange de savoir-faire" in page  # the purpose's French label
        assert "Autre Zorglub" not in page  # another network's message
        for address in (s.alice.email, s.bob.email, s.alice.user.email, s.bob.user.email):
            assert address not in page  # the members' addresses are shown to nobody
        email = mails_sent.first()
        detail = web(user).get(url("outbox_detail", email_id=email.pk)).content.decode()
        assert "Vos coordonnées ne sont partagées" in detail and email.to not in detail
    assert web(s.moderator).get(url("outbox") + "?status=sent").content.decode().count("Mise en relation :") == 0


def test_resend_makes_a_new_message_of_the_network_and_refuses_a_queued_one(s, web):
    arrange(s)
    email = OutboundEmail.objects.filter(purpose=facilitation.PURPOSE_ARRANGED).first()
    client = web(s.facilitator)
    response = client.post(url("outbox_resend", email_id=email.pk), follow=True)
    assert "Ce message est encore en attente" in response.content.decode()
    assert OutboundEmail.objects.filter(purpose=facilitation.PURPOSE_ARRANGED).count() == 2
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmailStatus.FAILED, attempts=1)
    response = client.post(url("outbox_resend", email_id=email.pk))
    new = OutboundEmail.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == url("outbox_detail", email_id=new.pk)
    assert new.network_id == s.network.pk and new.organisation_id is None and new.resent_from_id == email.pk
    assert new.to == email.to and new.body == email.body


def test_who_reads_the_outbox(s, web, client):  # type: ignore[no-untyped-def]
    arrange(s)
    email = OutboundEmail.objects.filter(network=s.network).first()
    pages = [url("outbox"), url("outbox_detail", email_id=email.pk)]
    for page in pages:
        assert client.get(page).status_code == 302  # anonymous: the login page
        assert web(s.moderator).get(page).status_code == 200
        assert web(s.facilitator).get(page).status_code == 200
        assert web(s.committee).get(page).status_code == 403
        assert web(s.alice.user).get(page).status_code == 403
    count = OutboundEmail.objects.count()
    for user in (s.committee, s.alice.user):
        assert web(user).post(url("outbox_resend", email_id=email.pk)).status_code == 403
    # Another network's facilitator: 403 with our slug; with their own, our message is not found (404), and ours
    # do not see theirs.
    outsider = web(s.other_facilitator)
    assert outsider.get(url("outbox")).status_code == 403
    assert outsider.get(url("outbox_detail", "autre-reseau", email_id=email.pk)).status_code == 404
    assert outsider.post(url("outbox_resend", "autre-reseau", email_id=email.pk)).status_code == 404
    assert outsider.get(url("outbox_detail", "autre-reseau", email_id=s.other_email.pk)).status_code == 200
    assert web(s.moderator).get(url("outbox_detail", email_id=s.other_email.pk)).status_code == 404
    assert OutboundEmail.objects.count() == count  # refused: nothing written
    assert web(s.moderator).get(url("outbox_detail", email_id=999999)).status_code == 404


# --- the texts -----------------------------------------------------------------------------------------------------


def test_the_network_texts_are_registered_labelled_and_kept_apart_from_the_organisations():
    codes = {text.code for text in all_mail_texts(scope=NETWORK)}
    assert codes == {"exchanges.arranged", "exchanges.asked", "exchanges.digest"}
    assert codes <= set(EMAIL_PURPOSES)
    assert {facilitation.PURPOSE_ARRANGED, facilitation.PURPOSE_ASKED, digest.PURPOSE} == codes
    assert not codes & {text.code for text in all_mail_texts()}  # not on an organisation's « Textes des e-mails »
    assert get_mail_text("exchanges.arranged", scope="organisation") is None


def test_a_moderator_rewrites_a_text_that_serves_from_the_next_sending_for_this_network_only(s, web):
    client = web(s.moderator)
    page = client.get(url("mail_text_edit", code="exchanges.arranged")).content.decode()
    assert "{{ lien }}" in page and "Camille Animatrice" in page  # the placeholders and the preview's values
    response = client.post(
        url("mail_text_edit", code="exchanges.arranged"),
        {"subject": "Rencontre : {{ echange }}", "body": "Salut {{ nom }} !\n{{ participants }}\n{{ lien }}"},
        follow=True,
    )
    assert "il sert dès le prochain envoi" in response.content.decode()
    assert "Salut Ada !" in response.content.decode()  # the preview with the example values
    override = MailTextOverride.objects.get(network=s.network, code="exchanges.arranged")
    assert override.organisation_id is None
    exchange = arrange(s)
    email = OutboundEmail.objects.filter(purpose=facilitation.PURPOSE_ARRANGED).get(to=s.alice.email)
    assert email.subject == f"Rencontre : {exchange.title}"
    assert email.body.startswith("Salut Alice !\n- Alice") and f"/reseaux/{SLUG}/echanges/" in email.body
    # The other network keeps the default text.
    assert mails.ARRANGED.code not in set(
        MailTextOverride.objects.filter(network=s.other).values_list("code", flat=True)
    )
    # Back to the default.
    listing = client.get(url("mail_texts")).content.decode()
    assert "Personnalisé" in listing and "Récapitulatif des échanges de savoir-faire" in listing
    client.post(url("mail_text_reset", code="exchanges.arranged"))
    assert not MailTextOverride.objects.filter(network=s.network).exists()


def test_a_text_is_refused_as_an_organisations_would_be(s, web):
    client = web(s.facilitator)  # the facilitators may rewrite them too (exchanges.mail_texts)
    cases = [
        ({"subject": "Objet", "body": "Bonjour {{ prenom }}\n{{ lien }}"}, "Marque inconnue"),
        ({"subject": "Objet", "body": "Bonjour {{ nom }}"}, "Le texte doit contenir"),
        ({"subject": "Objet", "body": "{% for x in y %}{{ lien }}{% endfor %}"}, "les blocs"),
        ({"subject": "Objet", "body": "{{ lien.__class__ }}"}, "seules les marques simples"),
        ({"subject": "", "body": "{{ lien }}"}, "ne peut pas être vide"),
    ]
    for data, error in cases:
        response = client.post(url("mail_text_edit", code="exchanges.arranged"), data)
        assert response.status_code == 200 and error in response.content.decode(), data
    digest_case = client.post(url("mail_text_edit", code="exchanges.digest"), {"subject": "S", "body": "{{ lien }}"})
    assert "nouvelles" in digest_case.content.decode()  # the computed lists cannot be removed
    assert not MailTextOverride.objects.exists()


def test_who_edits_the_texts(s, web, client):  # type: ignore[no-untyped-def]
    pages = [url("mail_texts"), url("mail_text_edit", code="exchanges.asked")]
    for page in pages:
        assert client.get(page).status_code == 302
        assert web(s.moderator).get(page).status_code == 200
        assert web(s.facilitator).get(page).status_code == 200
        assert web(s.committee).get(page).status_code == 403
        assert web(s.alice.user).get(page).status_code == 403
    data = {"subject": "{{ offre }}", "body": "{{ lien }}"}
    for user in (s.committee, s.alice.user):
        assert web(user).post(url("mail_text_edit", code="exchanges.asked"), data).status_code == 403
        assert web(user).post(url("mail_text_reset", code="exchanges.asked")).status_code == 403
    assert web(s.other_facilitator).post(url("mail_text_edit", code="exchanges.asked"), data).status_code == 403
    assert not MailTextOverride.objects.exists()  # refused: nothing written
    # An organisation's e-mail is no network's, and a network's is on no organisation's page.
    assert web(s.moderator).get(url("mail_text_edit", code="portal_link")).status_code == 404
    assert web(s.moderator).get(url("mail_text_edit", code="nope")).status_code == 404
    # Another network's text is its own: theirs changes nothing here.
    other = web(s.other_facilitator)
    assert other.post(url("mail_text_edit", "autre-reseau", code="exchanges.asked"), data).status_code == 302
    assert MailTextOverride.objects.get().network == s.other
    assert "Personnalisé" not in web(s.moderator).get(url("mail_texts")).content.decode()


def test_the_asked_mail_and_the_digest_use_the_networks_text(s, web):
    MailTextOverride.objects.create(
        network=s.network, code="exchanges.asked", subject="Demande : {{ offre }}", body="{{ membre }} — {{ lien }}"
    )
    MailTextOverride.objects.create(
        network=s.network,
        code="exchanges.digest",
        subject="Quoi de neuf à {{ reseau }} ({{ nombre }})",
        body="Coucou {{ nom }}\n\n{{ nouvelles }}\n\nSe désabonner : {{ lien }}",
    )
    dave = joined_member(s.network, display_name="Dave")
    own = dave.listings.get(kind=ListingKind.REQUEST)
    facilitation.suggestion_ask(actor=actor_for(dave.user, s.network), listing_id=s.offer.pk, own_listing_id=own.pk)
    asked = OutboundEmail.objects.get(purpose=facilitation.PURPOSE_ASKED, network=s.network)
    assert asked.subject == f"Demande : {s.offer.title}" and asked.body.startswith("Dave — http")
    assert asked.network_id == s.network.pk
    ListingFactory(member=dave, kind=ListingKind.OFFER, title="Nouvelle offre du réseau")
    assert digest.digest_send(due=False) >= 1
    sent = OutboundEmail.objects.filter(purpose=digest.PURPOSE, to=s.alice.user.email).get()
    assert sent.network_id == s.network.pk
    assert sent.subject.startswith("Quoi de neuf à Réseau des mails (") and "nouvelle" in sent.subject
    assert sent.body.startswith("Coucou Alice\n\n") and not sent.body.startswith("Coucou Alice\n\n\n")
    assert "Nouvelle offre du réseau" in sent.body and "Se désabonner : http" in sent.body


def test_a_text_has_exactly_one_owner(s):
    from django.db import IntegrityError, transaction

    for owners in ({}, {"network": s.network, "organisation": OrganisationFactory()}):
        with pytest.raises(IntegrityError), transaction.atomic():
            MailTextOverride.objects.create(code="exchanges.asked", subject="S", body="{{ lien }}", **owners)
    MailTextOverride.objects.create(network=s.network, code="exchanges.asked", subject="S", body="{{ lien }}")
    with pytest.raises(IntegrityError), transaction.atomic():
        MailTextOverride.objects.create(network=s.network, code="exchanges.asked", subject="T", body="{{ lien }}")
