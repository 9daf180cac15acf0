# SPDX-License-Identifier: AGPL-3.0-or-later
"""The national funders (billing/data/funders.json) as the shared part of the address book (organisation empty)."""

from django.db import migrations

from coopforma.billing.rules import national_funders


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Funder = apps.get_model("billing", "Funder")
    for row in national_funders():
        Funder.objects.update_or_create(organisation=None, name=row["name"], defaults=row)


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("billing", "Funder").objects.filter(organisation=None, invoices__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_invoices_funders_chorus")]
    operations = [migrations.RunPython(seed, unseed)]
