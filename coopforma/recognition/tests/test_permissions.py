# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what with certification projects: members read, the committee and moderators write; another
network's committee member or moderator, with their own network's slug and our ids, gets 404; a lesser role 403;
nobody outside the network sees a thing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.access import actor_for
from coopforma.recognition import selectors, services
from coopforma.recognition.tests.factories import create_project, setup_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():
    people = setup_network()
    people["project"] = create_project(people)
    return people


@pytest.fixture
def theirs():
    return setup_network("autre-reseau")


@pytest.mark.parametrize("role", ["committee", "moderator"])
def test_another_networks_committee_gets_404_with_our_ids(ours, theirs, role):
    actor = actor_for(theirs[role], theirs["network"])
    project = ours["project"]
    block = project.blocks.get()
    with pytest.raises(Http404):
        selectors.project_get(actor=actor, project_id=project.pk)
    with pytest.raises(Http404):
        services.block_save(
            actor=actor, project_id=project.pk, title="X", activity_codes=[], competency_codes=["M1-C1"]
        )
    with pytest.raises(Http404):
        services.project_submit(actor=actor, project_id=project.pk)
    with pytest.raises(Http404):
        services.block_training_attach(
            actor=actor, project_id=project.pk, block_id=block.pk, training_id=theirs["training"].pk
        )
    assert selectors.project_list(actor=actor).count() == 0
    client = Client()
    client.force_login(theirs[role])
    base = f"/reseaux/{theirs['network'].slug}/referentiel/projets/{project.pk}/"
    for url in ("", "modifier/", "dossier.json", "dossier.pdf", f"blocs/{block.pk}/"):
        assert client.get(base + url).status_code == 404, url
    assert client.post(base + "deposer/").status_code == 404
    project.refresh_from_db()
    assert project.state == "draft"


def test_their_version_cannot_feed_our_project_nor_our_version_theirs(ours, theirs):
    actor = actor_for(theirs["committee"], theirs["network"])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="version publiée"):
        services.project_create(actor=actor, version_id=ours["version"].pk, job_code="M1", title="X", register="rs")


def test_a_member_reads_but_does_not_write(ours):
    actor = actor_for(ours["member"], ours["network"])
    project = ours["project"]
    assert selectors.project_get(actor=actor, project_id=project.pk) == project
    with pytest.raises(PermissionDenied):
        services.project_submit(actor=actor, project_id=project.pk)
    with pytest.raises(PermissionDenied):
        services.project_create(actor=actor, version_id=ours["version"].pk, job_code="M1", title="X", register="rs")
    client = Client()
    client.force_login(ours["member"])
    base = f"/reseaux/{ours['network'].slug}/referentiel/projets/"
    assert client.get(base + f"{project.pk}/").status_code == 200
    assert client.get(base + "nouveau/").status_code == 403
    assert client.get(base + f"{project.pk}/modifier/").status_code == 403
    assert client.post(base + f"{project.pk}/deposer/").status_code == 403
    project.refresh_from_db()
    assert project.state == "draft"


def test_outside_the_network_nothing_and_anonymous_to_login(ours):
    project = ours["project"]
    base = f"/reseaux/{ours['network'].slug}/referentiel/projets/"
    client = Client()
    assert client.get(base).status_code == 302
    client.force_login(UserFactory())
    assert client.get(base).status_code == 404
    assert client.get(base + f"{project.pk}/").status_code == 404


def test_the_committee_writes(ours):
    client = Client()
    client.force_login(ours["committee"])
    project = ours["project"]
    response = client.post(f"/reseaux/{ours['network'].slug}/referentiel/projets/{project.pk}/deposer/")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == "submitted"
