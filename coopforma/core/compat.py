# SPDX-License-Identifier: AGPL-3.0-or-later
"""Django 6.1 is the target; on Python 3.11 (Django 5.2 LTS) the django-tasks backport provides the same API."""

import django

if django.VERSION >= (6, 0):
    from django.tasks import task
else:  # pragma: no cover - exercised only on Python 3.11
    from django_tasks import task

__all__ = ["task"]
