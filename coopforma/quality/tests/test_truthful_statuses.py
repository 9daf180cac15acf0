# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 11, point 8: Qualiopi statuses do not claim what is not there. Read through the API and the pages."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents.models import Document
from coopforma.people.tests.factories import ClientFactory
from coopforma.quality import services
from coopforma.quality.models import Audit, NonConformity, QualitySettings
from coopforma.quality.tests.conftest import make_session
from coopforma.training_sessions.models import Session
from coopforma.training_sessions.tests.factories import PARIS, EnrolmentFactory, PlaceFactory, SlotFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def indicator(api, user, org, number):  # type: ignore[no-untyped-def]
    response = api(user, org).get(f"/api/v1/quality/indicators/{number}")
    assert response.status_code == 200
    return response.json()


def labels(row, key="missing"):  # type: ignore[no-untyped-def]
    return " | ".join(link["label"] for link in row[key])


# --- Indicator 1: what the public page shows ---------------------------------------------------------------


def test_indicator_1_is_met_only_when_the_public_page_shows_every_item(client, api, quality_user, org, training):
    page = client.get(f"/f/{org.slug}/{training.pk}/").content.decode()
    for label in ["Prérequis", "Durée", "Modalités et délai d", "Tarif", "Méthodes mobilisées",
                  "Modalités d&#x27;évaluation", "Accessibilité", "Contact"]:  # fmt: skip
        assert label in page, label
    assert indicator(api, quality_user, org, 1)["status"] == "met"


def test_indicator_1_lists_what_the_public_page_lacks(client, api, quality_user, org, member, training):
    bare = TrainingFactory(
        organisation=org, member_structure=member, is_public=True, price_inter_cents=None, access_delay="",
        methods="", evaluation_methods="", accessibility="",
    )  # fmt: skip
    page = client.get(f"/f/{org.slug}/{bare.pk}/").content.decode()
    assert "Tarif" not in page and "Méthodes mobilisées" not in page
    row = indicator(api, quality_user, org, 1)
    assert row["status"] == "partial" and row["missing_total"] == 1
    text = labels(row)
    for lack in ["Modalités et délai d'accès", "Tarif", "Méthodes mobilisées", "Modalités d'évaluation",
                 "Accessibilité aux personnes en situation de handicap"]:  # fmt: skip
        assert lack in text, lack
    assert "Prérequis" not in text  # shown on the page


def test_indicator_1_requires_a_contact_and_the_certification_code(api, quality_user, org, member, training):
    org.email = ""
    org.save()
    assert "Contact" in labels(indicator(api, quality_user, org, 1))
    org.phone = "02 99 00 00 00"
    org.save()
    TrainingFactory(organisation=org, member_structure=member, is_public=True, access_delay="15 jours",
                    certification_kind="rncp", certification_code="")  # fmt: skip
    assert "Certification visée (RNCP ou RS)" in labels(indicator(api, quality_user, org, 1))


# --- Indicator 3: what a certifying action's public page shows --------------------------------------------


def test_indicator_3_judges_the_certifying_trainings_public_pages(api, quality_user, org, member, training):
    assert indicator(api, quality_user, org, 3)["status"] == "not_applicable"  # no certifying action
    full = TrainingFactory(
        organisation=org, member_structure=member, is_public=True, title="Certifiante complète",
        certification_kind="rncp", certification_code="40344", certification_blocks="RNCP40344BC01 — Piloter",
        certification_equivalences="Aucune équivalence.", certification_outlets="Gérant·e de coopérative.",
        certification_success_rate=87, certification_success_period="2025", certification_success_sample=23,
    )  # fmt: skip
    assert indicator(api, quality_user, org, 3)["status"] == "met"
    TrainingFactory(organisation=org, member_structure=member, is_public=True, title="Certifiante nue",
                    certification_kind="rs", certification_code="5678")  # fmt: skip
    row = indicator(api, quality_user, org, 3)
    assert row["status"] == "partial"
    text = labels(row)
    assert "Certifiante nue" in text and "Taux d'obtention de la certification" in text
    assert "Blocs de compétences" in text and full.title not in text


# --- Indicator 8 and bilans de compétences -----------------------------------------------------------------


def test_indicator_8_does_not_apply_to_a_provider_of_bilans_only(api, quality_user, org, session):
    org.qualiopi_categories = ["skills_assessment"]
    org.save()
    row = indicator(api, quality_user, org, 8)
    assert row["status"] == "not_applicable" and "bilans de compétences" in row["explanation"]
    assert indicator(api, quality_user, org, 27)["status"] == "not_applicable"  # no subcontracting here
    org.qualiopi_categories = ["training", "skills_assessment"]
    org.save()
    assert indicator(api, quality_user, org, 8)["status"] != "not_applicable"


def test_indicator_8_does_not_count_the_trainees_of_a_bilan(api, quality_user, org, member, session, trainer):
    bilan = TrainingFactory(organisation=org, member_structure=member, action_category="skills_assessment")
    make_session(bilan, trainees=2)
    row = indicator(api, quality_user, org, 8)
    assert row["missing_total"] == 3  # the three trainees of the training session, not the bilan's two


