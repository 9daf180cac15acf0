# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopforma.catalogue import selectors, services
from coopforma.catalogue.models import Training
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.models import ActivityLog
from coopforma.people.tests.factories import MemberStructureFactory, TrainerFactory

COMPLETE = {
    "title": "Animer une coopérative",
    "objectives": ["Animer une réunion participative", "Construire un plan d'action partagé"],
    "audience": "Salarié·es de coopératives",
    "prerequisites": "Aucun",
    "duration_minutes": 840,
    "content": "Jour 1 : diagnostic. Jour 2 : animation.",
    "methods": "Apports, études de cas",
    "evaluation_methods": "Mise en situation finale",
    "accessibility": "Locaux accessibles",
    "nsf_code": "333",
    "bpf_objective": "d",
}


def errors_of(excinfo: pytest.ExceptionInfo) -> dict:
    return excinfo.value.message_dict


def last_log(training: Training) -> ActivityLog:
    return ActivityLog.objects.filter(object_id=training.pk).order_by("-id").first()


# --- create ---------------------------------------------------------------------------------------------


def test_admin_creates_a_draft_in_the_chosen_structure_and_it_is_logged(admin_actor, member, trainer):
    training = services.training_create(
        actor=admin_actor, member_structure_id=member.pk, trainer_ids=[trainer.pk], **COMPLETE
    )
    training.refresh_from_db()
    assert training.status == "draft"
    assert training.organisation == admin_actor.organisation
    assert training.member_structure == member
    assert list(training.trainers.all()) == [trainer]
    assert training.created_by == admin_actor.user
    assert training.objectives == COMPLETE["objectives"]
    log = last_log(training)
    assert log.action == "catalogue.training.created"
    assert log.data["trainers"] == [trainer.pk]


def test_admin_must_choose_a_structure(admin_actor, member, other_member):
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=admin_actor, **COMPLETE)
    assert "Choisissez la structure membre" in errors_of(excinfo)["member_structure_id"][0]


def test_structure_of_another_organisation_is_refused(admin_actor, member, other_org):
    foreign = MemberStructureFactory(organisation=other_org)
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=admin_actor, member_structure_id=foreign.pk, **COMPLETE)
    assert "member_structure_id" in errors_of(excinfo)


def test_trainer_creates_in_their_structure_and_is_added_to_the_trainers(trainer_actor, trainer, member):
    training = services.training_create(actor=trainer_actor, title="Ma formation")
    assert training.member_structure == member
    assert list(training.trainers.all()) == [trainer]


def test_trainer_cannot_choose_another_structure(trainer_actor, other_member):
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=trainer_actor, title="Ailleurs", member_structure_id=other_member.pk)
    assert "n'est pas l'une de celles" in errors_of(excinfo)["member_structure_id"][0]


def test_manager_of_one_structure_is_forced_to_it(manager_actor, member, other_member):
    training = services.training_create(actor=manager_actor, title="Formation de la CAE")
    assert training.member_structure == member
    assert list(training.trainers.all()) == []


def test_manager_of_several_structures_chooses_among_theirs(manager_actor, manager_user, member, other_member, org):
    third = MemberStructureFactory(organisation=org, name="Troisième")
    third.managers.add(manager_user)
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=manager_actor, title="Sans structure")
    assert "member_structure_id" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        services.training_create(actor=manager_actor, title="Pas la mienne", member_structure_id=other_member.pk)
    training = services.training_create(actor=manager_actor, title="La troisième", member_structure_id=third.pk)
    assert training.member_structure == third


