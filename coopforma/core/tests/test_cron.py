# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma cron`: every periodic job listed once, run when due, once, whatever else fails."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from coopforma.core import periodic
from coopforma.core.models import PeriodicRun, PeriodicRunStatus

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def calls(monkeypatch):
    made: list[tuple[str, ...]] = []

    def fake(*command, **kwargs):
        made.append(command)

    monkeypatch.setattr(periodic, "call_command", fake)
    return made


@pytest.mark.parametrize("job", periodic.JOBS, ids=lambda job: job.name)
def test_every_job_names_a_command_that_accepts_its_arguments(job):
    app = get_commands()[job.command[0]]
    parser = load_command_class(app, job.command[0]).create_parser("coopforma", job.command[0])
    parser.parse_args(list(job.command[1:]))  # exits (SystemExit) on an unknown argument


def test_a_first_run_runs_every_job_then_nothing_is_due_at_the_same_moment(calls):
    now = paris(2026, 12, 3, 9, 0)
    ran = [o.job.name for o in periodic.run_due(now=now)]
    assert ran == [job.name for job in periodic.JOBS]
    assert list(periodic.run_due(now=now)) == []
    assert len(calls) == len(periodic.JOBS)
    assert set(PeriodicRun.objects.values_list("status", flat=True)) == {PeriodicRunStatus.OK}


def test_each_job_comes_back_at_its_own_rhythm(calls):
    list(periodic.run_due(now=paris(2026, 12, 3, 9, 0)))
    assert [o.job.name for o in periodic.run_due(now=paris(2026, 12, 3, 9, 14))] == ["webhooks", "attendance_seal"]
    # A cron line every minute may start a few seconds late: 15 minutes later the mail runs again.
    assert [o.job.name for o in periodic.run_due(now=paris(2026, 12, 3, 9, 15, 0))] == [
        "webhooks",
        "attendance_seal",
        "mail",
    ]
    assert [o.job.name for o in periodic.run_due(now=paris(2026, 12, 3, 10, 0, 20))] == [
        "webhooks",
        "attendance_seal",
        "mail",
        "evaluations",
        "member_catalogues",
        "federation",
    ]
    # Daily jobs: once a day at their local hour (Paris), not 24 h after whenever they last ran.
    next_night = [o.job.name for o in periodic.run_due(now=paris(2026, 12, 4, 3, 30))]
    assert "privacy" in next_night and "quality" not in next_night
    morning = [o.job.name for o in periodic.run_due(now=paris(2026, 12, 4, 7, 0))]
    assert "quality" in morning and "billing" not in morning


def test_daily_jobs_keep_their_local_hour_across_the_change_to_summer_time(calls):
    list(periodic.run_due(now=paris(2027, 3, 27, 7, 0)))
    assert "quality" not in [o.job.name for o in periodic.run_due(now=paris(2027, 3, 28, 6, 59))]
    assert "quality" in [o.job.name for o in periodic.run_due(now=paris(2027, 3, 28, 7, 0))]


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(monkeypatch):
    def fake(*command, **kwargs):
        if command[0] == "evaluations":
            raise RuntimeError("serveur SMTP injoignable")

    monkeypatch.setattr(periodic, "call_command", fake)
    outcomes = {o.job.name: o for o in periodic.run_due(now=paris(2026, 12, 3, 9, 0))}
    assert not outcomes["evaluations"].ok
    assert all(o.ok for name, o in outcomes.items() if name != "evaluations")
    run = PeriodicRun.objects.get(name="evaluations")
    assert run.status == PeriodicRunStatus.FAILED
    assert "serveur SMTP injoignable" in run.last_output


def test_a_job_another_process_claimed_meanwhile_is_not_run_twice(calls, monkeypatch):
    now = paris(2026, 12, 3, 9, 0)
    PeriodicRun.objects.create(name="mail", last_started_at=now - dt.timedelta(hours=1))
    real_get_or_create = PeriodicRun.objects.get_or_create

    def racing(**kwargs):
        run, created = real_get_or_create(**kwargs)
        # Another `cron` process claims the job between our read and our claim.
        PeriodicRun.objects.filter(pk=run.pk).update(last_started_at=now - dt.timedelta(seconds=5))
        return run, created

    monkeypatch.setattr(PeriodicRun.objects, "get_or_create", racing)
    assert [o.job.name for o in periodic.run_due(now=now, only="mail")] == []
    assert calls == []


def test_the_command_reports_in_french_and_exits_in_error_when_a_job_fails(monkeypatch):
    def fake(*command, **kwargs):
        if command[0] == "billing":
            raise CommandError("base indisponible")

    monkeypatch.setattr(periodic, "call_command", fake)
    out = StringIO()
    with time_machine.travel(paris(2026, 12, 3, 9, 0), tick=False), pytest.raises(CommandError, match="billing"):
        call_command("cron", stdout=out)
    assert "billing (Relances des factures échues) : ÉCHEC" in out.getvalue()
    assert "base indisponible" in out.getvalue()


def test_list_and_run_one_job(calls):
    out = StringIO()
    with time_machine.travel(paris(2026, 12, 3, 9, 0), tick=False):
        call_command("cron", "--run", "quality", stdout=out)
        call_command("cron", "--list", stdout=out)
    assert calls == [("quality", "remind", "--due")]
    text = out.getvalue()
    assert "quality (Échéances qualité" in text
    assert (
        "chaque minute" in text
        and "chaque jour à 07 h 00" in text
        and "dernier passage : 03/12/2026 09:00 (Terminé)" in text
    )
    assert "dernier passage : jamais" in text
    with pytest.raises(CommandError, match="Tâche inconnue « mial »"):
        call_command("cron", "--run", "mial")
