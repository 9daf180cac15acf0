# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API covers the whole cycle without the web forms: frame D of the BPF (GET/PUT), a session's trainers and
subcontracting at creation, a committee decision recorded afterwards with its date, the signed-sheet scan; with
the permission checks (a lesser role, another organisation's admin) and the rules refused in French."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coopforma.attendance.models import AttendanceRecord
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import TrainerFactory
from coopforma.reporting.models import BpfCharges
from coopforma.training_sessions.models import Session
from coopforma.training_sessions.tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _send(client, method, url, body=None):  # type: ignore[no-untyped-def]
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(url, **kwargs)


def test_frame_d_is_read_and_replaced_by_the_admin_only(api, admin_user, quality_user, stranger, org, other_org):
    admin = api(admin_user, org)
    empty = _send(admin, "get", f"{V1}/bpf/2026/charges").json()
    assert empty["total_charges_cents"] is None
    body = {"total_charges_cents": 1_000_000, "trainer_salaries_cents": 600_000, "purchases_cents": 500_000}
    refused = _send(admin, "put", f"{V1}/bpf/2026/charges", body)
    assert refused.status_code == 422 and "ne peut pas le dépasser" in refused.json()["errors"][0]["message"]
    assert not BpfCharges.objects.filter(organisation=org).exists()
    saved = _send(admin, "put", f"{V1}/bpf/2026/charges", {**body, "purchases_cents": 150_000})
    assert saved.status_code == 200 and saved.json()["purchases_cents"] == 150_000
    assert _send(admin, "get", f"{V1}/bpf/2026/charges").json()["total_charges_cents"] == 1_000_000
    assert _send(api(quality_user, org), "put", f"{V1}/bpf/2026/charges", body).status_code == 403
    assert _send(api(quality_user, org), "get", f"{V1}/bpf/2026/charges").status_code == 403
    foreign = api(stranger, other_org)  # their own organisation: their own (empty) frame, never ours
    assert _send(foreign, "get", f"{V1}/bpf/2026/charges").json()["total_charges_cents"] is None
    assert _send(admin, "get", f"{V1}/bpf/1999/charges").status_code == 422


def test_a_session_is_created_with_its_trainers_and_subcontracting(
    api, admin_user, trainer_user, org, member, trainer, other_trainer
):
    training = TrainingFactory(organisation=org, member_structure=member, title="Coopérer")
    body = {"training_id": training.pk, "trainer_ids": [other_trainer.pk], "subcontracted_out": True}
    created = _send(api(admin_user, org), "post", f"{V1}/sessions", body)
    assert created.status_code == 201, created.content
    assert created.json()["trainer_ids"] == [other_trainer.pk] and created.json()["subcontracted_out"] is True
    count = Session.objects.count()
    unknown = _send(api(admin_user, org), "post", f"{V1}/sessions", {**body, "trainer_ids": [987654]})
    assert unknown.status_code == 422 and "introuvable" in unknown.json()["errors"][0]["message"]
    assert Session.objects.count() == count  # nothing written


def test_a_committee_decision_is_recorded_with_the_date_of_the_meeting(api, admin_user, manager_user, org, member):
    candidate = TrainerFactory(organisation=org, member_structure=member, onboarding_state="applied")
    type(candidate).objects.filter(pk=candidate.pk).update(created_at=dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC))
    admin = api(admin_user, org)
    url = f"{V1}/trainers/{candidate.pk}/decision"
    future = _send(admin, "post", url, {"decision": "validate", "reason": "Comité", "decided_on": "2026-12-01"})
    assert future.status_code == 422 and "futur" in future.json()["errors"][0]["message"]
    early = _send(admin, "post", url, {"decision": "validate", "reason": "Comité", "decided_on": "2026-09-01"})
    assert early.status_code == 422 and "candidature" in early.json()["errors"][0]["message"]
    body = {"decision": "validate", "reason": "Comité pédagogique du 3 novembre", "decided_on": "2026-11-03"}
    assert _send(api(manager_user, org), "post", url, body).status_code == 403
    ok = _send(admin, "post", url, body)
    assert ok.status_code == 200 and ok.json()["decided_at"].startswith("2026-11-03")
    candidate.refresh_from_db()
    assert candidate.decided_at.date() == dt.date(2026, 11, 3)


def test_the_signed_sheet_scan_is_uploaded_through_the_api(
    api, admin_user, stranger, org, other_org, member, trainer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    training = TrainingFactory(organisation=org, member_structure=member)
    session = SessionFactory(training=training)
    slot = SlotFactory(session=session)
    url = f"{V1}/slots/{slot.pk}/scans"
    admin = api(admin_user, org)
    bad = admin.post(url, {"scan": SimpleUploadedFile("feuille.txt", b"hello", content_type="text/plain")})
    assert bad.status_code == 422 and "ni un PDF" in bad.json()["errors"][0]["message"]
    foreign = api(stranger, other_org).post(url, {"scan": SimpleUploadedFile("f.pdf", PDF)})
    assert foreign.status_code == 404
    ok = admin.post(url, {"scan": SimpleUploadedFile("feuille.pdf", PDF, content_type="application/pdf")})
    assert ok.status_code == 201, ok.content
    record = AttendanceRecord.objects.get(pk=ok.json()["record_id"])
    assert record.kind == "paper_scan" and record.payload["sha256"] == ok.json()["sha256"]
