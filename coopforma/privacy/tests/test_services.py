# SPDX-License-Identifier: AGPL-3.0-or-later
"""Access (art. 15, 20), erasure with holds (art. 17), retention periods and the purge, through the services."""

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance
from coopforma.attendance.verify import verify_all
from coopforma.billing.tests.factories import InvoiceFactory
from coopforma.core.models import ActivityLog, DeliveryAttempt, OutboundEmail
from coopforma.people.models import Trainee
from coopforma.people.tests.factories import ContactFactory, TraineeFactory
from coopforma.privacy import selectors, services
from coopforma.privacy.models import Erasure
from coopforma.reporting.bpf import compute_bpf
from coopforma.reporting.outputs import bpf_json

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def unzip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["donnees.json", "synthese.pdf"]
        return json.loads(archive.read("donnees.json")), text_of(archive.read("synthese.pdf"))


def errors(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


def test_export_holds_every_personal_datum_with_source_and_purpose(admin_actor, lived):
    OutboundEmail.objects.filter(to="alice@example.org").update(
        attachments=[{"storage_name": "documents/p.pdf", "file_name": "programme-XYZ.pdf", "mime_type": "x"}]
    )
    archive = services.privacy_export(actor=admin_actor, person=lived)
    data, pdf = unzip(archive.content)
    assert data["schema"] == "coopforma.privacy.export/1"
    (subject,) = data["subjects"]
    sections = {s["key"]: s for s in subject["sections"]}
    assert set(sections) >= {"person", "participations", "attendance", "attendance_log", "emails", "history"}
    assert sections["person"]["records"][0]["adaptation_needs"] == "Fauteuil roulant"
    assert sections["attendance_log"]["records"][0]["ip"] == "10.0.0.7"
    assert sections["emails"]["records"][0]["subject"] == "Votre convocation"
    assert sections["emails"]["records"][0]["attachments"] == "programme-XYZ.pdf"
    for section in sections.values():
        assert section["source"] and section["purpose"] and section["legal_basis"] and section["retention"]
    assert "Code du travail" in sections["attendance"]["retention"]
    assert "Alice Martin" in pdf and "Fauteuil roulant" in pdf and "10.0.0.7" in pdf
    assert "Origine" in pdf and "Finalité" in pdf and "Conservation" in pdf
    assert "Bruno" not in json.dumps(data)  # only hers
    entry = ActivityLog.objects.get(action="privacy.export.created")
    assert entry.object_id == lived.pk and entry.actor == admin_actor.user


def test_export_and_erase_need_the_privacy_flag(manager_actor, trainer_actor, lived):
    for actor in (manager_actor, trainer_actor):
        with pytest.raises(PermissionDenied):
            services.privacy_export(actor=actor, person=lived)
        with pytest.raises(PermissionDenied):
            services.person_erase(actor=actor, person=lived)


def bpf_of(org, year):  # type: ignore[no-untyped-def]
    return json.dumps(bpf_json(compute_bpf(org, year)), sort_keys=True, default=str)


def test_erasure_during_the_attendance_hold_keeps_the_proof_and_the_identity(org, admin_actor, lived, bruno):
    year = timezone.localdate().year
    bpf_before = bpf_of(org, year)
    report = services.person_erase(actor=admin_actor, person=bruno.trainee)
    trainee = Trainee.objects.get(pk=bruno.trainee.pk)
    assert (trainee.first_name, trainee.last_name) == ("Bruno", "Petit")  # the proof names them
    assert trainee.email == trainee.phone == trainee.adaptation_needs == ""
    assert [h.category for h in report.kept] == ["attendance"]
    hold = report.kept[0]
    assert hold.until == selectors.add_months(timezone.localdate(), 72)
    assert "certificat de réalisation" in hold.reason
    # The proof is untouched and still verifies; the BPF of the year is unchanged.
    assert ParticipantAttendance.objects.get(participant=bruno).reason == "Certificat médical de Bruno Petit"
    assert verify_all()[1] == []
    assert bpf_of(org, year) == bpf_before
    assert not OutboundEmail.objects.filter(to="bruno@example.org").exists()
    erasure = Erasure.objects.get(person_kind="trainee", person_id=trainee.pk)
    assert erasure.kept[0]["category"] == "attendance" and not erasure.deleted


def test_erasure_after_the_holds_replaces_them_everywhere_and_the_chain_verifies(
    org, admin_actor, lived, alice, capsys
):
    year = timezone.localdate().year
    bpf_before = bpf_of(org, year)
    refused = "SMTPRecipientsRefused: {'alice@example.org': (550, b'unknown')}"
    for to_alice in OutboundEmail.objects.filter(to="alice@example.org"):
        DeliveryAttempt.objects.create(
            organisation=org, email=to_alice, at=timezone.now(), ok=False, error="refusée", detail=refused
        )
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 7), tick=False):
        report = services.person_erase(actor=admin_actor, person=alice.trainee)
        assert report.kept == []
    trainee = Trainee.objects.get(pk=alice.trainee.pk)
    assert trainee.first_name == "Personne effacée" and trainee.email == ""
    record = AttendanceRecord.objects.get(participant=alice, kind="signed")
    assert record.ip is None and record.user_agent == "" and record.personal_erased_at is not None
    call_command("attendance", "verify")
    assert "aucune rupture" in capsys.readouterr().out
    texts = [e.object_repr + e.actor_label + json.dumps(e.data, ensure_ascii=False) for e in ActivityLog.objects.all()]
    assert not any("Alice" in t or "alice@example.org" in t for t in texts)
    bodies = " ".join(m.to + m.subject + m.body for m in OutboundEmail.objects.all())
    assert "Alice" not in bodies and "alice@example.org" not in bodies
    assert "Bruno Petit" in bodies  # someone else's data stays
    assert DeliveryAttempt.objects.filter(ok=False).exists()
    assert not DeliveryAttempt.objects.filter(detail__icontains="alice").exists()  # the transport quoted her address
    assert all(m.attachments == [] for m in OutboundEmail.objects.filter(to__endswith="@example.invalid"))
    assert bpf_of(org, year) == bpf_before  # the past year's BPF counts the same trainees and hours


