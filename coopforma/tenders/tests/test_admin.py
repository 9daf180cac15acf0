# SPDX-License-Identifier: AGPL-3.0-or-later
"""The tender watch's admin pages open (imports and notices read only)."""

import pytest
from django.urls import reverse

from coopforma.accounts.tests.factories import UserFactory
from coopforma.tenders.models import Notice
from coopforma.tenders.tests.factories import import_fixture

pytestmark = pytest.mark.django_db


def test_admin_pages(web):  # type: ignore[no-untyped-def]
    import_fixture()
    client = web(UserFactory(is_staff=True, is_superuser=True))
    for model in ("tenderimport", "notice", "watchprofile", "interest"):
        assert client.get(reverse(f"admin:tenders_{model}_changelist")).status_code == 200, model
    notice = Notice.objects.get(idweb="00-90001")
    assert client.get(reverse("admin:tenders_notice_change", args=[notice.pk])).status_code == 200
    assert client.get(reverse("admin:tenders_notice_add")).status_code == 403
