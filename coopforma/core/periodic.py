# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every periodic job, in one place, and what `coopforma cron` runs when it is due (docs/architecture.md).

A job is a management command with its arguments (core names the commands, it does not import the apps).
One cron line runs them all: `* * * * * coopforma cron`. Each run is claimed in the database first
(`PeriodicRun`), so two overlapping `cron` processes, or several servers, never run a job twice.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.core.models import PeriodicRun, PeriodicRunStatus


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    command: tuple[str, ...]
    every: dt.timedelta | None = None  # interval jobs
    at: dt.time | None = None  # daily jobs, at this Europe/Paris local time

    def schedule(self) -> str:
        if self.at is not None:
            return str(_("chaque jour à %(time)s") % {"time": self.at.strftime("%H h %M")})
        minutes = int(self.every.total_seconds() // 60) if self.every else 0
        if minutes == 1:
            return str(_("chaque minute"))
        if minutes % 60 == 0:
            return str(_("toutes les %(n)d h") % {"n": minutes // 60}) if minutes > 60 else str(_("toutes les heures"))
        return str(_("toutes les %(n)d min") % {"n": minutes})

    def due_since(self, now: dt.datetime) -> dt.datetime:
        """The latest moment at which this job became due, at or before `now`."""
        if self.at is not None:
            local = timezone.localtime(now)
            today = timezone.make_aware(dt.datetime.combine(local.date(), self.at), local.tzinfo)
            return today if today <= now else today - dt.timedelta(days=1)
        assert self.every is not None
        return now - self.every

    def is_due(self, last_started_at: dt.datetime | None, now: dt.datetime) -> bool:
        if last_started_at is None:
            return True
        if self.at is not None:
            return last_started_at < self.due_since(now)
        # A minute's slack: a cron line every minute must not skip a 15-minute job by a few seconds.
        return last_started_at <= self.due_since(now) + dt.timedelta(seconds=59)


JOBS: tuple[Job, ...] = (
    Job(
        "webhooks",
        _("Webhooks : envois et nouvelles tentatives"),
        ("deliver_webhooks", "--due"),
        every=dt.timedelta(minutes=1),
    ),
    Job(
        "attendance_seal",
        _("Émargement : chaînage des signatures en attente"),
        ("attendance", "seal"),
        every=dt.timedelta(minutes=1),
    ),
    Job("mail", _("E-mails en attente ou en échec"), ("send_queued_mail",), every=dt.timedelta(minutes=15)),
    Job(
        "evaluations",
        _("Questionnaires : ouverture, envoi, relances, clôture"),
        ("evaluations", "send", "--due"),
        every=dt.timedelta(hours=1),
    ),
    Job(
        "quality",
        _("Échéances qualité (audits, non-conformités, registres)"),
        ("quality", "remind", "--due"),
        at=dt.time(7, 0),
    ),
    Job("billing", _("Relances des factures échues"), ("billing", "remind", "--due"), at=dt.time(8, 0)),
    Job(
        "digest",
        _("Récapitulatif hebdomadaire des alertes de chacun·e (le lundi)"),
        ("dashboard", "digest", "--due"),
        at=dt.time(7, 30),
    ),
    Job(
        "privacy",
        _("RGPD : anonymisation de ce qui a dépassé sa durée"),
        ("privacy", "purge", "--due"),
        at=dt.time(3, 30),
    ),
    Job(
        "member_catalogues",
        _("Carte des formations : catalogues des organisations membres d'un réseau"),
        ("member_catalogues",),
        every=dt.timedelta(hours=1),
    ),
    Job(
        "tenders_digest",
        _("Veille des appels d'offres : récapitulatifs des profils de veille"),
        ("tenders", "digest", "--due"),
        at=dt.time(7, 15),
    ),
    Job(
        "tenders_reminders",
        _("Groupements : rappels des étapes et des dates limites"),
        ("tenders", "reminders"),
        at=dt.time(7, 20),
    ),
    Job(
        "exchanges_digest",
        _("Échanges de savoir-faire : récapitulatifs hebdomadaires des membres"),
        ("exchanges", "digest", "--due"),
        at=dt.time(7, 30),
    ),
    Job(
        "federation",
        _("Carte des formations : relève des flux auxquels les réseaux sont abonnés"),
        ("offers_pull",),
        every=dt.timedelta(hours=1),
    ),
    Job(
        "map_changes",
        _("Carte des formations : effacement des notes de modification de plus d'un jour"),
        ("offers_map_prune",),
        at=dt.time(4, 40),
    ),
    Job("attendance", _("Intégrité des registres d'émargement"), ("attendance", "verify"), at=dt.time(6, 45)),
    Job("documents", _("Intégrité des documents émis"), ("documents", "verify", "--quiet"), at=dt.time(6, 30)),
)


def job_get(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def _claim(job: Job, now: dt.datetime, force: bool) -> PeriodicRun | None:
    """Mark the job started if it is due (or forced) and nobody claimed it meanwhile; None otherwise."""
    run, _created = PeriodicRun.objects.get_or_create(name=job.name)
    if not force and not job.is_due(run.last_started_at, now):
        return None
    claimed = PeriodicRun.objects.filter(pk=run.pk, last_started_at=run.last_started_at).update(
        last_started_at=now, status=PeriodicRunStatus.RUNNING
    )
    if not claimed:
        return None
    run.refresh_from_db()
    return run


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    seconds: float
    output: str


def run_due(*, now: dt.datetime | None = None, only: str | None = None, force: bool = False) -> Iterator[Outcome]:
    """Run, one after the other, every job that is due (or the one named, forced); yield what each did."""
    now = now or timezone.now()
    for job in JOBS:
        if only is not None and job.name != only:
            continue
        run = _claim(job, now, force)
        if run is None:
            continue
        out = io.StringIO()
        started = time.monotonic()
        ok = True
        try:
            call_command(*job.command, stdout=out, stderr=out)
        except (CommandError, SystemExit) as exc:
            ok = isinstance(exc, SystemExit) and not exc.code
            if not ok:
                out.write(str(exc))
        except Exception as exc:  # one failing job must not stop the others; the failure is recorded and shown
            ok = False
            out.write(f"{type(exc).__name__}: {exc}")
        seconds = time.monotonic() - started
        PeriodicRun.objects.filter(pk=run.pk).update(
            status=PeriodicRunStatus.OK if ok else PeriodicRunStatus.FAILED,
            last_finished_at=timezone.now(),
            last_output=out.getvalue()[-4000:],
        )
        yield Outcome(job=job, ok=ok, seconds=seconds, output=out.getvalue())
