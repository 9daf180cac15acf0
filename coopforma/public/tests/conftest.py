# SPDX-License-Identifier: AGPL-3.0-or-later
from types import SimpleNamespace

import pytest
from django.db import transaction


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Files under a temporary directory; the outbox sends at once (a test never commits its transaction)."""
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://of.example"
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)
