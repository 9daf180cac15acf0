# SPDX-License-Identifier: AGPL-3.0-or-later
"""Django 6.1 is the target; on Python 3.11 (Django 5.2 LTS) the django-tasks backport provides the same API."""

import django

if django.VERSION >= (6, 0):
    from django.tasks import default_task_backend, task

    DUMMY_TASKS_BACKEND = "django.tasks.backends.dummy.DummyBackend"
else:  # pragma: no cover - exercised only on Python 3.11
    from django_tasks import default_task_backend, task

    DUMMY_TASKS_BACKEND = "django_tasks.backends.dummy.DummyBackend"


def tasks_wait_for_worker() -> bool:
    """Whether tasks wait in the database for a worker (the default) rather than run where they are enqueued
    (the tests, TASKS_BACKEND=immediate)."""
    from django.conf import settings

    return str(settings.TASKS["default"]["BACKEND"]).endswith("DatabaseBackend")


def mailer_settings(backend: str) -> dict[str, object]:
    """The settings that make `backend` the default mailer (Django 6.1's MAILERS, EMAIL_BACKEND on 5.2)."""
    if django.VERSION >= (6, 1):
        return {"MAILERS": {"default": {"BACKEND": backend}}}
    return {"EMAIL_BACKEND": backend}  # pragma: no cover


__all__ = ["DUMMY_TASKS_BACKEND", "default_task_backend", "mailer_settings", "task", "tasks_wait_for_worker"]
