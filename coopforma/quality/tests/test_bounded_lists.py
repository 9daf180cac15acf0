# SPDX-License-Identifier: AGPL-3.0-or-later
"""A large OF has tens of thousands of records per indicator: the lists of links keep only the first
`LINKS_SHOWN`, in order, while the counts (explanation, headings, API totals) cover every record, and every
page says how many are not listed."""

import io
import re
import zipfile

import pytest

from coopforma.quality import indicator_statuses
from coopforma.quality.models import AuditPack
from coopforma.quality.tests.conftest import make_session
from coopforma.training_sessions.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(training):  # type: ignore[no-untyped-def]
    """A finished session whose 5 trainees all miss their entry positioning (indicator 8)."""
    return make_session(training, trainees=5)


def _eight(org):  # type: ignore[no-untyped-def]
    return next(s for s in indicator_statuses.compute(org) if s.number == 8)


def _participant_urls(org, session):  # type: ignore[no-untyped-def]
    """The participants' edit pages, in the order of the lists (session, trainee's last name, id)."""
    rows = Participant.objects.filter(session=session).order_by("trainee__last_name", "pk")
    return [f"/o/{org.slug}/sessions/{session.pk}/participants/{p.pk}/" for p in rows]


def test_the_lists_keep_the_first_links_in_order_and_the_exact_counts(monkeypatch, org, five):
    whole = _eight(org)
    assert whole.missing_total == 5 and len(whole.missing) == 5 and whole.missing_more == 0
    assert [link.url for link in whole.missing] == _participant_urls(org, five)
    monkeypatch.setattr(indicator_statuses, "LINKS_SHOWN", 3)
    bounded = _eight(org)
    assert bounded.missing == whole.missing[:3]
    assert bounded.missing_total == 5 and bounded.missing_more == 2 and bounded.counted_total == 0
    assert (bounded.status, bounded.explanation) == (whole.status, whole.explanation)
    assert bounded.explanation.startswith("0 sur 5 ")
    nine = next(
        s for s in indicator_statuses.compute(org) if s.number == 9
    )  # 5 trainees without convocation nor rules delivered
    assert nine.missing_total == 5 and len(nine.missing) == 3 and nine.explanation.startswith("0 sur 5 ")


def test_the_indicator_page_says_how_many_are_not_listed(monkeypatch, web, quality_user, org, five):
    monkeypatch.setattr(indicator_statuses, "LINKS_SHOWN", 3)
    client = web(quality_user)
    page = client.get(f"/o/{org.slug}/quality/indicators/8/").content.decode()
    assert "Ce qui manque (5)" in page
    listed = re.findall(rf'href="(/o/{org.slug}/sessions/{five.pk}/participants/\d+/)"', page)
    assert listed == _participant_urls(org, five)[:3]
    assert "… et 2 autres, non listés ici." in page
    assert "0 sur 5 stagiaires ont répondu" in page
    dashboard = client.get(f"/o/{org.slug}/quality/").content.decode()
    assert "5 manquants" in dashboard  # the count, not the number of links


def test_an_unbounded_list_says_nothing_more(web, quality_user, org, five):
    page = web(quality_user).get(f"/o/{org.slug}/quality/indicators/8/").content.decode()
    assert "Ce qui manque (5)" in page and "non listé" not in page
    assert len(re.findall(rf'href="/o/{org.slug}/sessions/{five.pk}/participants/\d+/"', page)) == 5


def test_the_api_bounds_the_lists_and_gives_the_totals(monkeypatch, api, quality_user, org, five):
    monkeypatch.setattr(indicator_statuses, "LINKS_SHOWN", 3)
    eight = api(quality_user, org).get("/api/v1/quality/indicators/8").json()
    assert eight["missing_total"] == 5 and eight["counted_total"] == 0
    assert [link["url"] for link in eight["missing"]] == _participant_urls(org, five)[:3]
    rows = api(quality_user, org).get("/api/v1/quality/indicators").json()["items"]
    assert rows[7]["missing_total"] == 5 and len(rows[7]["missing"]) == 3
    assert rows[4]["counted_total"] == len(rows[4]["counted"])  # indicator 5: one training, nothing cut


def test_the_audit_pack_says_how_many_are_not_listed(
    monkeypatch, web, quality_user, org, five, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(indicator_statuses, "LINKS_SHOWN", 3)
    client = web(quality_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org.slug}/quality/packs/", {"start": "", "end": ""})
    pack = AuditPack.objects.get()
    data = b"".join(client.get(f"/o/{org.slug}/quality/packs/{pack.pk}/download/").streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        page = archive.read("indicators/08.html").decode()
    assert "Ce qui manque (5)" in page and "… et 2 autres, non listés ici." in page
    assert len(re.findall(r"/participants/\d+/", page)) == 3
