# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every quality page and API route, walked with every role (and another organisation, and nobody).

The quality manager and the administrator run the system; a member-structure manager reads the indicators
(their structure's share) but not the registers (403); a trainer only reports a complaint (403 elsewhere);
the administrator of another organisation gets 404 on our records, with our slug (stranger) or their own
(foreign: tests/permissions.py), and their own registers on the pages that name none; anonymous: 302 to the
login (web) or 401 (API).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopforma.quality import services
from coopforma.quality.models import AuditPack
from tests.permissions import API_ROLES, ROLES, api_client, web_client, web_send

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def expect(
    runner: int, *, manager: int = 403, trainer: int = 403, anonymous: int = 302, foreign: int = 404
) -> dict[str, int]:
    return {"admin": runner, "quality": runner, "manager": manager, "trainer": trainer, "stranger": 404,
            "foreign": foreign, "anonymous": anonymous}  # fmt: skip


@pytest.fixture
def world(org, quality_actor, trainer, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    item = services.evidence_create(
        actor=quality_actor, title="Procédure", indicators=[31], covers=True, note="", dated=TODAY,
        file=SimpleUploadedFile("procedure.txt", b"texte"), member_structure=None,
    )  # fmt: skip
    complaint = services.complaint_report(actor=quality_actor, kind="complaint", received_on=TODAY, source="Client",
                                          description="Retard", session=None)  # fmt: skip
    improvement = services.improvement_create(actor=quality_actor, source="other", cause="c", action="a",
                                              due_on=TODAY)  # fmt: skip
    watch = services.watch_create(actor=quality_actor, indicator=23, seen_on=TODAY, source="JO", summary="s")
    audit = services.audit_create(actor=quality_actor, kind="initial", planned_on=TODAY - dt.timedelta(days=3))
    nc = services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=1, severity="minor",
                                       description="d")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.audit_pack_request(actor=quality_actor, period_start=None, period_end=None)
    assert AuditPack.objects.get(pk=pack.pk).status == "ready"
    return {"org": org.slug, "e": item.pk, "c": complaint.pk, "i": improvement.pk, "w": watch.pk, "a": audit.pk,
            "nc": nc.pk, "p": pack.pk, "t": trainer.pk}  # fmt: skip


WEB = [
    ("dashboard", "get", "", None, expect(200, manager=200, foreign=200)),
    ("indicator", "get", "indicators/31/", None, expect(200, manager=200, foreign=200)),
    ("indicator_missing", "get", "indicators/33/", None, expect(404, manager=404)),
    ("indicator_post_invalid", "post", "indicators/31/", {"title": ""}, expect(200, manager=403, foreign=200)),
    ("evidence_file", "get", "evidence/{e}/file/", None, expect(200, manager=200)),
    ("evidence_delete", "post", "evidence/{e}/delete/", {}, expect(302)),
    ("settings", "get", "settings/", None, expect(200, foreign=200)),
    ("complaints", "get", "complaints/", None, expect(200, foreign=200)),
    ("complaint_new", "get", "complaints/new/", None, expect(200, manager=200, trainer=200, foreign=200)),
    (
        "complaint_new_invalid",
        "post",
        "complaints/new/",
        {"kind": "x"},
        expect(200, manager=200, trainer=200, foreign=200),
    ),
    ("complaint_edit", "get", "complaints/{c}/", None, expect(200)),
    ("improvements", "get", "improvements/", None, expect(200, foreign=200)),
    ("improvement_new", "get", "improvements/new/", None, expect(200, foreign=200)),
    ("improvement_edit", "get", "improvements/{i}/", None, expect(200)),
    ("watch", "get", "watch/", None, expect(200, foreign=200)),
    ("watch_new", "get", "watch/new/", None, expect(200, foreign=200)),
    ("watch_edit", "get", "watch/{w}/", None, expect(200)),
    ("checks", "get", "subcontractors/", None, expect(200, foreign=200)),
    # The trainer has no NDA here: the check is refused with a message, then the register (302).
    ("registry_check", "post", "subcontractors/{t}/registry-check/", {}, expect(302)),
    ("audits", "get", "audits/", None, expect(200, foreign=200)),
    ("audit_edit", "get", "audits/{a}/", None, expect(200)),
    ("nonconformity_edit", "get", "nonconformities/{nc}/", None, expect(200)),
    ("packs", "get", "packs/", None, expect(200, foreign=200)),
    ("pack_download", "get", "packs/{p}/download/", None, expect(200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), WEB, ids=[w[0] for w in WEB])
def test_web(request, web, world, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    url = f"/o/{world['org']}/quality/" + path.format(**world)
    response = web_send(web_client(request, web, role), method, url, data, world)
    assert response.status_code == expected[role], f"{role} {method} {url}"


API = [
    ("indicators", "quality/indicators", expect(200, manager=200, anonymous=401)),
    ("indicator", "quality/indicators/31", expect(200, manager=200, anonymous=401)),
]


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize(("name", "path", "expected"), API, ids=[a[0] for a in API])
def test_api(request, api, org, other_org, world, role, name, path, expected):  # type: ignore[no-untyped-def]
    response = api_client(request, api, role, org, other_org).get(f"/api/v1/{path}")
    # Another organisation's token reads its own (empty) indicators: nothing of `org` leaks.
    wanted = 200 if role == "stranger" else expected[role]
    assert response.status_code == wanted, f"{role} {path}"
    if role == "stranger" and name == "indicators":
        assert all(not row["evidence_ids"] for row in response.json()["items"])
