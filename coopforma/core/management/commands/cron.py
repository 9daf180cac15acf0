# SPDX-License-Identifier: AGPL-3.0-or-later
"""coopforma cron: run every periodic job that is due (core.periodic.JOBS); one cron line, every minute."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopforma.core.models import PeriodicRun
from coopforma.core.periodic import JOBS, run_due


class Command(BaseCommand):
    help = "Lance les tâches périodiques arrivées à échéance (une ligne cron : * * * * * coopforma cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="affiche les tâches, leur rythme et leur dernier passage"
        )
        parser.add_argument("--run", metavar="TÂCHE", help="lance cette tâche maintenant, qu'elle soit due ou non")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        names = {job.name for job in JOBS}
        if options["run"] and options["run"] not in names:
            raise CommandError(f"Tâche inconnue « {options['run']} » ; tâches : {', '.join(sorted(names))}.")
        failed = []
        for outcome in run_due(only=options["run"], force=bool(options["run"])):
            state = "terminé" if outcome.ok else "ÉCHEC"
            self.stdout.write(f"{outcome.job.name} ({outcome.job.label}) : {state} en {outcome.seconds:.1f} s")
            if not outcome.ok:
                failed.append(outcome.job.name)
                self.stdout.write(outcome.output.rstrip())
        if failed:
            raise CommandError(f"Tâches en échec : {', '.join(failed)}.")

    def _list(self) -> None:
        runs = {run.name: run for run in PeriodicRun.objects.all()}
        for job in JOBS:
            run = runs.get(job.name)
            last = (
                timezone.localtime(run.last_started_at).strftime("%d/%m/%Y %H:%M")
                if run and run.last_started_at
                else "jamais"
            )
            state = run.get_status_display() if run and run.status else "—"
            self.stdout.write(f"{job.name:12} {job.schedule():24} dernier passage : {last} ({state}) — {job.label}")
