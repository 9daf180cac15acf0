# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the groupements follow after they are formed: a rectified deadline moves their deadline milestone (its
reminder re-armed, the page says so); members added or removed while forming (shares re-checked, the mandataire
replaced first); each refusal in French, nothing written."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.core.log import ActivityLog
from coopforma.tenders import consortium_services as svc
from coopforma.tenders import services
from coopforma.tenders.consortium_reminders import reminders_send
from coopforma.tenders.models import ConsortiumMember, ConsortiumShare, Notice
from coopforma.tenders.services import tender_import
from coopforma.tenders.tests.factories import FIXTURE, member_of, scenario

pytestmark = pytest.mark.django_db


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}T12:00:00+00:00"


def _rows(deadline: dt.date, rectified: dt.date) -> tuple[dict, dict]:
    original, _second, rectification, *_ = json.loads(FIXTURE.read_text())["results"]
    original = dict(original, datelimitereponse=_iso(deadline), dateparution=timezone.localdate().isoformat())
    published = timezone.localdate() + dt.timedelta(days=1)
    rectification = dict(rectification, datelimitereponse=_iso(rectified), dateparution=published.isoformat())
    return original, rectification


def _write(tmp_path, rows, name):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


@pytest.fixture
def s(db, tmp_path):  # type: ignore[no-untyped-def]
    scene = scenario()
    today = timezone.localdate()
    scene.deadline, scene.rectified = today + dt.timedelta(days=5), today + dt.timedelta(days=20)
    scene.original_row, scene.rectification_row = _rows(scene.deadline, scene.rectified)
    tender_import(source=_write(tmp_path, [scene.original_row], "avis.json"))
    scene.notice = Notice.objects.get(idweb="00-90001")
    for org, user in [(scene.coop, scene.coop_user), (scene.other_coop, scene.other_coop_user)]:
        services.interest_create(actor=scene.actor(user), notice=scene.notice, organisation_id=org.pk)
    scene.third = OrganisationFactory(name="Coop Gamma")
    scene.third_user = member_of(scene.network, scene.third)
    scene.consortium = svc.consortium_create(
        actor=scene.actor(scene.moderator),
        notice=scene.notice,
        form="joint",
        mandataire_id=scene.coop.pk,
        member_ids=[scene.coop.pk, scene.other_coop.pk],
    )
    scene.tmp_path = tmp_path
    return scene


def page(s, web, user):  # type: ignore[no-untyped-def]
    url = reverse("tenders:consortium", kwargs={"network": "reseau-coop", "consortium_id": s.consortium.pk})
    return web(user).get(url).content.decode()


# --- (a) a rectified deadline ------------------------------------------------------------------------------------


def test_a_rectification_imported_later_moves_the_deadline_milestone_and_rearms_its_reminder(s, web, api):  # type: ignore[no-untyped-def]
    milestone = s.consortium.milestones.get(kind="deadline")
    assert milestone.due_on == s.deadline
    # The deadline is 5 days away, reminded 7 days before: sent now.
    assert reminders_send() == 3
    milestone.refresh_from_db()
    assert milestone.reminded_at is not None

    tender_import(source=_write(s.tmp_path, [s.rectification_row], "rectificatif.json"))

    milestone.refresh_from_db()
    assert milestone.due_on == s.rectified and milestone.moved_from == s.deadline
    assert milestone.rectified_by.idweb == "00-90003" and milestone.reminded_at is None
    assert ActivityLog.objects.filter(action="tenders.consortium.deadline_moved").count() == 1
    text = page(s, web, s.coop_user)
    assert "date limite modifiée par un avis rectificatif le" in text and "00-90003" in text
    one = api(s.coop_user, s.coop).get(f"/api/v1/tenders/consortiums/{s.consortium.pk}").json()
    deadline = one["milestones"][0]
    assert deadline["due_on"] == s.rectified.isoformat() and deadline["moved_from"] == s.deadline.isoformat()
    assert deadline["rectified_by"] == "00-90003" and deadline["kind"] == "deadline"
    # Not reminded again before 7 days from the new date; then once.
    assert reminders_send() == 0
    later = timezone.now() + dt.timedelta(days=13)
    assert reminders_send(now=later) == 3
    assert reminders_send(now=later) == 0
    # The same import again moves nothing more.
    tender_import(source=_write(s.tmp_path, [s.rectification_row], "rectificatif.json"))
    assert ActivityLog.objects.filter(action="tenders.consortium.deadline_moved").count() == 1


