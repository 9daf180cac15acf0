# SPDX-License-Identifier: AGPL-3.0-or-later
"""Certification projects: built from a published version, blocs and evaluations, trainings, evidence of need,
submission, decision and the link back to the trainings."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from coopforma.accounts.models import Membership
from coopforma.networks.access import actor_for
from coopforma.offers.models import OfferRelevance, OfferSession, RelevanceDecision, RelevanceVerdict
from coopforma.offers.tests.network_factories import feed_offer
from coopforma.recognition import evidence, services
from coopforma.recognition.models import BlockEvaluation, ProjectState
from coopforma.recognition.tests.factories import create_project, setup_network
from coopforma.referentiel.models import ItemKind, ObjectiveCompetency

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return setup_network()


def committee(people):
    return actor_for(people["committee"], people["network"])


def test_a_project_from_a_published_version_has_blocs_and_prefilled_evaluations(people):
    competency = people["version"].items.get(code="M1-C2")
    competency.criteria = ["Choisit une méthode adaptée au groupe", "Fait émerger une décision"]
    competency.save()
    project = create_project(people)
    assert project.version == people["version"] and project.job.code == "M1" and project.state == ProjectState.DRAFT
    block = project.blocks.get()
    assert block.code == "BC01" and block.competencies.count() == 6 and block.activities.count() == 6
    evaluation = block.evaluations.get(competency__code="M1-C2")
    assert evaluation.criteria == "- Choisit une méthode adaptée au groupe\n- Fait émerger une décision"
    assert project.evidence["map"]["departments_without_offer"] == 101


def test_bad_input_is_refused_with_every_error_and_nothing_written(people):
    with pytest.raises(ValidationError) as error:
        create_project(people, job_code="M99", title=" ", register="rs", level=6)
    assert set(error.value.message_dict) == {"job_code", "title", "level"}
    with pytest.raises(ValidationError) as error:
        create_project(people, level=9)
    assert "de 3 à 8" in error.value.message_dict["level"][0]
    draft_version = people["version"]
    draft_version.state = "draft"
    draft_version.save()
    with pytest.raises(ValidationError, match="version publiée"):
        create_project(people)
    assert not people["network"].certification_projects.exists()


def test_a_bloc_is_edited_and_the_evaluations_follow_its_competencies(people):
    project = create_project(people)
    actor = committee(people)
    block = services.block_save(
        actor=actor,
        project_id=project.pk,
        title="Faciliter un collectif",
        activity_codes=["M1-A3"],
        competency_codes=["M1-C2", "M1-C4"],
    )
    assert block.code == "BC02"
    assert sorted(block.evaluations.values_list("competency__code", flat=True)) == ["M1-C2", "M1-C4"]
    services.block_save(
        actor=actor,
        project_id=project.pk,
        block_id=block.pk,
        title="Faciliter",
        activity_codes=[],
        competency_codes=["M1-C2"],
    )
    assert list(block.evaluations.values_list("competency__code", flat=True)) == ["M1-C2"]
    with pytest.raises(ValidationError) as error:
        services.block_save(
            actor=actor, project_id=project.pk, title="X", activity_codes=["M9-A1"], competency_codes=["M1-C2"]
        )
    assert "M9-A1" in error.value.message_dict["activity_codes"][0]
    evaluation = block.evaluations.get()
    services.evaluation_update(
        actor=actor,
        project_id=project.pk,
        evaluation_id=evaluation.pk,
        situations="Mise en situation : animer un atelier",
        criteria="Décision prise",
        modalities="Jury de deux professionnels",
    )
    assert BlockEvaluation.objects.get(pk=evaluation.pk).modalities == "Jury de deux professionnels"


def test_trainings_prepare_blocs_attached_or_through_their_objectives(people):
    project = create_project(people)
    actor = committee(people)
    block = project.blocks.get()
    training = people["training"]
    ObjectiveCompetency.objects.create(
        training=training, objective=0, competency=people["version"].items.get(code="M1-C3")
    )
    from coopforma.recognition.selectors import blocks_of

    (view,) = blocks_of(project=project)
    assert [(r.training, r.attached, r.competencies) for r in view.trainings] == [(training, False, ["M1-C3"])]
    services.block_training_attach(actor=actor, project_id=project.pk, block_id=block.pk, training_id=training.pk)
    (view,) = blocks_of(project=project)
    assert [(r.training, r.attached) for r in view.trainings] == [(training, True)]
    from coopforma.catalogue.tests.factories import TrainingFactory

    outsider = TrainingFactory()  # an organisation outside the network
    with pytest.raises(ValidationError, match="organisation membre"):
        services.block_training_attach(actor=actor, project_id=project.pk, block_id=block.pk, training_id=outsider.pk)


def test_the_evidence_counts_the_shown_offers_naming_the_job_per_region(people):
    network = people["network"]
    offers = [
        feed_offer(title="Devenir animatrice de coopération territoriale"),
        feed_offer(title="Comptabilité", rome_codes=["K1802"]),
        feed_offer(title="Animateur de coopération", status="active"),
    ]
    for offer in offers:
        OfferRelevance.objects.update_or_create(
            network=network,
            offer=offer,
            defaults={"verdict": RelevanceVerdict.SHOWN, "score": 90, "scored_at": timezone.now(), "decision": ""},
        )
    OfferRelevance.objects.filter(offer=offers[2]).update(decision=RelevanceDecision.REJECT)  # hidden by a moderator
    OfferSession.objects.create(offer=offers[0], region="53", department="35")
    OfferSession.objects.create(offer=offers[0], region="53", department="29")
    job = people["version"].items.get(code="M1")
    job.aliases = [*job.aliases, "animatrice de coopération territoriale"]
    figures = evidence.map_evidence(network_id=network.pk, job=job)
    assert figures["offers"] == 1 and figures["sessions"] == 2
    assert figures["regions"] == [{"code": "53", "name": "Bretagne", "offers": 1, "sessions": 2}]
    assert figures["departments_without_offer"] == 99 and figures["date"] and figures["source"]
    job.codes = {"rome": ["K1802"]}
    assert evidence.map_evidence(network_id=network.pk, job=job)["offers"] == 2
    assert "animateur de cooperation territoriale" in evidence.job_keywords(job)


def test_submit_record_the_code_and_the_organisation_takes_it_into_its_training(people):
    project = create_project(people, carrier_organisation_id=None)
    actor = committee(people)
    with pytest.raises(ValidationError, match="porteur"):
        services.project_submit(actor=actor, project_id=project.pk)
    services.project_update(
        actor=actor,
        project_id=project.pk,
        title=project.title,
        register="rncp",
        level=6,
        carrier_organisation_id=people["organisation"].pk,
    )
    block = project.blocks.get()
    services.block_training_attach(
        actor=actor, project_id=project.pk, block_id=block.pk, training_id=people["training"].pk
    )
    services.project_submit(actor=actor, project_id=project.pk)
    with pytest.raises(ValidationError, match="en préparation"):
        services.block_delete(actor=actor, project_id=project.pk, block_id=block.pk)
    with pytest.raises(ValidationError) as error:
        services.project_record_decision(actor=actor, project_id=project.pk, registered=True, code="RS1234")
    assert "RNCP35219" in error.value.message_dict["code"][0]
    project = services.project_record_decision(actor=actor, project_id=project.pk, registered=True, code="rncp 41234")
    assert project.state == ProjectState.REGISTERED and project.code == "RNCP41234"

    # The link back: shown on the project page, taken by the organisation (never written silently).
    training = people["training"]
    assert training.certification_code == ""
    admin = Membership.objects.filter(organisation=training.organisation, role="admin").first()
    if admin is None:
        from coopforma.accounts.tests.factories import MembershipFactory

        admin = MembershipFactory(organisation=training.organisation, role="admin")
    client = Client()
    client.force_login(people["member"])
    page = client.get(f"/reseaux/{people['network'].slug}/referentiel/projets/{project.pk}/").content.decode()
    assert "RNCP41234" in page and "Reporter le code" not in page  # the member is not in the training's organisation
    Membership.objects.create(user=people["member"], organisation=training.organisation, role="admin")
    page = client.get(f"/reseaux/{people['network'].slug}/referentiel/projets/{project.pk}/").content.decode()
    assert "Reporter le code RNCP41234" in page
    response = client.post(
        f"/reseaux/{people['network'].slug}/referentiel/projets/{project.pk}/formations/{training.pk}/adopter/"
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.certification_kind, training.certification_code, training.rncp_level) == ("rncp", "RNCP41234", 6)
    assert training.certifier == people["organisation"].name


def test_a_refusal_needs_its_reason_and_the_project_reopens(people):
    project = create_project(people)
    actor = committee(people)
    services.project_submit(actor=actor, project_id=project.pk)
    with pytest.raises(ValidationError, match="motif"):
        services.project_record_decision(actor=actor, project_id=project.pk, registered=False)
    services.project_record_decision(actor=actor, project_id=project.pk, registered=False, note="Besoin non démontré")
    project = services.project_reopen(actor=actor, project_id=project.pk)
    assert project.state == ProjectState.DRAFT


def test_the_pages_of_a_project(people):
    client = Client()
    client.force_login(people["committee"])
    base = f"/reseaux/{people['network'].slug}/referentiel/projets/"
    version = people["version"]
    response = client.post(
        base + "nouveau/",
        {
            "job": f"{version.pk}:M2",
            "title": "Développeur·se de territoire",
            "register": "rs",
            "level": "",
            "carrier": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = people["network"].certification_projects.get()
    assert project.job.code == "M2" and project.register == "rs"
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "BC01" in detail.content.decode()
    block = project.blocks.get()
    evaluation = block.evaluations.first()
    assert client.get(base + f"{project.pk}/evaluations/{evaluation.pk}/").status_code == 200
    response = client.post(base + f"{project.pk}/evaluations/{evaluation.pk}/", {"situations": "Étude de cas"})
    assert response.status_code == 302
    response = client.post(base + f"{project.pk}/blocs/{block.pk}/", {"title": "Bloc", "competency_codes": []})
    assert response.status_code == 422
    assert client.get(base + f"{project.pk}/blocs/{block.pk}/").status_code == 200
    response = client.post(base + "nouveau/", {"job": f"{version.pk}:M2", "title": "", "register": "rncp"})
    assert response.status_code == 422 and "error-summary" in response.content.decode()
    assert client.get(base).status_code == 200
    assert project.job.kind == ItemKind.JOB
