# SPDX-License-Identifier: AGPL-3.0-or-later
"""The throttling counters' table (the database cache) is created by `migrate`, like the rest of the schema."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name('coopforma_cache')}")
    assert "coopforma_cache" not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "coopforma_cache" in connection.introspection.table_names()