# --- An OF working as a subcontractor (guide de lecture V9) --------------------------------------------------


def test_a_subcontractor_only_has_indicators_1_to_3_not_applicable_and_the_contract_decides_7_9_13_16_28(
    api, quality_actor, quality_user, org, session
):  # type: ignore[no-untyped-def]
    other_of = ClientFactory(organisation=org, kind="training_org", name="OF Donneur", nda="11755555575")
    session.enrolments.update(client=other_of)
    for number in (1, 2):
        row = indicator(api, quality_user, org, number)
        assert row["status"] == "not_applicable" and "donneur d'ordre" in row["explanation"]
    assert indicator(api, quality_user, org, 9)["status"] != "not_applicable"  # no contract split recorded
    services.settings_update(actor=quality_actor, principal_keeps=["9"])
    row = indicator(api, quality_user, org, 9)
    assert row["status"] == "not_applicable" and "contrat de sous-traitance" in row["explanation"]
    # A direct client again: everything applies.
    EnrolmentFactory(session=session)
    assert indicator(api, quality_user, org, 1)["status"] != "not_applicable"


def test_the_contract_split_accepts_only_7_9_13_16_28(web, quality_actor, quality_user, org):
    response = web(quality_user).post(f"/o/{org.slug}/quality/settings/", {"principal_keeps": ["1"]})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert not QualitySettings.objects.filter(organisation=org).exists()
    with pytest.raises(ValidationError, match="7, 9, 13, 16 et 28"):
        services.settings_update(actor=quality_actor, principal_keeps=[1])
    response = web(quality_user).post(f"/o/{org.slug}/quality/settings/", {"principal_keeps": ["9", "16"]})
    assert response.status_code == 302
    assert QualitySettings.objects.get(organisation=org).principal_keeps == [9, 16]


# --- Indicators 17, 26 and 27: records, not one upload -------------------------------------------------------


def test_indicator_17_reads_the_sessions_means(api, quality_user, org, session, trainer):
    trainer.cv = "cv.pdf"
    trainer.save()
    row = indicator(api, quality_user, org, 17)
    assert row["status"] == "partial" and "ni lieu ni lien de connexion" in labels(row)
    session.place = PlaceFactory(organisation=org, name="Salle", street="1 rue", city="Rennes", accessibility="")
    session.save()
    assert "accessibilité du lieu non renseignée" in labels(indicator(api, quality_user, org, 17))
    session.place.accessibility = "Plain-pied"
    session.place.save()
    assert indicator(api, quality_user, org, 17)["status"] == "met"


def test_indicator_26_needs_the_referent_the_network_and_accessibility(api, quality_actor, quality_user, org, session):
    org.disability_referent_name = "Dominique Leroy"
    org.disability_referent_email = "handicap@coop.example"
    org.save()
    row = indicator(api, quality_user, org, 26)
    assert row["status"] == "partial" and "Réseau de partenaires handicap" in labels(row)
    services.evidence_create(
        actor=quality_actor, title="Partenaires : Cap emploi 35, Agefiph, RHF Bretagne", indicators=[26], covers=True,
        note="Conventions et contacts", dated=TODAY, file=None, member_structure=None,
    )  # fmt: skip
    assert indicator(api, quality_user, org, 26)["status"] == "met"
    trainee = session.participants.first().trainee
    trainee.adaptation_needs = "Fauteuil roulant"
    trainee.save()
    row = indicator(api, quality_user, org, 26)
    assert row["status"] == "partial" and trainee.full_name in labels(row)


def test_indicator_27_checks_each_session_entrusted_to_another_of(api, admin_actor, quality_user, org, session):
    Session.objects.filter(pk=session.pk).update(subcontracted_out=True)
    row = indicator(api, quality_user, org, 27)
    assert row["applies"] and row["status"] == "missing"
    assert "SIRET du sous-traitant, NDA du sous-traitant, contrat de sous-traitance émis" in labels(row)
    Session.objects.filter(pk=session.pk).update(
        subcontractor_name="Formations Martin", subcontractor_siret="73282932000074", subcontractor_nda="53350999935"
    )
    Document.objects.create(
        organisation=org, kind="subcontracting", title="Contrat de sous-traitance",
        subject_type=ContentType.objects.get_for_model(Session), subject_id=session.pk, session_id_ref=session.pk,
        template_body="", status="final",
    )  # fmt: skip
    row = indicator(api, quality_user, org, 27)
    assert row["status"] == "met" and "confiée à Formations Martin" in labels(row, "counted")


