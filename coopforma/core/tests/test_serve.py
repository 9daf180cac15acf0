# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma serve` runs the web server, the task worker and cron; the worker sends the queued e-mails."""

import sys
import time

import pytest
from django.core import mail
from django.core.management import call_command

from coopforma.core.management.commands.serve import Supervisor, child_commands
from coopforma.core.models import OutboundEmail, OutboundEmailStatus

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_serve_runs_the_web_server_the_task_worker_and_cron(settings):
    settings.TASKS = DATABASE_TASKS
    commands = child_commands(host="127.0.0.1", port="8123", workers=3, worker=True)
    assert list(commands) == ["web", "worker", "cron"]
    web = commands["web"]
    assert web[:4] == [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    assert web[web.index("--bind") + 1] == "127.0.0.1:8123" and web[web.index("--workers") + 1] == "3"
    cli = [sys.executable, "-m", "coopforma.core.cli"]
    assert commands["worker"] == [*cli, "db_worker", "--no-startup-delay", "--no-reload"]
    assert commands["cron"] == [*cli, "cron"]


def test_no_worker_serves_the_web_only(settings):
    settings.TASKS = DATABASE_TASKS
    assert list(child_commands(host="::1", port="80", workers=2, worker=False)) == ["web"]
    web = child_commands(host="::1", port="80", workers=2, worker=False)["web"]
    assert web[web.index("--bind") + 1] == "[::1]:80"


def test_no_task_worker_when_tasks_run_in_the_web_process(settings):
    # The test settings run tasks in-process: only cron is needed next to the web server.
    assert list(child_commands(host="127.0.0.1", port="8000", workers=2, worker=True)) == ["web", "cron"]


def _sleep(seconds: float) -> list[str]:
    return [sys.executable, "-c", f"import time; time.sleep({seconds})"]


def test_the_supervisor_stops_the_worker_when_the_web_server_ends_and_restarts_a_stopped_worker():
    logs: list[str] = []
    supervisor = Supervisor(
        commands={"web": _sleep(1.5), "worker": _sleep(0.1), "cron": _sleep(0)},
        cron_every=0.3,
        restart_delay=0.2,
        log=logs.append,
    )
    started = time.monotonic()
    assert supervisor.run(tick=0.05) == 0
    assert time.monotonic() - started < 8
    assert any("redémarrage" in line for line in logs)  # the worker ended early and was started again
    assert all(process.poll() is not None for process in supervisor.processes.values())


def test_a_stop_request_terminates_every_child():
    supervisor = Supervisor(commands={"web": _sleep(60), "worker": _sleep(60)}, log=lambda line: None)
    supervisor.start("web")
    supervisor.start("worker")
    supervisor.stop(timeout=5)
    assert all(process.poll() is not None for process in supervisor.processes.values())


@pytest.mark.django_db(transaction=True)
def test_a_queued_email_is_sent_by_one_run_of_the_worker(org, settings):
    from coopforma.core.mail import send_mail_logged

    settings.TASKS = DATABASE_TASKS
    email = send_mail_logged(organisation=org, to="marie@example.org", subject="Bonjour", body="Le texte")
    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.QUEUED and mail.outbox == []  # waits for the worker
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    email = OutboundEmail.objects.get(pk=email.pk)
    assert email.status == OutboundEmailStatus.SENT
    assert [m.to for m in mail.outbox] == [["marie@example.org"]]


def _dev_module():  # type: ignore[no-untyped-def]
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "dev.py"
    spec = importlib.util.spec_from_file_location("coopforma_dev", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_start_says_emails_are_sent_and_where_to_read_them():
    from django.urls import reverse

    from coopforma.accounts.demo import DEMO_SLUG

    dev = _dev_module()
    assert reverse("documents:catcher", kwargs={"org": DEMO_SLUG}) == dev.DEMO_MAILBOX
    notice = dev.mail_notice("8080", {})
    assert "background worker" in notice and f"http://127.0.0.1:8080{dev.DEMO_MAILBOX}" in notice
    assert "smtp.example.coop" in dev.mail_notice("8000", {"EMAIL_HOST": "smtp.example.coop"})
    assert "printed on this console" in dev.mail_notice("8000", {"MAIL_CATCHER": "false"})


def test_after_ctrl_c_the_children_get_time_to_finish_before_being_terminated():
    import signal

    # A child that ignores nothing but needs 0.3 s to finish (as the task worker finishing its task).
    supervisor = Supervisor(commands={"web": _sleep(0.3)}, log=lambda line: None)
    supervisor.start("web")
    supervisor.request_stop(signal.SIGINT)
    supervisor.stop(timeout=4)
    assert supervisor.processes["web"].returncode == 0  # ended by itself, not terminated (-15)
