# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 15, points 1 and 2: the public catalogue /f/<org>/ (search, filters, pagination, constant queries) and
the training page (Qualiopi indicators 1–3, upcoming sessions with places left)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import MemberStructureFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, PlaceFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def results(url: str) -> str:
    """The list part of a catalogue page (the filters name themes and places too)."""
    text = page(url)
    return text[text.index('id="results"') :]


def published(org, member, **kwargs):  # type: ignore[no-untyped-def]
    return TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True, **kwargs)


def upcoming(training, days: int, *, city: str = "Rennes", **kwargs):  # type: ignore[no-untyped-def]
    place = PlaceFactory(organisation=training.organisation, city=city) if city else None
    start = TODAY + dt.timedelta(days=days)
    kwargs.setdefault("is_public", True)
    return SessionFactory(
        training=training, place=place, start_date=start, end_date=start + dt.timedelta(days=1),
        **kwargs,
    )  # fmt: skip


# --- The catalogue -----------------------------------------------------------------------------------------


def test_the_catalogue_lists_only_the_published_trainings_of_its_organisation(org, other_org, member):
    shown = published(org, member, title="Animer une coopérative")
    TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=False, title="Privée")
    TrainingFactory(organisation=org, member_structure=member, status="draft", is_public=True, title="Brouillon")
    foreign = published(other_org, MemberStructureFactory(organisation=other_org), title="Ailleurs")
    text = page(f"/f/{org.slug}/")
    assert shown.title in text and f"/f/{org.slug}/{shown.pk}/" in text
    assert "Privée" not in text and "Brouillon" not in text and foreign.title not in text
    assert "1 formation" in text
    assert Client().get("/f/inconnu/").status_code == 404


def test_the_search_ignores_accents_and_case_and_needs_every_word(org, member):
    published(org, member, title="Développement coopératif", summary="")
    published(org, member, title="Comptabilité d'une SCOP", summary="")
    assert "Développement coopératif" in results(f"/f/{org.slug}/?q=DEVELOPPEMENT")
    text = results(f"/f/{org.slug}/?q=cooperatif+developpement")
    assert "Développement coopératif" in text and "Comptabilité" not in text
    text = results(f"/f/{org.slug}/?q=comptabilite+developpement")
    assert "0 formation" in text and "Aucune formation ne correspond" in text


def test_the_filters_theme_modality_certification_structure(org, member):
    other = MemberStructureFactory(organisation=org, name="Scop Voisine")
    remote = published(org, member, title="A distance", modality="remote", nsf_code="315")
    cert = published(
        org, other, title="Certifiante", certification_kind="rs", certification_code="RS5142", bpf_objective="b"
    )
    assert "A distance" in results(f"/f/{org.slug}/?modality=remote")
    assert "Certifiante" not in results(f"/f/{org.slug}/?modality=remote")
    text = results(f"/f/{org.slug}/?nsf=315")
    assert remote.title in text and cert.title not in text
    text = results(f"/f/{org.slug}/?certifying=yes")
    assert cert.title in text and remote.title not in text
    text = results(f"/f/{org.slug}/?certifying=no")
    assert cert.title not in text and remote.title in text
    text = results(f"/f/{org.slug}/?member_structure={other.pk}")
    assert cert.title in text and remote.title not in text
    assert "Scop Voisine" in page(f"/f/{org.slug}/")  # offered as a filter: two structures publish


def test_the_filters_on_sessions_place_dates_and_upcoming_only(org, member):
    rennes = published(org, member, title="Session à Rennes")
    nantes = published(org, member, title="Session à Nantes")
    none = published(org, member, title="Sans session")
    upcoming(rennes, 10, city="Rennes")
    upcoming(nantes, 40, city="Nantes")
    past = upcoming(none, -20, city="Brest")  # past: neither shown nor offered as a place
    cancelled = upcoming(none, 15, city="Lorient", status="cancelled")
    text = page(f"/f/{org.slug}/")
    assert '<option value="Nantes">' in text and '<option value="Rennes">' in text
    assert "Brest" not in text and "Lorient" not in text and past and cancelled
    text = results(f"/f/{org.slug}/?city=Nantes")
    assert nantes.title in text and rennes.title not in text
    text = results(f"/f/{org.slug}/?upcoming=on")
    assert rennes.title in text and nantes.title in text and none.title not in text
    start, end = TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=60)
    text = results(f"/f/{org.slug}/?date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}")
    assert nantes.title in text and rennes.title not in text and none.title not in text