def test_objectives_blank_dropped_short_refused_at_most_twenty(admin_actor, member):
    training = services.training_create(
        actor=admin_actor,
        member_structure_id=member.pk,
        title="Objectifs",
        objectives=["  Animer une réunion  ", "", "   "],
    )
    assert training.objectives == ["Animer une réunion"]
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(
            actor=admin_actor, member_structure_id=member.pk, title="Court", objectives=["Animer une réunion", "Lire"]
        )
    assert errors_of(excinfo)["objectives"] == ["L'objectif n° 2 (« Lire ») est trop court : 10 caractères au moins."]
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(
            actor=admin_actor,
            member_structure_id=member.pk,
            title="Trop",
            objectives=[f"Objectif numéro {n}" for n in range(21)],
        )
    assert "21 objectifs : 20 au plus" in errors_of(excinfo)["objectives"][0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"certification_kind": "rncp", "rncp_level": 5}, "certification_code", "de la forme RNCP35219"),
        ({"certification_kind": "rncp", "certification_code": "RS12"}, "certification_code", "RNCP35219"),
        ({"certification_kind": "rncp", "certification_code": "RNCP35219"}, "rncp_level", "niveau RNCP"),
        ({"certification_kind": "rncp", "certification_code": "RNCP1", "rncp_level": 1}, "rncp_level", "de 2 à 8"),
        (
            {"certification_kind": "rncp", "certification_code": "RNCP1", "rncp_level": 5, "bpf_objective": "d"},
            "bpf_objective",
            "objectif BPF « a »",
        ),
        ({"certification_kind": "rs", "certification_code": "RNCP1"}, "certification_code", "RS5142"),
        ({"certification_kind": "rs", "certification_code": "RS1", "rncp_level": 4}, "rncp_level", "pas de niveau"),
        (
            {"certification_kind": "rs", "certification_code": "RS1", "bpf_objective": "a"},
            "bpf_objective",
            "objectif BPF « b »",
        ),
        ({"certification_kind": "none", "certification_code": "RS1"}, "certification_code", "non certifiante"),
        ({"certification_kind": "none", "rncp_level": 3}, "rncp_level", "non certifiante"),
        ({"certification_kind": "none", "bpf_objective": "a"}, "bpf_objective", "réservés aux certifications"),
        ({"certification_kind": "none", "bpf_objective": "b"}, "bpf_objective", "réservés aux certifications"),
        ({"nsf_code": "999"}, "nsf_code", "« 999 » n'existe pas"),
        ({"formacode": "1504"}, "formacode", "5 chiffres"),
        ({"is_public": True}, "is_public", "Seule une formation validée"),
        ({"duration_minutes": -5}, "duration_minutes", ""),
        ({"modality": "partout"}, "modality", ""),
    ],
)
def test_rules_refuse_inconsistent_programmes(admin_actor, member, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=admin_actor, member_structure_id=member.pk, title="Règles", **fields)
    errors = errors_of(excinfo)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Training.objects.filter(title="Règles").exists()


def test_certification_sets_the_bpf_objective_and_normalises_the_code(admin_actor, member):
    rncp = services.training_create(
        actor=admin_actor,
        member_structure_id=member.pk,
        title="Titre pro",
        certification_kind="rncp",
        certification_code=" rncp 35219 ",
        rncp_level=5,
    )
    assert (rncp.certification_code, rncp.bpf_objective) == ("RNCP35219", "a")
    rs = services.training_create(
        actor=admin_actor,
        member_structure_id=member.pk,
        title="Habilitation",
        certification_kind="rs",
        certification_code="RS5142",
    )
    assert rs.bpf_objective == "b"


