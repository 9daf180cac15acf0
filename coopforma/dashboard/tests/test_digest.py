# SPDX-License-Identifier: AGPL-3.0-or-later
"""The weekly digest of each staff member's alerts: through the outbox, on Mondays, nothing when nothing is due,
never to whoever opted out, each person their own alerts."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coopforma.core.models import OutboundEmail
from coopforma.core.periodic import job_get
from coopforma.dashboard.digest import PURPOSE, digest_send
from coopforma.dashboard.models import DigestOptOut
from coopforma.dashboard.tests.test_alerts import _session
from coopforma.training_sessions.tests.factories import PARIS

pytestmark = pytest.mark.django_db

# The tests' frozen day is Tuesday 17/11/2026: the next Monday, and the Wednesday after it.
MONDAY = dt.datetime(2026, 11, 23, 7, 30, tzinfo=PARIS)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


@pytest.fixture
def complete_org(org):  # type: ignore[no-untyped-def]
    """An organisation whose record lacks nothing (so that the admin's only alerts are the ones made here)."""
    org.nda, org.siret, org.naf_code = "11755555575", "73282932000074", "8559A"
    org.street, org.city, org.head_name, org.disability_referent_name = "1 rue X", "Lyon", "Ada", "Rémi"
    org.save()
    return org


def digests():  # type: ignore[no-untyped-def]
    return {e.to: e for e in OutboundEmail.objects.filter(purpose=PURPOSE)}


def test_each_person_gets_their_own_alerts_on_monday(
    admin_user, trainer_user, trainer, other_trainer, quality_user, complete_org, member, other_member
):
    start = timezone.localdate() - dt.timedelta(days=3)
    mine = _session(complete_org, member, trainer, "Session de Théo", start)
    _session(complete_org, other_member, other_trainer, "Session d'Olga", start)
    assert digest_send(now=WEDNESDAY - dt.timedelta(days=7)) == 0  # not a Monday: nothing
    sent = digest_send(now=MONDAY)
    mails = digests()
    assert trainer_user.email in mails and admin_user.email in mails
    body = mails[trainer_user.email].body
    assert "« Session de Théo » : 1 créneau passé sans émargement clos" in body
    slot = mine.slots.get()
    assert reverse("attendance:slot", kwargs={"org": complete_org.slug, "slot_id": slot.pk}) in body
    assert "Session d'Olga" not in body
    assert "Session d'Olga" in mails[admin_user.email].body
    assert "Session de Théo" in mails[admin_user.email].body
    assert mails[trainer_user.email].subject == "Coop Formation Test : 2 points à suivre cette semaine"
    assert "1 session(s) passée(s) à clôturer" in body
    # Sent once a week: a second run the same week queues nothing more.
    assert digest_send(now=MONDAY + dt.timedelta(hours=2)) == 0
    assert digest_send(now=MONDAY + dt.timedelta(days=7)) == sent


def test_nothing_is_sent_when_nothing_is_due(admin_user, quality_user, complete_org):
    assert digest_send(now=MONDAY) == 0
    assert not OutboundEmail.objects.filter(purpose=PURPOSE).exists()


def test_whoever_opts_out_gets_nothing_and_may_come_back(web, admin_user, trainer_user, trainer, complete_org, member):
    _session(complete_org, member, trainer, "Session passée", timezone.localdate() - dt.timedelta(days=3))
    client = web(trainer_user)
    home = reverse("dashboard:home", kwargs={"org": complete_org.slug})
    assert "Ne plus recevoir le récapitulatif du lundi" in client.get(home).content.decode()
    answer = client.post(reverse("dashboard:digest", kwargs={"org": complete_org.slug}), {"subscribed": "0"})
    assert answer.status_code == 302
    assert DigestOptOut.objects.filter(organisation=complete_org, user=trainer_user).exists()
    assert "Recevoir le récapitulatif du lundi" in client.get(home).content.decode()
    digest_send(now=MONDAY)
    assert trainer_user.email not in digests() and admin_user.email in digests()
    client.post(reverse("dashboard:digest", kwargs={"org": complete_org.slug}), {"subscribed": "1"})
    assert not DigestOptOut.objects.exists()


def test_opting_out_is_for_oneself_in_one_organisation(web, stranger, org, other_org):
    path = reverse("dashboard:digest", kwargs={"org": org.slug})
    assert web(stranger).post(path, {"subscribed": "0"}).status_code == 404  # our slug: not theirs
    assert web(stranger).get(reverse("dashboard:digest", kwargs={"org": other_org.slug})).status_code == 405
    web(stranger).post(reverse("dashboard:digest", kwargs={"org": other_org.slug}), {"subscribed": "0"})
    assert list(DigestOptOut.objects.values_list("organisation_id", "user_id")) == [(other_org.pk, stranger.pk)]


def test_the_scheduler_runs_it_daily_and_the_command_sends_on_mondays(admin_user, trainer, complete_org, member):
    job = job_get("digest")
    assert job.command == ("dashboard", "digest", "--due") and job.at == dt.time(7, 30)
    _session(complete_org, member, trainer, "Session passée", timezone.localdate() - dt.timedelta(days=3))
    out = io.StringIO()
    call_command("dashboard", "digest", "--due", stdout=out)  # a Tuesday
    assert out.getvalue().startswith("0 ")
    call_command("dashboard", "digest", "--now", stdout=out)
    assert admin_user.email in digests()