def test_open_invoice_blocks_erasure_and_says_what_and_why(org, admin_actor, lived, alice):
    InvoiceFactory(
        organisation=org,
        status="issued",
        number="F-2026-0007",
        fiscal_year=2026,
        sequence=7,
        issued_on=timezone.localdate(),
        total_ttc_cents=120000,
        recipient_email="alice@example.org",
    )
    with pytest.raises(ValidationError) as exc:
        services.person_erase(actor=admin_actor, person=alice.trainee)
    message = errors(exc.value)
    assert "F-2026-0007" in message and "1\u202f200,00" in message and "Rien n'a été effacé" in message
    assert Trainee.objects.get(pk=alice.trainee.pk).email == "alice@example.org"
    assert ActivityLog.objects.filter(action="privacy.erasure.refused").exists()
    holds = selectors.person_holds(person=alice.trainee, today=timezone.localdate())
    invoice_hold = next(h for h in holds if h.category == "invoices")
    assert invoice_hold.until == dt.date(2036, 12, 31) and "L123-22" in invoice_hold.reason


def test_a_trainee_never_enrolled_is_deleted_and_the_protect_chain_is_no_obstacle(org, admin_actor, alice):
    lone = TraineeFactory(organisation=org, first_name="Léa", last_name="Seule", email="lea@example.org")
    report = services.person_erase(actor=admin_actor, person=lone)
    assert report.deleted and not Trainee.objects.filter(pk=lone.pk).exists()
    # A trainee who took part is anonymised instead (the participations hold the BPF and the proof).
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 7), tick=False):
        report = services.person_erase(actor=admin_actor, person=alice.trainee)
    assert not report.deleted and Trainee.objects.filter(pk=alice.trainee.pk).exists()