def test_the_session_form_records_the_subcontractor_and_refuses_a_bad_siret(web, admin_user, org, session):
    url = f"/o/{org.slug}/sessions/{session.pk}/edit/"
    data = {"title": session.title, "min_capacity": 1, "max_capacity": 12, "subcontracted_out": "on",
            "subcontractor_name": "Formations Martin", "subcontractor_siret": "12345678901234",
            "subcontractor_nda": "53350999935"}  # fmt: skip
    response = web(admin_user).post(url, data)
    assert response.status_code == 200 and "SIRET" in response.content.decode()
    assert Session.objects.get(pk=session.pk).subcontractor_name == ""
    data["subcontractor_siret"] = "73282932000074"
    assert web(admin_user).post(url, data).status_code == 302
    assert Session.objects.get(pk=session.pk).subcontractor_nda == "53350999935"
    page = web(admin_user).get(f"/o/{org.slug}/sessions/{session.pk}/").content.decode()
    assert "Formations Martin — SIRET 73282932000074 — NDA 53350999935" in page


def test_the_subcontracting_contract_is_a_document_of_an_entrusted_session(admin_actor, org, session):
    from coopforma.documents.services import document_generate
    from coopforma.documents.tests.test_generation import doc_text

    Session.objects.filter(pk=session.pk).update(
        subcontracted_out=True, subcontractor_name="Formations Martin", subcontractor_siret="73282932000074",
        subcontractor_nda="53350999935",
    )  # fmt: skip
    session.refresh_from_db()
    SlotFactory(session=session, starts_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=PARIS))
    text = doc_text(document_generate(actor=admin_actor, kind="subcontracting", subject=session))
    assert "Contrat de sous-traitance" in text and "Formations Martin" in text and "53350999935" in text
    assert "n'est pas une convention de formation" in text and "indicateur 27" in text


# --- Non-conformities and new entrants ---------------------------------------------------------------------


def test_five_open_minor_nonconformities_raise_the_major_alert(web, quality_user, org):
    audit = Audit.objects.create(organisation=org, kind="initial", planned_on=TODAY, done_on=TODAY)
    for number in (1, 1, 1, 1):
        NonConformity.objects.create(organisation=org, audit=audit, indicator=number, severity="minor",
                                     description="Écart", due_on=TODAY + dt.timedelta(days=180))  # fmt: skip
    page = web(quality_user).get(f"/o/{org.slug}/quality/").content.decode()
    assert 'id="minors-alert"' not in page
    NonConformity.objects.create(organisation=org, audit=audit, indicator=1, severity="minor",
                                 description="Écart", due_on=TODAY + dt.timedelta(days=180))  # fmt: skip
    page = web(quality_user).get(f"/o/{org.slug}/quality/").content.decode()
    assert 'id="minors-alert"' in page and "valent une non-conformité majeure" in page
    assert "indicateur 1 : 5" in page
    home = web(quality_user).get(f"/o/{org.slug}/").content.decode()
    assert "5 non-conformités mineures non levées" in home


def test_a_new_entrant_meets_30_and_31_with_the_described_process(api, quality_actor, quality_user, org):
    services.settings_update(actor=quality_actor, new_entrant=True)
    for number in (30, 31):
        row = indicator(api, quality_user, org, number)
        assert row["status"] == "missing" and "Nouvel entrant" in row["explanation"]
        services.evidence_create(
            actor=quality_actor, title="Procédure", indicators=[number], covers=True, note="Processus décrit",
            dated=TODAY, file=None, member_structure=None,
        )  # fmt: skip
        assert indicator(api, quality_user, org, number)["status"] == "met"
    assert "audit de surveillance" in indicator(api, quality_user, org, 30)["explanation"]
    services.settings_update(actor=quality_actor, new_entrant=False)
    assert indicator(api, quality_user, org, 30)["status"] != "met"  # no survey sent: the records decide


def test_the_surveillance_audit_scope_follows_the_corrected_rule(web, quality_user, org):
    page = web(quality_user).get(f"/o/{org.slug}/quality/").content.decode()
    assert "porte au moins sur les indicateurs : 1, 4, 5, 6, 10, 11, 17, 19, 21, 22, 26, 31, 32." in page
    audit = Audit.objects.create(organisation=org, kind="initial", planned_on=TODAY, done_on=TODAY)
    NonConformity.objects.create(organisation=org, audit=audit, indicator=8, severity="minor", description="Écart",
                                 due_on=TODAY + dt.timedelta(days=180), closed_on=TODAY)  # fmt: skip
    page = web(quality_user).get(f"/o/{org.slug}/quality/").content.decode()
    assert "porte au moins sur les indicateurs : 1, 4, 5, 6, 8, 10, 11, 17, 19, 21, 22, 26, 31, 32." in page


def test_the_api_records_the_subcontractor_of_a_session(api, admin_user, org, session):
    client = api(admin_user, org)
    url = f"/api/v1/sessions/{session.pk}"
    bad = client.patch(url, {"subcontractor_nda": "12"}, content_type="application/json")
    assert bad.status_code in (400, 422) and "subcontractor_nda" in bad.content.decode()
    assert Session.objects.get(pk=session.pk).subcontractor_nda == ""
    ok = client.patch(
        url,
        {"subcontracted_out": True, "subcontractor_name": "Formations Martin", "subcontractor_nda": "53350999935"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["subcontractor_nda"] == "53350999935"
