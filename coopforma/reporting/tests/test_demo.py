# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's BPF: attended hours from a valid émargement, frame D, and an honest anomaly whose link fixes it."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from coopforma.accounts.models import Organisation, User
from coopforma.attendance.models import AttendanceStatus, ParticipantAttendance
from coopforma.dashboard.demo import DEMO_SLUG, demo_load
from coopforma.reporting.bpf import compute_bpf
from coopforma.reporting.selectors import current_fiscal_year
from coopforma.training_sessions.models import Participant

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def demo_org(settings, tmp_path):  # type: ignore[no-untyped-def]
    demo_load(var_dir=tmp_path, site_url="https://demo.example", today=TODAY)
    return Organisation.objects.get(slug=DEMO_SLUG)


def test_the_demo_bpf_shows_attended_hours_and_an_anomaly_that_its_link_fixes(demo_org):
    out = io.StringIO()
    call_command("attendance", "verify", stdout=out)
    assert out.getvalue().startswith("OK")
    statuses = set(ParticipantAttendance.objects.values_list("status", flat=True))
    assert {
        AttendanceStatus.PRESENT,
        AttendanceStatus.LATE,
        AttendanceStatus.ABSENT,
        AttendanceStatus.EXCUSED,
    } <= statuses

    # The untyped trainee is in the latest finished session: the BPF of its fiscal year (on the first days of a
    # fiscal year, that is the previous one).
    untyped_participant = Participant.objects.select_related("session").get(organisation=demo_org, bpf_trainee_type="")
    year = current_fiscal_year(demo_org, untyped_participant.session.end_date)
    bpf = compute_bpf(demo_org, year)
    assert bpf.charges is not None and bpf.f1["F1.total"].trainees > 0 and bpf.f1["F1.total"].minutes > 0
    assert bpf.g.trainees == 0 or bpf.g.trainees == 5
    untyped = [a for a in bpf.errors if a.code == "participant_type"]
    assert len(untyped) == 1 and untyped[0].url
    assert any(a.code == "planned_hours" for a in bpf.warnings)

    admin = User.objects.get(memberships__organisation=demo_org, memberships__role="admin")
    from django.test import Client

    client = Client()
    client.force_login(admin)
    page = client.get(f"/o/{DEMO_SLUG}/bpf/?year={year}").content.decode()
    assert untyped[0].url in page
    assert client.get(untyped[0].url).status_code == 200  # the page that fixes it
    before = bpf.f1["F1.a"].trainees
    Participant.objects.filter(pk=untyped[0].object_id).update(bpf_trainee_type="a")
    after = compute_bpf(demo_org, year)
    assert after.f1["F1.a"].trainees == before + 1
    assert not [a for a in after.errors if a.code == "participant_type"]