def test_bad_filter_values_are_explained_in_french_and_left_out(org, member):
    published(org, member, title="Toujours là")
    text = page(f"/f/{org.slug}/?modality=teleportation&date_from=demain&nsf=999")
    assert "Toujours là" in text and "1 formation" in text
    assert "Sélectionnez un choix valide" in text and "Saisissez une date valide" in text
    start, end = TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=3)
    text = page(f"/f/{org.slug}/?date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}")
    assert "La date de fin doit suivre la date de début" in text


def test_htmx_gets_only_the_results(org, member):
    published(org, member, title="Fragment")
    response = Client().get(f"/f/{org.slug}/?q=fragm", HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="results"' in text and "Fragment" in text and "<html" not in text


def test_the_catalogue_paginates_and_shows_the_next_sessions(org, member):
    trainings = [published(org, member, title=f"Formation {n:02d}") for n in range(25)]
    session = upcoming(trainings[0], 5, city="Quimper", max_capacity=1)
    EnrolmentFactory(session=session, entrusted_trainees=1)  # full
    text = page(f"/f/{org.slug}/")
    assert "25 formations" in text and "Page 1 sur 2" in text and "Formation 24" not in text
    assert "Quimper" in text and "complet" in text
    assert "Formation 24" in page(f"/f/{org.slug}/?page=2")


@pytest.mark.parametrize("count", [5, 50])
def test_the_catalogue_reads_a_constant_number_of_queries(org, member, count, django_assert_max_num_queries):
    for n in range(count):
        training = published(org, member, title=f"Formation {n}")
        upcoming(training, 5 + n % 20, city=f"Ville {n % 7}")
    client = Client()
    with django_assert_max_num_queries(9):
        assert client.get(f"/f/{org.slug}/").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(f"/f/{org.slug}/?q=formation&upcoming=on&city=Ville+1").status_code == 200


# --- The training page -------------------------------------------------------------------------------------


def test_the_training_page_shows_what_indicators_1_to_3_ask(org, member):
    org.disability_referent_name, org.disability_referent_email = "Aïcha Référente", "handicap@coop.example"
    org.disability_referent_phone = "02 99 00 00 01"
    org.save()
    training = published(
        org, member, title="Titre pro", certification_kind="rncp", certification_code="RNCP35219", rncp_level=5,
        bpf_objective="a", certification_title="Responsable de petite et moyenne structure", certifier="Ministère",
        certification_blocks="Bloc 1 : piloter\nBloc 2 : gérer", certification_equivalences="Aucune équivalence",
        certification_outlets="Gérant·e de coopérative", certification_success_rate=87,
        certification_success_period="sessions 2025", certification_success_sample=23, price_on_quote=True,
        price_intra_cents=None, access_delay="15 jours ouvrés",
    )  # fmt: skip
    text = page(f"/f/{org.slug}/{training.pk}/")
    for expected in [
        "Objectifs", "Prérequis", "14\xa0h", "Modalités et délai d", "15 jours ouvrés", "700,00", "sur devis",
        "Méthodes mobilisées", "Accessibilité", "Aïcha Référente", "mailto:handicap@coop.example", "tel:0299000001",
        "RNCP35219 — Responsable de petite et moyenne structure", "Niveau 5",
        "https://www.francecompetences.fr/recherche/rncp/35219/", "Bloc 2 : gérer", "Aucune équivalence",
        "Gérant·e de coopérative", "87 % (sessions 2025, 23 candidat·es présenté·es)",
    ]:  # fmt: skip
        assert expected in text, expected
    assert f'href="/f/{org.slug}/"' in text  # the breadcrumb back to the catalogue


def test_the_training_page_lists_upcoming_sessions_with_places_left(org, member):
    training = published(org, member)
    open_session = upcoming(training, 12, city="Vannes", max_capacity=10)
    EnrolmentFactory(session=open_session, entrusted_trainees=3)
    full = upcoming(training, 30, city="Lorient", max_capacity=2)
    EnrolmentFactory(session=full, entrusted_trainees=2)
    upcoming(training, 50, city="Saint-Malo", is_public=False)
    text = page(f"/f/{org.slug}/{training.pk}/")
    assert "Vannes" in text and "7 places restantes" in text
    assert "Lorient" in text and "complet" in text
    assert "Saint-Malo" not in text


def test_the_enquiry_links_stay_silent_until_their_pages_exist(org, member):
    training = published(org, member)
    upcoming(training, 12)
    text = page(f"/f/{org.slug}/{training.pk}/")
    assert "Prochaines sessions" in text  # renders whether or not the enquiries' routes are installed


def test_a_price_on_quote_alone_satisfies_the_price_item(org, member):
    from coopforma.catalogue.public_page import public_missing

    training = published(org, member, price_inter_cents=None, price_intra_cents=None, access_delay="2 semaines")
    assert "Tarif" in public_missing(training)
    training.price_on_quote = True
    assert "Tarif" not in public_missing(training)
    assert "Sur devis" in page(f"/f/{org.slug}/{training.pk}/") if training.save() is None else False


def test_another_organisations_structure_or_city_is_refused_and_ignored(org, other_org, member):
    published(org, member, title="Chez nous")
    MemberStructureFactory(organisation=org, name="Seconde structure")
    published(org, MemberStructureFactory(organisation=org, name="Troisième"), title="Chez nous aussi")
    theirs = MemberStructureFactory(organisation=other_org, name="Leur structure")
    upcoming(published(other_org, theirs, title="Chez eux"), 10, city="Ailleursville")
    text = page(f"/f/{org.slug}/?member_structure={theirs.pk}&city=Ailleursville")
    assert "Sélectionnez un choix valide" in text
    assert ">Leur structure<" not in text and '<option value="Ailleursville"' not in text  # never offered
    listed = results(f"/f/{org.slug}/?member_structure={theirs.pk}&city=Ailleursville")
    assert "Chez nous" in listed and "Chez eux" not in listed


def test_indicator_1_wants_the_exact_title_of_a_certification(org, member):
    from coopforma.catalogue.public_page import public_missing

    training = published(
        org, member, certification_kind="rs", certification_code="RS5142", bpf_objective="b", access_delay="8 jours"
    )
    assert "Certification visée (RNCP ou RS)" in public_missing(training)
    assert "Taux d'obtention de la certification" in public_missing(training, indicator=3)
    training.certification_title = "Piloter un tiers-lieu"
    assert "Certification visée (RNCP ou RS)" not in public_missing(training)


def test_a_success_rate_needs_its_period_and_sample_and_the_search_text_follows(org, member, admin_actor):
    from django.core.exceptions import ValidationError

    from coopforma.catalogue import services
    from coopforma.catalogue.models import Training

    training = published(org, member, certification_kind="rs", certification_code="RS5142", bpf_objective="b")
    with pytest.raises(ValidationError) as error:
        services.training_update(actor=admin_actor, training_id=training.pk, certification_success_rate=80)
    assert "période" in error.value.message_dict["certification_success_rate"][0]
    assert Training.objects.get(pk=training.pk).certification_success_rate is None  # nothing written
    services.training_update(
        actor=admin_actor, training_id=training.pk, certification_success_rate=80,
        certification_success_period="sessions 2025", certification_success_sample=10, title="Écologie appliquée",
    )  # fmt: skip
    assert "Écologie appliquée" in results(f"/f/{org.slug}/?q=ecologie")
