# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 11, point 4 (documents): the nature of the action printed is the training's category (L6313-1), not a
constant; a bilan de compétences has its tripartite convention (L6313-4, R6313-4 to R6313-8). PDFs read back."""

import datetime as dt

import pytest

from coopforma.documents.services import MissingData, document_generate
from coopforma.documents.tests.test_generation import doc_text
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import (
    PARIS,
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _enrolment(org, member, category, trainees=1):  # type: ignore[no-untyped-def]
    session = SessionFactory(
        training__organisation=org, training__member_structure=member, training__action_category=category,
        title=f"Action {category}",
    )  # fmt: skip
    SlotFactory(session=session, starts_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=PARIS))
    company = ClientFactory(organisation=org, name="Scop Exemple", siret="73282932000074", city="Quimper")
    ContactFactory(client=company, organisation=org, first_name="Claire", last_name="Contact", is_signatory=True)
    enrolment = EnrolmentFactory(session=session, organisation=org, client=company, price_cents=180000)
    for n in range(trainees):
        ParticipantFactory(
            enrolment=enrolment,
            trainee=TraineeFactory(organisation=org, first_name="Sacha", last_name=f"Dupont{n}", client=company,
                                   email=f"sacha{n}@example.org"),
        )  # fmt: skip
    return enrolment


def test_the_convention_prints_the_training_category(org, member, admin_actor):
    text = doc_text(document_generate(actor=admin_actor, kind="convention", subject=_enrolment(org, member, "vae")))
    assert (
        "Nature de l'action : action permettant de faire valider les acquis de l'expérience au sens de "
        "l'article L6313-1, 3° du Code du travail" in text
    )
    assert "action de formation au sens" not in text
    text = doc_text(
        document_generate(actor=admin_actor, kind="convention", subject=_enrolment(org, member, "training"))
    )
    assert "Nature de l'action : action de formation au sens de l'article L6313-1, 1° du Code du travail" in text


def test_the_attestation_and_the_certificate_print_the_category(org, member, admin_actor):
    participant = _enrolment(org, member, "apprenticeship").participants.get()
    text = doc_text(document_generate(actor=admin_actor, kind="attestation", subject=participant))
    assert "Action de formation par apprentissage (article L6313-1, 4° du Code du travail)" in text
    assert "a suivi l'action de formation" not in text
    context = document_generate(actor=admin_actor, kind="certificate", subject=participant).context
    assert context["certificate"]["nature"] == "apprenticeship"


def test_a_bilan_has_its_tripartite_convention_not_a_training_convention(web, org, member, admin_user, admin_actor):
    enrolment = _enrolment(org, member, "skills_assessment")
    with pytest.raises(MissingData, match="convention tripartite"):
        document_generate(actor=admin_actor, kind="convention", subject=enrolment)
    page = web(admin_user).get(f"/o/{org.slug}/documents/session/{enrolment.session_id}/").content.decode()
    assert "Convention de bilan de compétences" in page
    document = document_generate(actor=admin_actor, kind="skills_assessment_convention", subject=enrolment)
    text = doc_text(document)
    for mention in [
        "Convention de bilan de compétences",
        "L6313-4 et R6313-4 à R6313-8",
        "L'employeur",
        "Le ou la salarié·e bénéficiaire Sacha Dupont0",
        "bilan de compétences au sens de l'article L6313-1, 2° du Code du travail",
        "trois phases",
        "phase préliminaire",
        "phase d'investigation",
        "phase de conclusions",
        "seul·e destinataire des résultats détaillés et du document de synthèse",
        "qu'avec son accord (article L6313-4)",
        "ni une faute ni un motif de licenciement",
        "dix jours",
        "vaut refus",
        "(article R6313-5)",
        "(article R6313-7)",
        "1 800,00 €",
    ]:
        assert mention in text, mention
    # The beneficiary signs, with the employer and the provider.
    assert document.context["trainee"]["email"] == "sacha0@example.org"
    assert document.signers == ["client", "trainee"] and document.requires_quality_signature


def test_a_bilan_convention_names_one_beneficiary(org, member, admin_actor):
    enrolment = _enrolment(org, member, "skills_assessment", trainees=2)
    with pytest.raises(MissingData, match="Un·e seul·e bénéficiaire par convention"):
        document_generate(actor=admin_actor, kind="skills_assessment_convention", subject=enrolment)
