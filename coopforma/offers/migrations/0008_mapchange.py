# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map's change notes (offers/map_index.py): the model, then the triggers that write it (search.map_token)."""

import django.utils.timezone
from django.db import migrations, models


# The tables whose writes change the map (offers/map_index.py reads them; the register gives the Qualiopi status).
TABLES = (
    "offers_offer",
    "offers_offersession",
    "offers_offerrelevance",
    "offers_offercompetency",
    "registry_registeredorganisation",
)
POSTGRES = [
    """CREATE OR REPLACE FUNCTION offers_map_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO offers_mapchange (txid, n, at) VALUES (txid_current(), 1, now())
        ON CONFLICT (txid) DO UPDATE SET n = offers_mapchange.n + 1;
        RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER offers_map_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION offers_map_changed()"
        for table in TABLES
    ),
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS offers_map_changed ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS offers_map_changed()",
]
SQLITE = [
    "INSERT INTO offers_mapchange (id, txid, n, at) VALUES (1, random(), 1, datetime('now'))",
    *(
        f"CREATE TRIGGER offers_map_changed_{table}_{event.lower()} AFTER {event} ON {table} BEGIN "
        "INSERT INTO offers_mapchange (id, txid, n, at) VALUES (1, random(), 1, datetime('now')) "
        "ON CONFLICT (id) DO UPDATE SET txid = excluded.txid; END"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS offers_map_changed_{table}_{event.lower()}"
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = POSTGRES if vendor == "postgresql" else SQLITE if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0007_offer_competency"),
        ("registry", "0002_certifiers_directory"),
    ]

    operations = [
        migrations.CreateModel(
            name="MapChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "txid",
                    models.BigIntegerField(
                        error_messages={"unique": "Déjà noté."}, unique=True, verbose_name="transaction"
                    ),
                ),
                ("n", models.PositiveIntegerField(default=1, verbose_name="écritures")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="noté le")),
            ],
            options={
                "verbose_name": "modification de la carte",
                "verbose_name_plural": "modifications de la carte",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
