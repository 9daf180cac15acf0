# SPDX-License-Identifier: AGPL-3.0-or-later
"""Trainers declare competencies of the référentiel during their onboarding; the network's committee validates or
refuses each line; the trainer's page shows the validated ones with their levels."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import Role
from coopforma.core.models import ActivityLog
from coopforma.referentiel import services
from coopforma.referentiel.models import TrainerCompetency, TrainerCompetencyState
from coopforma.referentiel.tests.setup import client_for, competency, world

pytestmark = pytest.mark.django_db
QUEUE = "/reseaux/formations-cooperatives/referentiel/formateurs/"


@pytest.fixture
def w():
    return world()


def declare(w, code="M1-C4", level="pratique", evidence="Dix ans d'animation de réunions"):
    return services.trainer_competency_declare(
        actor=actor_for(w["trainer_user"], w["org"], Role.TRAINER),
        trainer_id=w["trainer"].pk,
        competency_id=competency(w["version"], code).pk,
        level=level,
        evidence=evidence,
    )


def test_the_trainer_declares_and_the_committee_validates(w):
    line = declare(w)
    assert line.state == TrainerCompetencyState.PROPOSED
    services.trainer_competency_decide(
        user=w["our_committee"], network_id=w["our_network"].pk, line_id=line.pk, accept=True
    )
    line.refresh_from_db()
    assert line.state == TrainerCompetencyState.VALIDATED and line.validated_by == w["our_committee"]
    assert line.validated_at is not None
    page = client_for(w["admin"]).get(f"/o/cooperer/referentiel/formateurs/{w['trainer'].pk}/?panel=1")
    text = page.content.decode()
    assert "Validées par le comité du réseau" in text and "M1-C4" in text and "Pratique" in text
    assert set(ActivityLog.objects.values_list("action", flat=True)) >= {
        "referentiel.trainer_competency.declared",
        "referentiel.trainer_competency.validated",
    }


def test_a_refusal_needs_a_reason_and_declaring_again_proposes_again(w):
    line = declare(w)
    with pytest.raises(ValidationError) as error:
        services.trainer_competency_decide(
            user=w["our_committee"], network_id=w["our_network"].pk, line_id=line.pk, accept=False
        )
    assert "reason" in error.value.message_dict
    assert TrainerCompetency.objects.get().state == TrainerCompetencyState.PROPOSED
    services.trainer_competency_decide(
        user=w["our_committee"], network_id=w["our_network"].pk, line_id=line.pk, accept=False, reason="Pas de preuve."
    )
    assert TrainerCompetency.objects.get().state == TrainerCompetencyState.REFUSED
    again = declare(w, evidence="Attestation de formation à la médiation")
    assert again.pk == line.pk and again.state == TrainerCompetencyState.PROPOSED and again.decision_reason == ""


def test_bad_declarations_say_what_is_wrong(w):
    with pytest.raises(ValidationError) as error:
        declare(w, level="expert")
    assert "level" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.trainer_competency_declare(
            actor=actor_for(w["admin"], w["org"], Role.ADMIN),
            trainer_id=w["trainer"].pk,
            competency_id=competency(w["other_version"], "M1-C4").pk,  # a network we are not a member of
            level="pratique",
        )
    assert "competency" in error.value.message_dict
    assert not TrainerCompetency.objects.exists()


def test_staff_of_another_organisation_cannot_declare_for_our_trainer(w):
    with pytest.raises(Http404):
        services.trainer_competency_declare(
            actor=actor_for(w["other_admin"], w["other_org"], Role.ADMIN),
            trainer_id=w["trainer"].pk,
            competency_id=competency(w["version"], "M1-C4").pk,
            level="pratique",
        )
    client = client_for(w["other_admin"])
    url = f"/o/autre-of/referentiel/formateurs/{w['trainer'].pk}/"
    assert client.get(url).status_code == 404
    item = competency(w["version"], "M1-C4")
    assert client.post(url, {"competency": item.pk, "level": "pratique"}).status_code == 404
    assert not TrainerCompetency.objects.exists()


def test_the_declaration_form_on_the_trainers_page(w):
    client = client_for(w["trainer_user"])
    url = f"/o/cooperer/referentiel/formateurs/{w['trainer'].pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Déclarer une compétence" in page.content.decode()
    item = competency(w["version"], "M1-C2")
    response = client.post(url, {"competency": item.pk, "level": "maitrise", "evidence": "Animatrice depuis 2015"})
    assert response.status_code == 302 and TrainerCompetency.objects.get().competency == item
    bad = client.post(url, {"competency": item.pk, "level": "expert"})
    assert bad.status_code == 422 and "Niveau" in bad.content.decode()
    detail = client_for(w["admin"]).get(f"/o/cooperer/people/trainers/{w['trainer'].pk}/")
    assert "trainer-competencies" in detail.content.decode()


def test_only_our_committee_validates(w):
    line = declare(w)
    # A committee member of another network, with its own slug and our line's id: 404, nothing changes.
    with pytest.raises(Http404):
        services.trainer_competency_decide(
            user=w["their_committee"], network_id=w["their_network"].pk, line_id=line.pk, accept=True
        )
    with pytest.raises(Http404):
        services.trainer_competency_decide(
            user=w["their_committee"], network_id=w["our_network"].pk, line_id=line.pk, accept=True
        )
    theirs = client_for(w["their_committee"])
    assert theirs.get(QUEUE).status_code == 404
    assert theirs.post(QUEUE + f"{line.pk}/decider/", {"decision": "accept"}).status_code == 404
    assert theirs.get("/reseaux/autre-reseau/referentiel/formateurs/").content.decode().count("M1-C4") == 0
    theirs.post(f"/reseaux/autre-reseau/referentiel/formateurs/{line.pk}/decider/", {"decision": "accept"})
    # A simple member of our network: 403.
    with pytest.raises(PermissionDenied):
        services.trainer_competency_decide(
            user=w["our_member"], network_id=w["our_network"].pk, line_id=line.pk, accept=True
        )
    member = client_for(w["our_member"])
    assert member.get(QUEUE).status_code == 403
    assert member.post(QUEUE + f"{line.pk}/decider/", {"decision": "accept"}).status_code == 403
    assert TrainerCompetency.objects.get().state == TrainerCompetencyState.PROPOSED
    # Our committee, through the queue page.
    ours = client_for(w["our_committee"])
    assert "M1-C4" in ours.get(QUEUE).content.decode()
    response = ours.post(QUEUE + f"{line.pk}/decider/", {"decision": "refuse", "reason": ""})
    assert response.status_code == 302 and TrainerCompetency.objects.get().state == TrainerCompetencyState.PROPOSED
    ours.post(QUEUE + f"{line.pk}/decider/", {"decision": "refuse", "reason": "Pas encore de pratique."})
    line.refresh_from_db()
    assert line.state == TrainerCompetencyState.REFUSED and line.decision_reason == "Pas encore de pratique."
