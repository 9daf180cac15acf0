# SPDX-License-Identifier: AGPL-3.0-or-later
"""A member structure's public address (its feeds and widget: /f/<org>/structures/<slug>/…)."""

import importlib

import pytest
from django.apps import apps as global_apps

from coopforma.people import services
from coopforma.people.models import MemberStructure
from coopforma.people.tests.factories import MemberStructureFactory

pytestmark = pytest.mark.django_db


def test_a_new_structure_gets_its_name_as_slug_unique_in_its_organisation(admin_actor, other_org):
    MemberStructureFactory(organisation=other_org, name="Elsewhere", slug="coop-eole")  # another OF: no clash
    first = services.member_create(actor=admin_actor, name="Coop Éole", kind="scop")
    assert first.slug == "coop-eole"
    MemberStructure.objects.filter(pk=first.pk).update(name="Coop Éole (ancienne)")
    second = services.member_create(actor=admin_actor, name="Coop  éole", kind="scop")
    assert second.slug == "coop-eole-2"
    assert services.member_create(actor=admin_actor, name="!!!", kind="cae").slug == "structure"


def test_renaming_keeps_the_slug(admin_actor):
    member = services.member_create(actor=admin_actor, name="Coop Éole", kind="scop")
    services.member_update(actor=admin_actor, member_id=member.pk, name="Coop Zéphyr")
    member.refresh_from_db()
    assert member.slug == "coop-eole"  # sites that embed its widget keep working


def test_the_migration_gives_existing_structures_distinct_slugs(org):
    MemberStructureFactory(organisation=org, name="Même nom")
    MemberStructureFactory(organisation=org, name="Même  Nom !")
    migration = importlib.import_module("coopforma.people.migrations.0006_feeds_member_slug")
    migration.fill_slugs(global_apps, None)
    assert sorted(MemberStructure.objects.values_list("slug", flat=True)) == ["meme-nom", "meme-nom-2"]
