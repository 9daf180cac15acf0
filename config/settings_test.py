# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test settings: the same settings, with fast hashing, in-process tasks and in-memory e-mail."""

import os

os.environ.setdefault("STATIC_MANIFEST", "0")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, IMMEDIATE_TASKS_BACKEND

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "MAILERS" in globals():
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
else:  # pragma: no cover - Django 5.2
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": IMMEDIATE_TASKS_BACKEND}}
MAIL_CATCHER = False  # no test mailbox: messages stay in memory (a test turns it on with its own directory)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # In memory, per xdist worker (":memory:" and not "": pytest-django leaves the name alone only for Django's
    # own engine or ":memory:", and ours is coopforma.core.sqlite3).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
LANGUAGE_CODE = "fr"
# Plain HTTP on the test server, whatever the developer's environment says; links on a fixed address.
SITE_URL = "http://testserver"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