def test_an_updated_notice_moves_the_deadline_and_a_closed_groupement_keeps_its_date(s, web):  # type: ignore[no-untyped-def]
    later = s.deadline + dt.timedelta(days=2)
    tender_import(source=_write(s.tmp_path, [dict(s.original_row, datelimitereponse=_iso(later))], "maj.json"))
    milestone = s.consortium.milestones.get(kind="deadline")
    assert milestone.due_on == later and milestone.rectified_by is None
    assert "date limite modifiée par une mise à jour de l'avis le" in page(s, web, s.moderator)
    # A withdrawn groupement does not follow any more.
    svc.consortium_state_set(actor=s.actor(s.moderator), consortium=s.consortium, state="withdrawn")
    tender_import(source=_write(s.tmp_path, [s.rectification_row], "rectificatif.json"))
    milestone.refresh_from_db()
    assert milestone.due_on == later


def test_a_rectification_of_another_notice_moves_nothing(s):  # type: ignore[no-untyped-def]
    other = dict(s.rectification_row, idweb="00-90009", annonce_lie=["00-90002"])
    tender_import(source=_write(s.tmp_path, [other], "autre.json"))
    assert s.consortium.milestones.get(kind="deadline").due_on == s.deadline


# --- (b) the members while forming --------------------------------------------------------------------------------


def member_url(s, name, slug="reseau-coop", **extra):  # type: ignore[no-untyped-def]
    return reverse(f"tenders:{name}", kwargs={"network": slug, "consortium_id": s.consortium.pk, **extra})


def members_of(consortium):  # type: ignore[no-untyped-def]
    return sorted(ConsortiumMember.objects.filter(consortium=consortium).values_list("organisation_id", flat=True))


def test_the_moderator_adds_an_interested_organisation_then_removes_it(s, web):  # type: ignore[no-untyped-def]
    client = web(s.moderator)
    # Not interested: refused in French, nothing written.
    client.post(member_url(s, "consortium_member_add"), {"organisation": s.third.pk})
    assert members_of(s.consortium) == sorted([s.coop.pk, s.other_coop.pk])
    services.interest_create(actor=s.actor(s.third_user), notice=s.notice, organisation_id=s.third.pk)
    assert "Coop Gamma" in page(s, web, s.moderator)
    response = client.post(member_url(s, "consortium_member_add"), {"organisation": s.third.pk})
    assert response.status_code == 302
    assert members_of(s.consortium) == sorted([s.coop.pk, s.other_coop.pk, s.third.pk])
    with pytest.raises(ValidationError, match="déjà membre"):
        svc.consortium_member_add(actor=s.actor(s.moderator), consortium=s.consortium, organisation_id=s.third.pk)
    response = client.post(member_url(s, "consortium_member_remove", organisation_id=s.third.pk))
    assert response.status_code == 302
    assert members_of(s.consortium) == sorted([s.coop.pk, s.other_coop.pk])
    actions = list(
        ActivityLog.objects.filter(action__startswith="tenders.consortium.member_").values_list("action", flat=True)
    )
    assert sorted(actions) == ["tenders.consortium.member_added", "tenders.consortium.member_removed"]