def test_the_nature_of_the_action_sets_its_bpf_objective(admin_actor, member):
    """L6313-1: a bilan de compétences is BPF F-3 e, a VAE accompaniment F-3 f (even towards an RNCP title)."""
    bilan = services.training_create(
        actor=admin_actor, member_structure_id=member.pk, title="Bilan", action_category="skills_assessment"
    )
    assert (bilan.action_category, bilan.bpf_objective) == ("skills_assessment", "e")
    vae = services.training_create(
        actor=admin_actor,
        member_structure_id=member.pk,
        title="Accompagnement VAE",
        action_category="vae",
        certification_kind="rncp",
        certification_code="RNCP35219",
        rncp_level=5,
    )
    assert vae.bpf_objective == "f"
    assert services.training_create(actor=admin_actor, member_structure_id=member.pk, title="F").action_category == (
        "training"
    )
    for fields, field in (
        ({"action_category": "skills_assessment", "bpf_objective": "d"}, "bpf_objective"),
        ({"bpf_objective": "e"}, "action_category"),
        ({"action_category": "nonsense"}, "action_category"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.training_create(actor=admin_actor, member_structure_id=member.pk, title="Nature", **fields)
        assert field in excinfo.value.message_dict, fields
    assert not Training.objects.filter(title="Nature").exists()


def test_only_trainers_who_may_deliver_are_accepted(admin_actor, org, member, other_org):
    applicant = TrainerFactory(organisation=org, member_structure=member, onboarding_state="applied")
    validated = TrainerFactory(organisation=org, member_structure=member, onboarding_state="validated")
    foreign = TrainerFactory(organisation=other_org)
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(
            actor=admin_actor, member_structure_id=member.pk, title="T", trainer_ids=[applicant.pk]
        )
    assert applicant.full_name in errors_of(excinfo)["trainer_ids"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=admin_actor, member_structure_id=member.pk, title="T", trainer_ids=[foreign.pk])
    assert "inconnu" in errors_of(excinfo)["trainer_ids"][0]
    training = services.training_create(
        actor=admin_actor, member_structure_id=member.pk, title="T", trainer_ids=[validated.pk]
    )
    assert list(training.trainers.all()) == [validated]


def test_unknown_fields_are_refused(admin_actor, member):
    with pytest.raises(ValidationError) as excinfo:
        services.training_create(actor=admin_actor, member_structure_id=member.pk, title="T", status="validated")
    assert "status" in errors_of(excinfo)


# --- update ---------------------------------------------------------------------------------------------


def test_update_logs_the_diff(manager_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", title="Avant")
    services.training_update(actor=manager_actor, training_id=training.pk, title="Après", duration_minutes=420)
    training.refresh_from_db()
    assert (training.title, training.duration_minutes) == ("Après", 420)
    log = last_log(training)
    assert log.action == "catalogue.training.updated"
    assert log.data["changes"]["title"] == ["Avant", "Après"]
    assert log.data["changes"]["duration_minutes"] == [840, 420]


def test_trainer_editing_a_validated_training_sends_it_back_to_draft(trainer_actor, trainer, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True)
    training.trainers.add(trainer)
    services.training_update(actor=trainer_actor, training_id=training.pk, content="Un nouveau déroulé")
    training.refresh_from_db()
    assert training.status == "draft"
    assert training.is_public is False
    log = last_log(training)
    assert log.data["returned_to_draft"] is True
    assert log.data["changes"]["status"] == ["validated", "draft"]


def test_quality_editing_a_validated_training_keeps_it_validated(quality_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated")
    services.training_update(actor=quality_actor, training_id=training.pk, content="Corrigé")
    training.refresh_from_db()
    assert training.status == "validated"


def test_saving_without_change_keeps_a_validated_training(manager_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated")
    services.training_update(actor=manager_actor, training_id=training.pk, title=training.title)
    training.refresh_from_db()
    assert training.status == "validated"


def test_public_only_when_validated(manager_actor, org, member):
    draft = TrainingFactory(organisation=org, member_structure=member, status="draft")
    with pytest.raises(ValidationError) as excinfo:
        services.training_update(actor=manager_actor, training_id=draft.pk, is_public=True)
    assert "is_public" in errors_of(excinfo)
    validated = TrainingFactory(organisation=org, member_structure=member, status="validated")
    services.training_update(actor=manager_actor, training_id=validated.pk, is_public=True)
    validated.refresh_from_db()
    assert (validated.status, validated.is_public) == ("validated", True)


def test_trainer_edits_only_what_they_teach(trainer_actor, trainer, org, member, other_member):
    of_structure = TrainingFactory(organisation=org, member_structure=member)
    with pytest.raises(PermissionDenied):
        services.training_update(actor=trainer_actor, training_id=of_structure.pk, title="Non")
    elsewhere = TrainingFactory(organisation=org, member_structure=other_member)
    with pytest.raises(Http404):
        services.training_update(actor=trainer_actor, training_id=elsewhere.pk, title="Non")
    elsewhere.trainers.add(trainer)
    services.training_update(actor=trainer_actor, training_id=elsewhere.pk, title="Oui, je l'anime")
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Oui, je l'anime"
    assert elsewhere.member_structure == other_member


def test_trainer_cannot_move_a_training_to_another_structure(trainer_actor, trainer, org, member, other_member):
    training = TrainingFactory(organisation=org, member_structure=other_member)
    training.trainers.add(trainer)
    with pytest.raises(ValidationError) as excinfo:
        services.training_update(actor=trainer_actor, training_id=training.pk, member_structure_id=member.pk)
    assert "changer la structure membre" in errors_of(excinfo)["member_structure_id"][0]
    services.training_update(actor=trainer_actor, training_id=training.pk, member_structure_id=other_member.pk)


def test_manager_moves_a_training_between_their_structures(manager_actor, manager_user, org, member, other_member):
    training = TrainingFactory(organisation=org, member_structure=member)
    with pytest.raises(ValidationError):
        services.training_update(actor=manager_actor, training_id=training.pk, member_structure_id=other_member.pk)
    other_member.managers.add(manager_user)
    manager_actor.cache.clear()
    services.training_update(actor=manager_actor, training_id=training.pk, member_structure_id=other_member.pk)
    training.refresh_from_db()
    assert training.member_structure == other_member


def test_trainer_cannot_remove_themselves(trainer_actor, trainer, org, member):
    training = TrainingFactory(organisation=org, member_structure=member)
    training.trainers.add(trainer)
    with pytest.raises(ValidationError) as excinfo:
        services.training_update(actor=trainer_actor, training_id=training.pk, trainer_ids=[])
    assert "vous retirer" in errors_of(excinfo)["trainer_ids"][0]


def test_assigned_trainer_may_stay_after_suspension(admin_actor, org, member):
    suspended = TrainerFactory(organisation=org, member_structure=member, onboarding_state="suspended")
    training = TrainingFactory(organisation=org, member_structure=member)
    training.trainers.add(suspended)
    services.training_update(actor=admin_actor, training_id=training.pk, trainer_ids=[suspended.pk], title="Gardé")
    assert list(training.trainers.all()) == [suspended]


def test_other_organisation_is_404(admin_actor, other_org):
    foreign = TrainingFactory(organisation=other_org)
    with pytest.raises(Http404):
        services.training_update(actor=admin_actor, training_id=foreign.pk, title="Non")


def test_archived_training_is_not_edited(admin_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="archived")
    with pytest.raises(ValidationError) as excinfo:
        services.training_update(actor=admin_actor, training_id=training.pk, title="Non")
    assert "désarchivez-la" in excinfo.value.messages[0]


# --- workflow -------------------------------------------------------------------------------------------


def test_submit_requires_a_complete_programme_and_names_every_missing_item(manager_actor, org, member):
    training = TrainingFactory(
        organisation=org,
        member_structure=member,
        status="draft",
        objectives=[],
        audience="",
        duration_minutes=0,
        nsf_code="",
        bpf_objective="",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.training_submit(actor=manager_actor, training_id=training.pk)
    message = excinfo.value.messages[0]
    assert message == (
        "Programme incomplet, impossible de soumettre le programme : il manque Objectifs (au moins un), "
        "Public visé, Durée, Code NSF, Objectif BPF (cadre F-3)."
    )
    training.refresh_from_db()
    assert training.status == "draft"


def test_submit_validate_and_return(manager_actor, quality_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", review_comment="Ancien")
    services.training_submit(actor=manager_actor, training_id=training.pk)
    training.refresh_from_db()
    assert (training.status, training.review_comment) == ("submitted", "")
    with pytest.raises(PermissionDenied):
        services.training_validate(actor=manager_actor, training_id=training.pk)
    services.training_validate(actor=quality_actor, training_id=training.pk)
    training.refresh_from_db()
    assert training.status == "validated"
    assert training.validated_by == quality_actor.user
    assert training.validated_at is not None
    with pytest.raises(ValidationError) as excinfo:
        services.training_return_to_draft(actor=quality_actor, training_id=training.pk, comment="  ")
    assert "comment" in errors_of(excinfo)
    services.training_return_to_draft(actor=quality_actor, training_id=training.pk, comment="Précisez les prérequis")
    training.refresh_from_db()
    assert (training.status, training.review_comment, training.validated_at) == (
        "draft",
        "Précisez les prérequis",
        None,
    )
    actions = list(ActivityLog.objects.filter(object_id=training.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["catalogue.training.submitted", "catalogue.training.validated", "catalogue.training.returned"]


def test_validate_refuses_an_incomplete_programme(quality_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="submitted", accessibility="")
    with pytest.raises(ValidationError) as excinfo:
        services.training_validate(actor=quality_actor, training_id=training.pk)
    assert "Accessibilité aux personnes en situation de handicap" in excinfo.value.messages[0]


def test_submit_only_from_draft(manager_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated")
    with pytest.raises(ValidationError):
        services.training_submit(actor=manager_actor, training_id=training.pk)


def test_trainer_who_does_not_teach_cannot_submit(trainer_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft")
    with pytest.raises(PermissionDenied):
        services.training_submit(actor=trainer_actor, training_id=training.pk)


def test_archive_and_unarchive(manager_actor, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True)
    services.training_archive(actor=manager_actor, training_id=training.pk)
    training.refresh_from_db()
    assert (training.status, training.is_public) == ("archived", False)
    with pytest.raises(ValidationError):
        services.training_archive(actor=manager_actor, training_id=training.pk)
    services.training_archive(actor=manager_actor, training_id=training.pk, archived=False)
    training.refresh_from_db()
    assert training.status == "draft"
    assert last_log(training).action == "catalogue.training.unarchived"


def test_duplicate_makes_a_draft_copy(manager_actor, trainer, org, member):
    source = TrainingFactory(
        organisation=org, member_structure=member, status="validated", is_public=True, reference="REF-1"
    )
    source.trainers.add(trainer)
    copy = services.training_duplicate(actor=manager_actor, training_id=source.pk)
    assert copy.pk != source.pk
    assert copy.title == f"Copie de {source.title}"
    assert (copy.status, copy.is_public, copy.reference) == ("draft", False, "")
    assert copy.objectives == source.objectives
    assert copy.content == source.content
    assert list(copy.trainers.all()) == [trainer]
    assert last_log(copy).data["source"]["id"] == source.pk


def test_trainer_duplicates_into_their_structure(trainer_actor, trainer, org, member, other_member, other_trainer):
    taught_elsewhere = TrainingFactory(organisation=org, member_structure=other_member)
    taught_elsewhere.trainers.add(trainer, other_trainer)
    copy = services.training_duplicate(actor=trainer_actor, training_id=taught_elsewhere.pk)
    assert copy.member_structure == member
    assert list(copy.trainers.all()) == [trainer]
    assert selectors.training_editable(actor=trainer_actor, training=copy)


# --- selectors ------------------------------------------------------------------------------------------


@pytest.fixture
def world(org, other_org, member, other_member, trainer):
    of_member = TrainingFactory(organisation=org, member_structure=member, title="Animer en CAE")
    of_other = TrainingFactory(organisation=org, member_structure=other_member, title="Gérer une Scop")
    taught = TrainingFactory(organisation=org, member_structure=other_member, title="Coopérer sur un territoire")
    taught.trainers.add(trainer)
    foreign = TrainingFactory(organisation=other_org, title="Ailleurs")
    return {"of_member": of_member, "of_other": of_other, "taught": taught, "foreign": foreign}


def titles(qs) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.title for t in qs}


def test_visibility_by_role(world, admin_actor, quality_actor, manager_actor, trainer_actor):
    every = {"Animer en CAE", "Gérer une Scop", "Coopérer sur un territoire"}
    assert titles(selectors.training_list(actor=admin_actor)) == every
    assert titles(selectors.training_list(actor=quality_actor)) == every
    assert titles(selectors.training_list(actor=manager_actor)) == {"Animer en CAE"}
    assert titles(selectors.training_list(actor=trainer_actor)) == {"Animer en CAE", "Coopérer sur un territoire"}
    with pytest.raises(Http404):
        selectors.training_get(actor=trainer_actor, training_id=world["of_other"].pk)
    with pytest.raises(Http404):
        selectors.training_get(actor=admin_actor, training_id=world["foreign"].pk)


def test_editable_by_role(world, admin_actor, manager_actor, trainer_actor):
    assert selectors.training_editable(actor=admin_actor, training=world["of_other"])
    assert selectors.training_editable(actor=manager_actor, training=world["of_member"])
    assert not selectors.training_editable(actor=manager_actor, training=world["taught"])
    assert selectors.training_editable(actor=trainer_actor, training=world["taught"])
    assert not selectors.training_editable(actor=trainer_actor, training=world["of_member"])
    assert not selectors.training_editable(actor=admin_actor, training=world["foreign"])


def test_list_filters(world, admin_actor, trainer_actor, other_member):
    world["of_member"].reference = "CAE-01"
    world["of_member"].save()
    world["of_other"].nsf_code = "315"
    world["of_other"].formacode = "32012"
    world["of_other"].certification_kind = "rs"
    world["of_other"].modality = "remote"
    world["of_other"].is_public = True
    world["of_other"].save()

    def search(actor, **filters):  # type: ignore[no-untyped-def]
        return titles(selectors.training_list(actor=actor, filters=filters))

    assert search(admin_actor, q="animer") == {"Animer en CAE"}
    assert search(admin_actor, q="cae-01") == {"Animer en CAE"}
    assert search(admin_actor, q="315") == {"Gérer une Scop"}
    assert search(admin_actor, q="ressources humaines") == {"Gérer une Scop"}
    assert search(admin_actor, q="32012") == {"Gérer une Scop"}
    assert search(admin_actor, member_structure=other_member.pk) == {"Gérer une Scop", "Coopérer sur un territoire"}
    assert search(admin_actor, modality="remote") == {"Gérer une Scop"}
    assert search(admin_actor, certification_kind="rs") == {"Gérer une Scop"}
    assert search(admin_actor, is_public=True) == {"Gérer une Scop"}
    assert search(trainer_actor, mine=True) == {"Coopérer sur un territoire"}
    world["of_member"].status = "archived"
    world["of_member"].save()
    assert "Animer en CAE" not in search(admin_actor)
    assert search(admin_actor, status="archived") == {"Animer en CAE"}
    assert search(admin_actor, status="draft") == set()


def test_session_list_through_the_reverse_relation(world, admin_actor, trainer_actor, trainer, member):
    training = world["of_member"]
    mine = training.sessions.create(organisation=training.organisation, member_structure=member, title="Mienne")
    mine.trainers.add(trainer)
    training.sessions.create(organisation=training.organisation, member_structure=member, title="Autre")
    assert titles(selectors.training_session_list(actor=admin_actor, training=training)) == {"Mienne", "Autre"}
    assert titles(selectors.training_session_list(actor=trainer_actor, training=training)) == {"Mienne"}
