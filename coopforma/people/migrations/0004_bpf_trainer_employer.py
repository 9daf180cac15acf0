# SPDX-License-Identifier: AGPL-3.0-or-later
import django.db.models.deletion
from django.db import migrations, models

import coopforma.core.identifiers


def employer_from_status(apps, schema_editor):
    """External subcontractors stay external; a trainer of an independent's structure works through their own
    company; every other trainer is an employee of their member structure (not of the OF: docs/bpf.md)."""
    Trainer = apps.get_model("people", "Trainer")
    Trainer.objects.filter(status="subcontractor").update(employer="subcontractor")
    Trainer.objects.exclude(status="subcontractor").filter(member_structure__kind="independent").update(
        employer="own_company"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_suspended_trainers_lose_access"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberstructure",
            name="nda",
            field=models.CharField(
                blank=True,
                help_text="Si la structure a sa propre déclaration d'activité : les sessions qu'elle réalise sont de la sous-traitance pour l'OF (BPF : cadre F-2, et ce que l'OF lui reverse est un achat du cadre D).",
                max_length=14,
                validators=[coopforma.core.identifiers.validate_nda],
                verbose_name="NDA de la structure",
            ),
        ),
        migrations.AddField(
            model_name="trainer",
            name="employer",
            field=models.CharField(
                choices=[
                    ("of", "Salarié·e ou dirigeant·e de l'OF lui-même"),
                    (
                        "member",
                        "Salarié·e d'une structure membre (entrepreneur·e-salarié·e d'une CAE, salarié·e d'une Scop…)",
                    ),
                    ("own_company", "Indépendant·e, par sa propre entreprise"),
                    ("subcontractor", "Sous-traitant·e externe (organisme hors structures membres)"),
                ],
                default="member",
                help_text="BPF cadre E : seules les personnes salariées de l'OF lui-même sont « personnes de votre organisme » ; les autres interviennent par un contrat avec une autre structure (« personnes extérieures »).",
                max_length=20,
                verbose_name="employeur au regard de l'OF",
            ),
        ),
        migrations.AlterField(
            model_name="trainer",
            name="member_structure",
            field=models.ForeignKey(
                blank=True,
                help_text="Aucune pour un·e sous-traitant·e externe, qui n'appartient à aucune structure membre.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="trainers",
                to="people.memberstructure",
                verbose_name="structure membre",
            ),
        ),
        migrations.RunPython(employer_from_status, migrations.RunPython.noop),
    ]
