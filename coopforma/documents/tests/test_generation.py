# SPDX-License-Identifier: AGPL-3.0-or-later
"""Generation and finalisation: the PDFs are read back with pypdf and checked for the law's mentions."""

import datetime as dt
import hashlib
import io
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from pypdf import PdfReader

from coopforma.core.models import ActivityLog
from coopforma.documents.models import Document, DocumentStatus, DocumentTemplate
from coopforma.documents.registry import get_kind
from coopforma.documents.services import (
    MissingData,
    document_finalise,
    document_generate,
    document_read,
    documents_generate_for_session,
)
from coopforma.documents.tests.factories import deliver
from coopforma.people.tests.factories import ClientFactory, ContactFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import (
    PARIS,
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    PlaceFactory,
    SessionFactory,
    SlotFactory,
)


def pdf_text(data: bytes) -> str:
    """The text of every page, with typographic quotes and spaces normalised, on one line."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def doc_text(document: Document) -> str:
    return pdf_text(document_read(document))


@pytest.fixture
def world(org, member, trainer):  # type: ignore[no-untyped-def]
    """A session taught by `trainer` (member structure `member`): 2 slots, a company and an individual."""
    org.nda_region = "Île-de-France"
    org.disability_referent_name = "Dominique Leroy"
    org.consumer_mediator_name = "CM2C, 49 rue de Ponthieu, 75008 Paris"
    org.save()
    session = SessionFactory(
        training__organisation=org, training__member_structure=member, title="Animer une réunion coopérative"
    )
    session.place = PlaceFactory(organisation=org, name="Salle du Marché")
    session.save()
    session.trainers.add(trainer)
    trainer.qualifications = "Master en sciences de l'éducation"
    trainer.save()
    SlotFactory(session=session, starts_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS))
    SlotFactory(
        session=session,
        starts_at=dt.datetime(2026, 3, 2, 13, 30, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 2, 17, 30, tzinfo=PARIS),
    )
    company = ClientFactory(organisation=org, name="Scop Exemple", siret="73282932000074", city="Quimper")
    ContactFactory(client=company, organisation=org, first_name="Claire", last_name="Contact", is_signatory=True)
    enrolment = EnrolmentFactory(session=session, organisation=org, client=company, price_cents=140000)
    FundingLineFactory(enrolment=enrolment, organisation=org, payer_kind="opco", payer_name="AKTO")
    participant = ParticipantFactory(
        enrolment=enrolment,
        trainee=TraineeFactory(organisation=org, first_name="Sacha", last_name="Dupont", client=company),
    )
    person = ClientFactory(organisation=org, kind="individual", name="Alex Martin", siret="", city="Rennes")
    individual = EnrolmentFactory(session=session, organisation=org, client=person, price_cents=90000)
    ParticipantFactory(
        enrolment=individual,
        trainee=TraineeFactory(organisation=org, first_name="Alex", last_name="Martin", client=person),
    )
    return SimpleNamespace(
        org=org, session=session, enrolment=enrolment, individual=individual, participant=participant
    )


def test_every_kind_is_registered_with_keywords_and_a_default_text_that_renders():
    from coopforma.documents.rendering import check_template

    codes = [
        "convention",
        "contract",
        "programme",
        "convocation",
        "rules",
        "attendance_sheet",
        "certificate",
        "attestation",
        "quote",
    ]
    for code in codes:
        kind = get_kind(code)
        assert kind.keywords and kind.default_template
        used = check_template(kind.default_template, kind.sample_context())
        assert "organisation.name" in used
    assert {k.code for k in map(get_kind, codes) if k.bulk} == {"convocation", "certificate", "attestation"}


def test_convention_has_the_d6353_1_items_and_the_data(world, admin_actor):
    document = document_generate(actor=admin_actor, kind="convention", subject=world.enrolment)
    assert document.status == DocumentStatus.DRAFT and document.sha256 == ""
    text = doc_text(document)
    for mention in [
        "Convention de formation professionnelle",
        "D6353-1",
        "Animer une réunion coopérative",
        "Objectifs opérationnels",
        "Moyens pédagogiques",
        "Durée : 7 h 30",
        "du 02/03/2026 au 02/03/2026",
        "Modalités de déroulement, de suivi et de sanction",
        "Prix et modalités de règlement",
        "1 400,00 €",
        "Cet enregistrement ne vaut pas agrément de l'État.",
        "11755555575",  # NDA
        "73282932000074",  # SIRET
        "Scop Exemple",
        "Claire Contact",
        "Nombre de stagiaires concernés : 1",
        "Sacha Dupont",
        "AKTO",
        "article 261-4-4° a du Code général des impôts",
        "programme",
        "BROUILLON",
    ]:
        assert mention in text, mention
    assert document.context["client"]["name"] == "Scop Exemple"
    assert "{{ client.name }}" in document.template_body
    assert ActivityLog.objects.filter(action="documents.document.generate", object_id=document.pk).exists()


def test_contract_has_the_l6353_mentions(world, admin_actor):
    text = doc_text(document_generate(actor=admin_actor, kind="contract", subject=world.individual))
    for mention in [
        "Contrat de formation professionnelle",
        "dix jours",
        "toute déclaration dénuée d'ambiguïté",
        "Aucune somme ne peut être exigée",
        "ne peut excéder 30 % du prix",
        "270,00 €",  # 30 % of 900 €
        "force majeure",
        "prorata temporis",
        "Master en sciences de l'éducation",
        "connaissances préalables",
        "Modalités de contrôle des connaissances",
        "Alex Martin",
        "900,00 €",
    ]:
        assert mention in text, mention


@pytest.mark.parametrize(
    ("code", "mentions"),
    [
        (
            "programme",
            ["Programme de formation", "Objectifs opérationnels", "Prérequis", "Accessibilité", "Dominique Leroy"],
        ),
        (
            "rules",
            ["Règlement intérieur", "santé", "sécurité", "Sanctions", "un jour franc", "500 heures", "suppléant"],
        ),
        (
            "attendance_sheet",
            [
                "Feuille d'émargement",
                "Sacha Dupont",
                "Alex Martin",
                "Matin",
                "Après-midi",
                "Théo Formateur",
                "Signature",
            ],
        ),
    ],
)
def test_session_documents(world, admin_actor, code, mentions):
    text = doc_text(document_generate(actor=admin_actor, kind=code, subject=world.session))
    for mention in [*mentions, "Coop Formation Test", "Animer une réunion coopérative" if code != "rules" else "Coop"]:
        assert mention in text, mention


def test_certificate_follows_the_ministry_model(world, admin_actor):
    text = doc_text(document_generate(actor=admin_actor, kind="certificate", subject=world.participant))
    for mention in [
        "CERTIFICAT DE RÉALISATION",
        "Je soussigné(e) Camille Martin",
        "représentant légal du dispensateur de l'action concourant au développement des compétences",
        "atteste que : Sacha Dupont",
        "salarié(e) de l'entreprise Scop Exemple",
        "action de formation",
        "bilan de compétences",
        "action de VAE",
        "action de formation par apprentissage",
        "du 02/03/2026 au 02/03/2026",
        "7 h 30",
        "3 ans",
        "à compter de la fin de l'année du dernier paiement",
        "Fait à : Paris",
    ]:
        assert mention in text, mention


def test_attestation_and_convocation(world, admin_actor):
    text = doc_text(document_generate(actor=admin_actor, kind="attestation", subject=world.participant))
    for mention in [
        "ATTESTATION DE FIN DE FORMATION",
        "Sacha Dupont",
        "Objectifs",
        "Acquis",
        "Nature de l'action",
        "7 h 30",
    ]:
        assert mention in text, mention
    text = doc_text(document_generate(actor=admin_actor, kind="convocation", subject=world.participant))
    for mention in ["Convocation", "Bonjour Sacha", "09 h 00", "Salle du Marché", "règlement intérieur", "référent"]:
        assert mention in text, mention


def test_quote(world, admin_actor):
    text = doc_text(document_generate(actor=admin_actor, kind="quote", subject=world.enrolment))
    for mention in ["Devis n°", "1 400,00 €", "Total TTC", "Bon pour accord", "261-4-4° a"]:
        assert mention in text, mention


def test_vat_subject_organisation_prints_vat(world, admin_actor):
    world.org.vat_regime = "subject"
    world.org.vat_number = "FR40732829320"
    world.org.save()
    text = doc_text(document_generate(actor=admin_actor, kind="quote", subject=world.enrolment))
    assert "TVA au taux de 20 %" in text and "1 680,00 €" in text and "261-4-4" not in text


def test_final_pdf_carries_qr_and_verification_url_and_hash(
    world, admin_actor, settings, django_capture_on_commit_callbacks
):
    deliver(world.session, admin_actor)
    settings.SITE_URL = "https://coop.example"
    document = document_generate(actor=admin_actor, kind="certificate", subject=world.participant)
    draft_name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):  # the draft file is deleted once the final is committed
        final = document_finalise(actor=admin_actor, document_id=document.pk)
    assert final.status == DocumentStatus.FINAL and final.finalised_by == admin_actor.user
    data = default_storage.open(final.file.name, "rb").read()
    assert final.sha256 == hashlib.sha256(data).hexdigest()
    assert not default_storage.exists(draft_name)
    text = pdf_text(data)
    assert f"https://coop.example/v/{final.verification_code}" in text
    assert "BROUILLON" not in text
    # The QR code is drawn as vector paths (the SVG from segno): the page holds far more drawing than without.
    from coopforma.documents.services import render_pdf

    with_qr = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    plain = render_pdf(final.template_body, final.context, code=None, draft=False)
    without = PdfReader(io.BytesIO(plain)).pages[0].get_contents().get_data()
    assert len(with_qr) > len(without) + 500


def test_a_final_document_never_changes(world, admin_actor):
    deliver(world.session, admin_actor)
    first = document_finalise(
        actor=admin_actor,
        document_id=document_generate(actor=admin_actor, kind="certificate", subject=world.participant).pk,
    )
    name, sha = first.file.name, first.sha256
    with pytest.raises(ValidationError) as exc:
        document_finalise(actor=admin_actor, document_id=first.pk)
    assert "déjà définitif" in str(exc.value)
    world.participant.trainee.first_name = "Sasha"
    world.participant.trainee.save()
    second = document_generate(actor=admin_actor, kind="certificate", subject=world.participant)
    first.refresh_from_db()
    assert first.file.name == name and first.sha256 == sha and first.status == DocumentStatus.REPLACED
    assert hashlib.sha256(default_storage.open(name, "rb").read()).hexdigest() == sha
    assert second.previous == first and second.version == 2 and second.status == DocumentStatus.DRAFT
    assert "Sasha Dupont" in doc_text(second)
    # Regenerating a draft updates it in place (no new version).
    again = document_generate(actor=admin_actor, kind="certificate", subject=world.participant)
    assert again.pk == second.pk and again.version == 2


def test_tampered_file_is_detected(world, admin_actor):
    final = document_finalise(
        actor=admin_actor, document_id=document_generate(actor=admin_actor, kind="rules", subject=world.session).pk
    )
    default_storage.delete(final.file.name)
    default_storage.save(final.file.name, io.BytesIO(b"%PDF-1.7 forged"))
    with pytest.raises(ValidationError):
        document_read(final)


def test_organisation_template_is_used(world, admin_actor, admin_user):
    DocumentTemplate.objects.create(
        organisation=world.org,
        kind="rules",
        name="Notre règlement",
        body="= Règlement maison de {{ organisation.name }}",
    )
    document = document_generate(actor=admin_actor, kind="rules", subject=world.session)
    assert "Règlement maison de Coop Formation Test" in doc_text(document)
    assert document.template is not None


def test_missing_data_lists_what_and_where(world, admin_actor):
    world.org.nda = ""
    world.org.save()
    world.enrolment.client.siret = ""
    world.enrolment.client.save()
    with pytest.raises(MissingData) as exc:
        document_generate(actor=admin_actor, kind="convention", subject=world.enrolment)
    labels = {m.label: m.url for m in exc.value.missing}
    assert labels["Le numéro de déclaration d'activité (NDA) de Coop Formation Test"] == "/o/coop-test/settings/"
    assert labels["Le SIRET du client Scop Exemple"] == f"/o/coop-test/people/clients/{world.enrolment.client_id}/edit/"
    assert not Document.objects.exists()


def test_missing_slots_and_email(world, admin_actor):
    world.session.slots.all().delete()
    world.participant.trainee.email = ""
    world.participant.trainee.save()
    with pytest.raises(MissingData) as exc:
        document_generate(actor=admin_actor, kind="convocation", subject=world.participant)
    urls = [m.url for m in exc.value.missing]
    assert f"/o/coop-test/sessions/{world.session.pk}/" in urls
    assert f"/o/coop-test/people/trainees/{world.participant.trainee_id}/edit/" in urls


def test_wrong_document_for_the_client(world, admin_actor):
    with pytest.raises(MissingData, match="particulier"):
        document_generate(actor=admin_actor, kind="convention", subject=world.individual)
    with pytest.raises(MissingData, match="pas un particulier"):
        document_generate(actor=admin_actor, kind="contract", subject=world.enrolment)


def test_hostile_values_print_as_text(world, admin_actor):
    client = world.enrolment.client
    client.name = '#read("/etc/passwd") $x$ <script>alert(1)</script>'
    client.save()
    text = doc_text(document_generate(actor=admin_actor, kind="convention", subject=world.enrolment))
    assert '#read("/etc/passwd") $x$ <script>alert(1)</script>' in text.replace("\u201c", '"').replace("\u201d", '"')
    assert "root:" not in text


def test_bulk_generation_one_per_participant_and_merged(world, admin_actor):
    result = documents_generate_for_session(actor=admin_actor, session=world.session, kind="certificate")
    assert len(result.documents) == 2 and not result.missing
    reader = PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages) == 2
    text = pdf_text(result.pdf)
    assert "Sacha Dupont" in text and "Alex Martin" in text


def test_bulk_reports_the_subjects_missing_data(world, admin_actor):
    world.participant.trainee.email = ""
    world.participant.trainee.save()
    result = documents_generate_for_session(actor=admin_actor, session=world.session, kind="convocation")
    assert len(result.documents) == 1 and list(result.missing) == ["Sacha Dupont"]


def test_bulk_refuses_a_kind_that_is_not_bulk(world, admin_actor):
    with pytest.raises(ValidationError):
        documents_generate_for_session(actor=admin_actor, session=world.session, kind="rules")


def test_permissions(world, other_trainer, org, stranger, other_org, manager_actor, trainer_actor):
    from conftest import make_actor

    for actor in [make_actor(other_trainer.user, org), make_actor(stranger, other_org)]:
        with pytest.raises(Http404):
            document_generate(actor=actor, kind="certificate", subject=world.participant)
        with pytest.raises(Http404):
            documents_generate_for_session(actor=actor, session=world.session, kind="certificate")
    # The trainer who teaches the session and the manager of its structure may.
    assert document_generate(actor=trainer_actor, kind="attendance_sheet", subject=world.session).pk
    document = document_generate(actor=manager_actor, kind="certificate", subject=world.participant)
    with pytest.raises(Http404):
        document_finalise(actor=make_actor(other_trainer.user, org), document_id=document.pk)