def test_a_member_holding_shares_or_the_mandataire_alone_cannot_be_removed(s, web):  # type: ignore[no-untyped-def]
    moderator = s.actor(s.moderator)
    services.interest_create(actor=s.actor(s.third_user), notice=s.notice, organisation_id=s.third.pk)
    svc.consortium_member_add(actor=moderator, consortium=s.consortium, organisation_id=s.third.pk)
    lot = s.notice.lots.first()
    columns = list(s.notice.lots.all()) or [None]
    shares = {(s.coop.pk, c.pk if c else None): 600 for c in columns}
    shares.update({(s.other_coop.pk, c.pk if c else None): 400 for c in columns})
    svc.consortium_shares_set(actor=moderator, consortium=s.consortium, shares=shares)
    # other_coop holds shares: refused, nothing changed.
    with pytest.raises(ValidationError) as exc:
        svc.consortium_member_remove(actor=moderator, consortium=s.consortium, organisation_id=s.other_coop.pk)
    assert "encore des parts" in str(exc.value) and (str(lot) if lot else "l'avis") in str(exc.value)
    # The mandataire without a successor: refused, in French, through the page too.
    client = web(s.moderator)
    response = client.post(member_url(s, "consortium_member_remove", organisation_id=s.coop.pk), follow=True)
    assert "Nommez un autre membre mandataire" in response.content.decode()
    with pytest.raises(ValidationError, match="autre membre"):
        svc.consortium_member_remove(
            actor=moderator, consortium=s.consortium, organisation_id=s.coop.pk, new_mandataire_id=s.coop.pk
        )
    assert members_of(s.consortium) == sorted([s.coop.pk, s.other_coop.pk, s.third.pk])
    s.consortium.refresh_from_db()
    assert s.consortium.mandataire_id == s.coop.pk
    assert ConsortiumShare.objects.filter(member__consortium=s.consortium).count() == 2 * len(columns)
    # Its shares moved to the others and a successor named: the mandataire leaves.
    svc.consortium_shares_set(
        actor=moderator,
        consortium=s.consortium,
        shares={(s.other_coop.pk, c.pk if c else None): 1000 for c in columns},
    )
    client.post(member_url(s, "consortium_member_remove", organisation_id=s.coop.pk), {"mandataire": s.third.pk})
    s.consortium.refresh_from_db()
    assert s.consortium.mandataire_id == s.third.pk
    assert members_of(s.consortium) == sorted([s.other_coop.pk, s.third.pk])
    # Two members left: no fewer.
    with pytest.raises(ValidationError, match="au moins deux"):
        svc.consortium_member_remove(actor=moderator, consortium=s.consortium, organisation_id=s.third.pk)


def test_members_change_only_while_forming_and_only_by_our_moderators(s, web):  # type: ignore[no-untyped-def]
    services.interest_create(actor=s.actor(s.third_user), notice=s.notice, organisation_id=s.third.pk)
    add = {"organisation": s.third.pk}
    # A member of the groupement: 403, nothing written.
    client = web(s.coop_user)
    assert client.post(member_url(s, "consortium_member_add"), add).status_code == 403
    assert client.post(member_url(s, "consortium_member_remove", organisation_id=s.other_coop.pk)).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.consortium_member_add(actor=s.actor(s.coop_user), consortium=s.consortium, organisation_id=s.third.pk)
    # Another network's moderator with its own slug and our ids: 404.
    client = web(s.outsider)
    assert client.post(member_url(s, "consortium_member_add", slug="autre-reseau"), add).status_code == 404
    remove = member_url(s, "consortium_member_remove", slug="autre-reseau", organisation_id=s.other_coop.pk)
    assert client.post(remove).status_code == 404
    # A member not in the groupement: 404.
    assert web(s.third_user).post(member_url(s, "consortium_member_add"), add).status_code == 404
    assert members_of(s.consortium) == sorted([s.coop.pk, s.other_coop.pk])
    # Once submitted, the members do not change.
    moderator = s.actor(s.moderator)
    columns = list(s.notice.lots.all()) or [None]
    svc.consortium_shares_set(
        actor=moderator, consortium=s.consortium, shares={(s.coop.pk, c.pk if c else None): 1000 for c in columns}
    )
    svc.consortium_state_set(actor=moderator, consortium=s.consortium, state="submitted")
    with pytest.raises(ValidationError, match="plus en constitution"):
        svc.consortium_member_add(actor=moderator, consortium=s.consortium, organisation_id=s.third.pk)
    with pytest.raises(ValidationError, match="plus en constitution"):
        svc.consortium_member_remove(actor=moderator, consortium=s.consortium, organisation_id=s.other_coop.pk)