def test_contact_and_trainer_erasure(org, admin_actor, trainer, lived, enrolment, slot):
    contact = ContactFactory(
        client=enrolment.client, first_name="Carla", last_name="Contact", email="carla@example.org"
    )
    assert services.person_erase(actor=admin_actor, person=contact).deleted
    report = services.person_erase(actor=admin_actor, person=trainer)
    assert report.kept[0].category == "trainer_evidence"  # Qualiopi evidence while the cycle runs
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 7), tick=False):
        trainer.refresh_from_db()
        services.person_erase(actor=admin_actor, person=trainer)
    trainer.refresh_from_db()
    assert trainer.first_name == "Personne effacée" and trainer.email.endswith("@example.invalid")
    assert slot.attendance.__class__.objects.get(slot=slot).trainer_signature == ""
    assert verify_all()[1] == []


def test_retention_periods_respect_the_law(admin_actor, quality_actor):
    with pytest.raises(ValidationError) as exc:
        services.retention_set(actor=admin_actor, category="invoices", months=60)
    assert "L123-22" in errors(exc.value) and "120" in errors(exc.value)
    with pytest.raises(ValidationError, match="au plus 36 mois"):
        services.retention_set(actor=admin_actor, category="prospects", months=48)
    with pytest.raises(PermissionDenied):
        services.retention_set(actor=quality_actor, category="outbox", months=6)
    services.retention_set(actor=admin_actor, category="invoices", months=132)
    assert selectors.retention_months(organisation=admin_actor.organisation, category="invoices") == 132


def test_purge_dry_run_lists_then_the_purge_anonymises(org, lived, alice, bruno, capsys):
    prospect = TraineeFactory(organisation=org, first_name="Paul", last_name="Prospect", email="paul@example.org")
    attached = [{"storage_name": "documents/r.pdf", "file_name": "reglement-interieur-ABC.pdf", "mime_type": "x"}]
    OutboundEmail.objects.update(status="sent", attachments=attached)
    with time_machine.travel(timezone.now() + dt.timedelta(days=120), tick=False):
        call_command("privacy", "purge", "--due", "--dry-run")
        out = capsys.readouterr().out
        assert out.count("texte de l'e-mail") == 2 and "simulation" in out
        assert "stagiaire" not in out  # prospects: 3 years; trainees: the holds run
        assert OutboundEmail.objects.filter(body__contains="Alice").exists()
        call_command("privacy", "purge", "--due")
        assert not OutboundEmail.objects.filter(body__contains="Alice").exists()
        assert list(OutboundEmail.objects.values_list("attachments", flat=True)) == [[], []]  # references too
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 7), tick=False):
        call_command("privacy", "purge", "--due", "--dry-run")
        out = capsys.readouterr().out
        assert f"trainee {prospect.pk}" in out and f"trainee {alice.trainee.pk}" in out
        assert Trainee.objects.filter(pk=prospect.pk).exists()
        call_command("privacy", "purge", "--due")
    assert not Trainee.objects.filter(pk=prospect.pk).exists()
    assert Trainee.objects.get(pk=alice.trainee.pk).first_name == "Personne effacée"
    assert Trainee.objects.get(pk=bruno.trainee.pk).first_name == "Personne effacée"
    assert verify_all()[1] == []


