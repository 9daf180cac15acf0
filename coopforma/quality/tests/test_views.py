# SPDX-License-Identifier: AGPL-3.0-or-later
"""The pages, through what a user touches: the dashboard, evidence upload, the registers, audits, packs."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopforma.core.models import ActivityLog
from coopforma.quality import services
from coopforma.quality.models import Audit, AuditPack, Complaint, Evidence, NonConformity
from coopforma.quality.tests.conftest import make_session

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def base(org) -> str:  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/quality/"


def test_dashboard_shows_the_32_indicators_with_their_status(web, quality_user, org, session):
    page = web(quality_user).get(base(org)).content.decode()
    for n in range(1, 33):
        assert f'href="/o/{org.slug}/quality/indicators/{n}/"' in page
    assert "Non applicable" in page and "Manquant" in page
    assert "0 sur 3 stagiaires ont répondu au positionnement d&#x27;entrée." in page


def test_indicator_page_lists_missing_records_with_links(web, quality_user, org, session):
    page = web(quality_user).get(base(org) + "indicators/8/").content.decode()
    participant = session.participants.first()
    assert f"/o/{org.slug}/sessions/{session.pk}/participants/{participant.pk}/" in page
    assert participant.trainee.full_name in page


def test_manager_sees_their_structure_share_only(web, manager_user, org, member, other_member, training):
    from coopforma.catalogue.tests.factories import TrainingFactory

    theirs = TrainingFactory(organisation=org, member_structure=other_member, is_public=True, audience="")
    whole = web(manager_user).get(base(org) + "indicators/1/").content.decode()
    assert "part de votre structure" in web(manager_user).get(base(org)).content.decode()
    assert theirs.title not in whole and training.title in whole


def test_upload_evidence_and_mark_it_covering(web, quality_user, org):
    client = web(quality_user)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(
        base(org) + "indicators/22/",
        {"title": "Plan de développement des compétences", "indicators": ["22"], "covers": "on",
         "dated": TODAY.isoformat(), "file": upload},
    )  # fmt: skip
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert item.indicators == [22] and item.covers and item.file
    page = client.get(base(org) + "indicators/22/").content.decode()
    assert "Satisfait" in page and "Plan de développement des compétences" in page
    download = client.get(base(org) + f"evidence/{item.pk}/file/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"
    assert ActivityLog.objects.filter(action="quality.evidence.created", object_id=item.pk).exists()


def test_evidence_without_file_nor_note_is_refused_and_keeps_the_input(web, quality_user, org):
    response = web(quality_user).post(
        base(org) + "indicators/22/", {"title": "Mon titre gardé", "indicators": ["22"], "dated": TODAY.isoformat()}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Déposez un fichier ou écrivez une note." in page
    assert 'value="Mon titre gardé"' in page
    assert not Evidence.objects.exists()


def test_an_oversized_evidence_file_is_refused_on_its_field(web, quality_user, org, monkeypatch):
    monkeypatch.setattr("coopforma.quality.services.MAX_EVIDENCE_BYTES", 10)
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 more than ten bytes", content_type="application/pdf")
    response = web(quality_user).post(
        base(org) + "indicators/22/",
        {"title": "Scan trop lourd", "indicators": ["22"], "dated": TODAY.isoformat(), "file": upload},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Le fichier dépasse 0 Mo" in page and 'value="Scan trop lourd"' in page
    assert not Evidence.objects.exists()


def test_a_trainer_reports_a_complaint_that_the_quality_manager_handles(web, trainer_user, quality_user, org, session):
    response = web(trainer_user).post(
        base(org) + "complaints/new/",
        {"kind": "incident", "received_on": TODAY.isoformat(), "source": "Stagiaire",
         "description": "Vidéoprojecteur en panne", "session": session.pk},
    )  # fmt: skip
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.member_structure_id == session.member_structure_id
    assert complaint.answer_due == TODAY + dt.timedelta(days=services.ANSWER_DAYS)
    client = web(quality_user)
    url = base(org) + f"complaints/{complaint.pk}/"
    form = {"kind": "incident", "received_on": TODAY.isoformat(), "source": "Stagiaire",
            "description": "Vidéoprojecteur en panne", "session": session.pk}  # fmt: skip
    bad = client.post(url, {**form, "closed_on": TODAY.isoformat()})
    assert "Une réclamation se clôture après avoir reçu une réponse." in bad.content.decode()
    ok = client.post(url, {**form, "acknowledged_on": TODAY.isoformat(), "answered_on": TODAY.isoformat(),
                           "answer": "Matériel remplacé", "closed_on": TODAY.isoformat()})  # fmt: skip
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "closed"
    assert "Clôturée" in client.get(base(org) + "complaints/").content.decode()


def test_a_trainer_cannot_report_on_a_session_they_do_not_see(web, trainer_user, org, training):
    hidden = make_session(training)  # the trainer does not teach it
    response = web(trainer_user).post(
        base(org) + "complaints/new/",
        {"kind": "incident", "received_on": TODAY.isoformat(), "source": "x", "description": "y", "session": hidden.pk},
    )
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_audit_nonconformity_deadlines_and_closure(web, quality_user, org):
    client = web(quality_user)
    response = client.post(base(org) + "audits/", {"kind": "surveillance", "planned_on": "2026-01-10",
                                                    "done_on": "2026-01-10", "certifier": "AFNOR"})  # fmt: skip
    assert response.status_code == 302
    audit_url = base(org) + f"audits/{Audit.objects.get().pk}/"
    client.post(audit_url, {"nc-indicator": "4", "nc-severity": "minor", "nc-description": "Besoin non tracé"})
    assert not NonConformity.objects.exists()  # indicator 4: a gap is always major
    assert (
        "toujours une non-conformité majeure"
        in client.post(
            audit_url, {"nc-indicator": "4", "nc-severity": "minor", "nc-description": "Besoin non tracé"}
        ).content.decode()
    )
    client.post(audit_url, {"nc-indicator": "4", "nc-severity": "major", "nc-description": "Besoin non tracé"})
    client.post(audit_url, {"nc-indicator": "23", "nc-severity": "minor", "nc-description": "Veille non exploitée"})
    major, minor = NonConformity.objects.order_by("severity")
    assert (major.severity, major.due_on) == ("major", dt.date(2026, 4, 10))
    assert (minor.severity, minor.due_on) == ("minor", dt.date(2026, 7, 10))
    nc_url = base(org) + f"nonconformities/{minor.pk}/"
    refused = client.post(nc_url, {"closed_on": "2026-02-01"})
    assert "preuve de levée" in refused.content.decode()
    client.post(nc_url, {"closed_on": "2026-02-01", "closure_proof": SimpleUploadedFile("preuve.pdf", b"%PDF")})
    minor.refresh_from_db()
    assert minor.closed_on == dt.date(2026, 2, 1) and minor.closure_proof
    page = client.get(base(org) + "audits/").content.decode()
    assert "Audit de surveillance" in page and "Non-conformités" in page


def test_the_audit_pack_button_builds_a_zip_with_working_relative_links(
    web, quality_user, quality_actor, org, session, django_capture_on_commit_callbacks
):
    services.evidence_create(actor=quality_actor, title="Procédure réclamations", indicators=[31], covers=True,
                             note="", dated=TODAY, file=SimpleUploadedFile("proc.txt", b"procedure"),
                             member_structure=None)  # fmt: skip
    client = web(quality_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(base(org) + "packs/", {"start": "", "end": ""})
    assert response.status_code == 302
    pack = AuditPack.objects.get()
    assert pack.status == "ready"
    listing = client.get(base(org) + "packs/").content.decode()
    assert f"packs/{pack.pk}/download/" in listing
    data = b"".join(client.get(base(org) + f"packs/{pack.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert "index.html" in names and "indicators/32.html" in names and "registers.html" in names
        index = archive.read("index.html").decode()
        for link in re.findall(r'href="([^"]+)"', index):
            assert link in names
        page = archive.read("indicators/31.html").decode()
        evidence_link = re.search(r'href="\.\./(evidence/[^"]+)"', page).group(1)
        assert archive.read(evidence_link) == b"procedure"
        assert 'href="../index.html"' in page
        assert "https://coopforma.example/o/" in archive.read("indicators/08.html").decode()


def test_period_end_before_start_is_refused(web, quality_user, org):
    response = web(quality_user).post(base(org) + "packs/", {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 200 and "précède son début" in response.content.decode()
    assert not AuditPack.objects.exists()


def test_settings_make_specific_indicators_apply(web, quality_user, org):
    client = web(quality_user)
    response = client.post(base(org) + "settings/", {"certifying": "true", "alternance": "unknown",
                                                      "work_based": "unknown", "subcontracting": "false"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(base(org) + "indicators/7/").content.decode()
    assert "Manquant" in page


def test_watch_and_improvement_registers(web, quality_user, org):
    client = web(quality_user)
    watch = {"indicator": "24", "seen_on": TODAY.isoformat(), "source": "Observatoire", "summary": "Besoins",
             "practice_change": "Nouveau module"}  # fmt: skip
    assert client.post(base(org) + "watch/new/", watch).status_code == 302
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    bad = client.post(base(org) + "watch/new/", {"indicator": "24", "seen_on": future, "source": "x", "summary": "y"})
    assert "Cette date est dans le futur." in bad.content.decode()
    action = {"source": "evaluation", "cause": "Rythme", "action": "Alléger le jour 3", "due_on": TODAY.isoformat(),
              "indicators": ["32"]}  # fmt: skip
    assert client.post(base(org) + "improvements/new/", action).status_code == 302
    assert "Alléger le jour 3" in client.get(base(org) + "improvements/").content.decode()
    assert "Observatoire" in client.get(base(org) + "watch/").content.decode()


@pytest.mark.parametrize("path", ["", "complaints/", "improvements/", "watch/", "audits/", "subcontractors/", "packs/"])
def test_pages_take_a_constant_number_of_queries(web, quality_user, quality_actor, org, training, path,
                                                 django_assert_max_num_queries):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web(quality_user)

    def grow(n: int) -> None:
        for _ in range(n):
            make_session(training, trainees=2)
            c = services.complaint_report(actor=quality_actor, kind="complaint", received_on=TODAY, source="x",
                                          description="y", session=None)  # fmt: skip
            services.improvement_create(actor=quality_actor, source="complaint", complaint=c, cause="c", action="a",
                                        due_on=TODAY, owner=quality_actor.user)  # fmt: skip
            services.watch_create(actor=quality_actor, indicator=23, seen_on=TODAY, source="s", summary="s")
            audit = services.audit_create(actor=quality_actor, kind="surveillance", planned_on=TODAY)
            services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=1, severity="minor",
                                          description="d")  # fmt: skip

    grow(1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(base(org) + path).status_code == 200
    grow(5)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get(base(org) + path).status_code == 200
