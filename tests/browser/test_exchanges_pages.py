# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 18 on a phone (390 px): the exchanges' main pages never scroll sideways
(`document.documentElement.scrollWidth` ≤ 391), and a person does the page's main action with a finger: joins the
exchanges, writes in an exchange's shared log, drafts a capitalisation with its file, downloads the published
file from the public page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from coopforma.exchanges import exchange_services as services
from coopforma.exchanges.models import ArtefactKind, Debrief, Licence, LogEntry, Member, Suggestion
from coopforma.exchanges.tests.test_life_scene import build
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import person
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def assert_fits(phone, path: str) -> None:  # type: ignore[no-untyped-def]
    phone.goto(path)
    phone.wait_for_load_state()
    width = phone.evaluate("document.documentElement.scrollWidth")
    inner = phone.evaluate("window.innerWidth")
    assert width <= max(inner, 391), (path, width, phone.evaluate(WIDEST))


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_joining_the_exchanges_on_a_phone(phone):  # type: ignore[no-untyped-def]
    scene = build()
    newcomer = person(scene.network, NetworkRole.MEMBER).user
    log_in(phone, newcomer)
    assert_fits(phone, "/reseaux/reseau-vif/echanges/inscription/")
    phone.get_by_label("Nom affiché").fill("Recyclerie Epsilon")
    phone.get_by_label("Commune").first.fill("Lyon")
    phone.get_by_label("Je propose (un savoir-faire)").fill("Réparer des vélos")
    phone.get_by_label("Je cherche (un savoir-faire)").fill("Tenir une comptabilité")
    phone.get_by_label("J'accepte la charte des échanges").check()
    phone.get_by_role("button", name="M'inscrire aux échanges").tap()
    expect(phone.locator(".messages, [role=status], main").first).to_contain_text("Recyclerie Epsilon")
    assert Member.objects.filter(user=newcomer, joined_at__isnull=False).exists()
    assert_fits(phone, "/reseaux/reseau-vif/echanges/")


def _long_texts(s) -> None:  # type: ignore[no-untyped-def]
    """What overflows a phone when it is careless: long labels in a select, long words in titles and tables."""
    s.c2.label = "Concevoir et animer une démarche de gouvernance partagée entre structures d'un même territoire"
    s.c2.save()
    Member.objects.filter(network=s.network).update(on_map=True)
    for listing in s.provider.listings.all():
        listing.title = "Coopération-intercommunale-et-tiers-lieux-nourriciers " + listing.title
        listing.save()
    s.exchange.title = "Gouvernance partagée : accompagnement-des-structures-émergentes-du-territoire"
    s.exchange.save()
    s.exchange.competencies.add(s.c2)


def test_an_exchanges_pages_on_a_phone(phone, media):  # type: ignore[no-untyped-def]
    s = build()
    _long_texts(s)
    base = f"/reseaux/reseau-vif/echanges/{s.exchange.pk}/"
    log_in(phone, s.provider.user)
    for path in (
        "/reseaux/reseau-vif/echanges/",
        "/reseaux/reseau-vif/echanges/offres-et-demandes/",
        "/reseaux/reseau-vif/echanges/liste/",
        base,
        base + "bilan/",
        base + "capitalisations/ajouter/",
    ):
        assert_fits(phone, path)
    # The main action of the exchange's page: a message in the shared log.
    assert_fits(phone, base)
    phone.get_by_label("Votre message dans le journal").fill("Merci pour l'accueil de mardi !")
    phone.get_by_role("button", name="Ajouter au journal").tap()
    expect(phone.locator("body")).to_contain_text("Merci pour l'accueil de mardi !")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    # A capitalisation drafted with its file, from the phone.
    phone.goto(base + "capitalisations/ajouter/")
    phone.get_by_label("Titre").fill("Fiche : une réunion en gouvernance partagée")
    phone.get_by_label("Contenu").fill("Les étapes, les rôles, le temps de parole.")
    phone.get_by_label("Tiers-lieu Beta").check()
    phone.get_by_label("Fichier joint").set_input_files(
        files=[{"name": "fiche.md", "mimeType": "text/markdown", "buffer": b"# Fiche\n\n- un\n"}]
    )
    phone.get_by_role("button", name="Enregistrer et donner mon accord").tap()
    expect(phone.locator("body")).to_contain_text("enregistrée")
    artefact = s.exchange.artefacts.get()
    assert artefact.file.name.endswith(".md")
    path = f"{base}capitalisations/{artefact.pk}/"
    assert_fits(phone, path)
    expect(phone.get_by_role("link", name="Télécharger le fichier joint (Markdown)")).to_be_visible()


def test_the_public_artefact_page_on_a_phone(phone, media):  # type: ignore[no-untyped-def]
    s = build()
    artefact = services.artefact_create(
        actor=s.actor(s.provider.user),
        exchange=s.exchange,
        kind=ArtefactKind.SHEET,
        title="Fiche : une réunion en gouvernance partagée, avec un titre assez long pour un téléphone",
        body="Les étapes. " * 40 + "https://exemple.org/une-adresse-tres-longue-sans-espace-" + "x" * 80,
        licence=Licence.CC_BY_NC_SA,
        coauthor_ids=[s.learner.pk],
        file=SimpleUploadedFile("fiche.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    services.artefact_agree(actor=s.actor(s.learner.user), artefact=artefact)
    assert_fits(phone, f"/reseaux/reseau-vif/echanges/capitalisations/{artefact.pk}/")
    _long_texts(s)
    assert_fits(phone, "/reseaux/reseau-vif/echanges/public/")
    phone.goto(f"/reseaux/reseau-vif/echanges/capitalisations/{artefact.pk}/")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Télécharger le fichier joint (PDF)").tap()
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_facilitators_pages_on_a_phone(phone, media):  # type: ignore[no-untyped-def]
    s = build()
    _long_texts(s)
    Debrief.objects.create(participant=s.p_learner, learnt="La tenue d'un budget partagé " * 10, rating=4)
    LogEntry.objects.create(exchange=s.exchange, author=s.provider, body="Un message " + "très-long-mot-" * 20)
    offer = s.provider.listings.filter(kind="offer").get()
    request = s.third.listings.filter(kind="request").get()
    Suggestion.objects.create(network=s.network, offer=offer, request=request, score=80)
    base = f"/reseaux/reseau-vif/echanges/{s.exchange.pk}/"
    log_in(phone, s.facilitator)
    for path in (
        "/reseaux/reseau-vif/echanges/liste/",
        "/reseaux/reseau-vif/echanges/mises-en-relation/",
        f"/reseaux/reseau-vif/echanges/offres-et-demandes/{offer.pk}/",
        f"/reseaux/reseau-vif/echanges/membres/{s.provider.pk}/",
        base,
        base + "modifier/",
        base + "etat/",
        base + "etapes/ajouter/",
        f"{base}etapes/{s.past_step.pk}/",
        f"{base}etapes/{s.past_step.pk}/emargement/",
        base + "jalons/ajouter/",
        "/reseaux/reseau-vif/echanges/expeditions/nouvelle/",
        "/reseaux/reseau-vif/echanges/compagnonnages/nouveau/",
    ):
        assert_fits(phone, path)
    # The facilitator's main action: the exchange marked done once a step has passed.
    phone.goto(base + "etat/")
    phone.get_by_label("Nouvel état").select_option(value="done")
    phone.get_by_role("button", name="Enregistrer").tap()
    phone.wait_for_url(f"**{base}")
    s.exchange.refresh_from_db()
    assert s.exchange.state == "done"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