def test_issued_documents_still_verify_after_erasure(org, admin_actor, lived, alice, settings, tmp_path):
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from coopforma.public.tests.helpers import final_document

    settings.MEDIA_ROOT = tmp_path
    document = final_document(org, title="Certificat de réalisation — Alice Martin")
    document.subject_type = ContentType.objects.get_for_model(alice)
    document.subject_id = alice.pk
    document.save(update_fields=["subject_type", "subject_id"])
    kept = selectors.person_holds(person=alice.trainee, today=timezone.localdate())
    assert "documents" in [h.category for h in kept]
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 7), tick=False):
        services.person_erase(actor=admin_actor, person=alice.trainee)
    document.refresh_from_db()
    data = document.file.read()
    response = Client().post("/v/", {"file": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")})
    assert response.status_code == 200 and document.verification_code in response.content.decode()
    assert document.title == "Certificat de réalisation — Alice Martin"  # issued: never altered


def test_contact_and_trainer_archives_and_the_trainer_cv_is_deleted(
    org, admin_actor, trainer, enrolment, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    contact = ContactFactory(
        client=enrolment.client, first_name="Carla", last_name="Contact", email="carla@example.org"
    )
    data, pdf = unzip(services.privacy_export(actor=admin_actor, person=contact).content)
    assert data["subjects"][0]["kind"] == "contact" and "Carla Contact" in pdf
    assert "Relation avec les clients" in data["subjects"][0]["sections"][0]["purpose"]
    trainer.cv.save("cv-theo.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    data, pdf = unzip(services.privacy_export(actor=admin_actor, person=trainer).content)
    assert data["subjects"][0]["sections"][0]["records"][0]["cv"] == trainer.cv.name
    name = trainer.cv.name
    assert default_storage.exists(name)
    report = services.person_erase(actor=admin_actor, person=trainer)
    assert report.kept[0].until == dt.date(2029, 11, 17)  # 3 years after the last session taught (Qualiopi)
    assert default_storage.exists(name)  # kept as evidence of competence while the hold runs
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 4), tick=False):
        trainer.refresh_from_db()
        report = services.person_erase(actor=admin_actor, person=trainer)
    assert report.kept == [] and "CV supprimé" in report.done
    assert not default_storage.exists(name)


def test_the_export_holds_the_requests_sent_from_the_public_catalogue_with_that_e_mail(admin_actor, lived, other_org):
    from coopforma.enquiries.tests.factories import EnquiryFactory

    EnquiryFactory(
        training__organisation=lived.organisation, email="ALICE@example.org", message="Une session en mars ?"
    )
    EnquiryFactory(training__organisation=lived.organisation, email="bruno@example.org", message="Pas la sienne")
    EnquiryFactory(training__organisation=other_org, email="alice@example.org", message="Un autre organisme")
    data, pdf = unzip(services.privacy_export(actor=admin_actor, person=lived).content)
    (subject,) = data["subjects"]
    sections = {s["key"]: s for s in subject["sections"]}
    assert [r["message"] for r in sections["enquiries"]["records"]] == ["Une session en mars ?"]
    assert sections["enquiries"]["purpose"] and sections["enquiries"]["retention"]
    assert "Une session en mars ?" in pdf and "Pas la sienne" not in pdf and "Un autre organisme" not in pdf


def test_the_purge_empties_the_networks_messages_after_the_outbox_period(org, capsys):
    from coopforma.networks.tests.factories import NetworkFactory

    network = NetworkFactory(slug="reseau-echanges")
    sent = OutboundEmail.objects.create(
        network=network, to="alice@example.org", subject="Mise en relation", body="Bonjour Alice", status="sent"
    )
    recent = OutboundEmail.objects.create(
        network=network, to="alice@example.org", subject="Lettre", body="Bonjour encore Alice", status="sent"
    )
    OutboundEmail.objects.filter(pk=sent.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    call_command("privacy", "purge", "--due", "--org", org.slug)  # one organisation's purge: not the networks'
    assert OutboundEmail.objects.get(pk=sent.pk).body == "Bonjour Alice"
    call_command("privacy", "purge", "--due", "--dry-run")
    assert "reseau-echanges" in capsys.readouterr().out
    assert OutboundEmail.objects.get(pk=sent.pk).body == "Bonjour Alice"
    call_command("privacy", "purge", "--due")
    assert "Alice" not in OutboundEmail.objects.get(pk=sent.pk).body + OutboundEmail.objects.get(pk=sent.pk).subject
    assert OutboundEmail.objects.get(pk=recent.pk).body == "Bonjour encore Alice"  # within its three months
