# SPDX-License-Identifier: AGPL-3.0-or-later
"""The offers' full-text search index (offers/search.py): a tsvector column with a GIN index and the
`french_unaccent` configuration on PostgreSQL, an FTS5 table on SQLite; the existing offers indexed."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from coopforma.offers import search


def forward(apps, schema_editor):
    conn = schema_editor.connection
    statements = search.POSTGRES_FORWARD if conn.vendor == "postgresql" else search.SQLITE_FORWARD
    if conn.vendor not in ("postgresql", "sqlite"):
        return
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    Offer = apps.get_model("offers", "Offer")
    ids = list(Offer.objects.using(conn.alias).values_list("pk", flat=True))
    search.index_offers(ids, conn=conn)


def backward(apps, schema_editor):
    conn = schema_editor.connection
    statements = search.POSTGRES_BACKWARD if conn.vendor == "postgresql" else search.SQLITE_BACKWARD
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("offers", "0004_federation_provenance")]

    # The extensions are created on PostgreSQL only (these operations do nothing on another engine).
    operations = [UnaccentExtension(), TrigramExtension(), migrations.RunPython(forward, backward)]
