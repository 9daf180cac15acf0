# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every attendance page and API route, walked with every role (and another organisation, and nobody).

The slot belongs to a session of `member` taught by `trainer`: admin, quality and the trainer run it; the
manager of `member` sees the session (its attendance and hours) but does not run the slot (403); the
administrator of another organisation gets 404, with our slug (stranger) or their own (foreign:
tests/permissions.py); anonymous: 302 to the login (web) or 401 (API).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coopforma.attendance import services
from tests.permissions import API_ROLES, ROLES, api_client, fill, web_client, web_send

pytestmark = pytest.mark.django_db


def expect(runner: int, *, manager: int = 403, anonymous: int = 302) -> dict[str, int]:
    return {
        "admin": runner,
        "quality": runner,
        "manager": manager,
        "trainer": runner,
        "stranger": 404,
        "foreign": 404,
        "anonymous": anonymous,
    }


@pytest.fixture
def world(org, session, slot, alice, admin_actor, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    scan = services.paper_scan_upload(
        actor=admin_actor, slot_id=slot.pk, upload=SimpleUploadedFile("feuille.pdf", b"%PDF-1.4 signed sheet")
    )
    return {"org": org.slug, "slot": slot.pk, "s": session.pk, "p": alice.pk, "scan": scan.pk}


WEB = [
    ("slot", "get", "slots/{slot}/", None, expect(200)),
    ("slot_rows", "get", "slots/{slot}/participants/", None, expect(200)),
    ("slot_qr", "get", "slots/{slot}/qr/", None, expect(200)),
    ("slot_open", "post", "slots/{slot}/open/", {}, expect(302)),
    ("slot_close_invalid", "post", "slots/{slot}/close/", {"close-trainer_name": "X"}, expect(200)),
    ("slot_mark", "post", "slots/{slot}/mark/", {"mark-participant": "{p}", "mark-mark": "absent"}, expect(302)),
    ("slot_correct_invalid", "post", "slots/{slot}/correct/", {}, expect(200)),
    ("slot_send_links", "post", "slots/{slot}/send-links/", {}, expect(302)),
    ("slot_sheet", "get", "slots/{slot}/sheet.pdf", None, expect(200)),
    (
        "slot_paper",
        "post",
        "slots/{slot}/paper/",
        {"paper-participant": "{p}", "paper-status": "present"},
        expect(302),
    ),
    ("slot_scan_upload_invalid", "post", "slots/{slot}/scans/", {"scan-x": ""}, expect(200)),
    ("slot_scan", "get", "slots/{slot}/scans/{scan}/", None, expect(200)),
    ("session", "get", "sessions/{s}/", None, expect(200, manager=200)),
    ("session_sheet", "get", "sessions/{s}/sheet.pdf", None, expect(200, manager=200)),
    ("session_export", "get", "sessions/{s}/export.csv", None, expect(200, manager=200)),
    ("session_export_pdf", "get", "sessions/{s}/export.pdf", None, expect(200, manager=200)),
]

API = [
    ("session_attendance", "get", "sessions/{s}/attendance", None, expect(200, manager=200, anonymous=401)),
    ("slot_attendance", "get", "slots/{slot}/attendance", None, expect(200, anonymous=401)),
    ("slot_open", "post", "slots/{slot}/open", None, expect(200, anonymous=401)),
    # The scan upload, sent without a file: who may run the slot reaches the rule (422), the others never do.
    ("slot_scan_without_file", "post", "slots/{slot}/scans", None, expect(422, anonymous=401)),
    ("slot_close_not_open", "post", "slots/{slot}/close", {"trainer_name": "X"}, expect(422, anonymous=401)),
    (
        "slot_mark",
        "post",
        "slots/{slot}/attendance",
        {"participant_id": "{p}", "mark": "absent"},
        expect(201, anonymous=401),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), WEB, ids=[w[0] for w in WEB])
def test_web(request, web, world, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    full = f"/o/{world['org']}/attendance/" + path.format(**world)
    response = web_send(web_client(request, web, role), method, full, data, world)
    assert response.status_code == expected[role], (name, role, response.status_code)
    if role == "anonymous":
        assert "/login" in response.url or "accounts" in response.url


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), API, ids=[a[0] for a in API])
def test_api(request, api, world, org, other_org, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    client = api_client(request, api, role, org, other_org)
    full = "/api/v1/" + path.format(**world)
    payload = fill(data, world)
    if payload and "participant_id" in payload:
        payload["participant_id"] = int(payload["participant_id"])
    if method == "get":
        response = client.get(full)
    else:
        response = client.post(full, payload or {}, content_type="application/json")
    assert response.status_code == expected[role], (name, role, response.status_code, response.content[:200])


def test_other_trainer_does_not_see_the_slot(web, world, other_trainer):  # type: ignore[no-untyped-def]
    client = web(other_trainer.user)
    assert client.get(f"/o/{world['org']}/attendance/slots/{world['slot']}/").status_code == 404
    assert client.get(f"/o/{world['org']}/attendance/sessions/{world['s']}/").status_code == 404


def test_trainer_of_the_session_but_not_of_the_slot_gets_403(web, world, slot, trainer, other_trainer, session):  # type: ignore[no-untyped-def]
    session.trainers.add(other_trainer)
    slot.trainers.set([trainer])
    client = web(other_trainer.user)
    assert client.get(f"/o/{world['org']}/attendance/slots/{world['slot']}/").status_code == 403
    assert client.get(f"/o/{world['org']}/attendance/sessions/{world['s']}/").status_code == 200


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/e/moi/", 403), ("/e/unknown-token/", 404), ("/e/q/forged/", 200)],
)
def test_public_urls_need_no_login(path, expected):  # type: ignore[no-untyped-def]
    assert Client().get(path).status_code == expected
