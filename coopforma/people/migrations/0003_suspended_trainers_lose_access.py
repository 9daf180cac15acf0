# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import migrations


def suspend_trainer_logins(apps, schema_editor):
    """A trainer suspended or rejected before access followed the onboarding: their trainer login stops too."""
    Trainer = apps.get_model("people", "Trainer")
    Membership = apps.get_model("accounts", "Membership")
    for trainer in Trainer.objects.filter(onboarding_state__in=["suspended", "rejected"], user__isnull=False):
        Membership.objects.filter(
            user_id=trainer.user_id, organisation_id=trainer.organisation_id, role="trainer", state="active"
        ).update(state="suspended", is_active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_invitation_state"),
        ("people", "0002_trainer_user_unique"),
    ]

    operations = [migrations.RunPython(suspend_trainer_logins, migrations.RunPython.noop)]
