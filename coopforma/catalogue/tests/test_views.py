# SPDX-License-Identifier: AGPL-3.0-or-later
import html

import pytest
from django.urls import reverse

from coopforma.catalogue.models import Training
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.models import ActivityLog


def url(name: str, org, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"catalogue:{name}", kwargs={"org": org.slug, **kwargs})


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def form_data(**overrides: object) -> dict:
    data = {
        "title": "Coopérer sur un territoire",
        "reference": "COOP-01",
        "objectives": "Identifier les acteurs d'un territoire\n\nAnimer une réunion participative\n",
        "audience": "Élu·es et salarié·es",
        "prerequisites": "Aucun",
        "duration_minutes": "10h30",
        "modality": "on_site",
        "content": "Matin : cartographie. Après-midi : animation.",
        "methods": "Études de cas",
        "evaluation_methods": "Quiz final",
        "accessibility": "Locaux de plain-pied",
        "access_delay": "15 jours",
        "price_inter_cents": "1 250,50",
        "price_intra_cents": "",
        "certification_kind": "none",
        "certification_code": "",
        "rncp_level": "",
        "nsf_code": "341",
        "formacode": "15043",
        "bpf_objective": "d",
    }
    data.update(overrides)
    return data


# --- list -----------------------------------------------------------------------------------------------


def test_list_shows_the_visible_trainings_and_filters(web, trainer, trainer_user, org, member, other_member):
    TrainingFactory(organisation=org, member_structure=member, title="Animer en CAE", reference="CAE-7")
    TrainingFactory(organisation=org, member_structure=other_member, title="Formation de la Scop")
    client = web(trainer_user)
    response = client.get(url("list", org))
    assert response.status_code == 200
    assert "Animer en CAE" in text(response)
    assert "Formation de la Scop" not in text(response)
    response = client.get(url("list", org), {"q": "cae-7"})
    assert "Animer en CAE" in text(response)
    response = client.get(url("list", org), {"q": "introuvable"})
    assert "Aucune formation ne correspond" in text(response)


def test_list_htmx_returns_only_the_results(web, admin_user, org, member):
    TrainingFactory(organisation=org, member_structure=member, title="Animer en CAE")
    response = web(admin_user).get(url("list", org), {"status": "validated"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Animer en CAE" in text(response)
    assert "<html" not in text(response)


def test_list_query_count_is_constant(web, admin_user, org, member, trainer, django_assert_max_num_queries):
    # The bound counts the menu's one query for « Mes réseaux » (networks/templatetags/networks.py).
    def add(n: int) -> None:
        for _ in range(n):
            training = TrainingFactory(organisation=org, member_structure=member)
            training.trainers.add(trainer)

    client = web(admin_user)
    add(3)
    with django_assert_max_num_queries(8):
        response = client.get(url("list", org))
    assert text(response).count(trainer.full_name) == 3
    add(30)
    with django_assert_max_num_queries(8):
        response = client.get(url("list", org))
    assert text(response).count(trainer.full_name) == 33


def test_list_paginates(web, admin_user, org, member):
    for n in range(55):
        TrainingFactory(organisation=org, member_structure=member, title=f"Formation {n:02d}")
    response = web(admin_user).get(url("list", org), {"page": 2})
    assert "Formation 54" in text(response)
    assert "Formation 00" not in text(response)
    assert "Page 2 sur 2" in text(response)


# --- detail ---------------------------------------------------------------------------------------------


def test_detail_is_a_programme_sheet(web, admin_user, org, member, trainer):
    org.disability_referent_name = "Rosa Référente"
    org.disability_referent_email = "handicap@coop.example"
    org.save()
    training = TrainingFactory(
        organisation=org,
        member_structure=member,
        price_inter_cents=125050,
        price_intra_cents=300000,
        duration_minutes=630,
        access_delay="15 jours ouvrés",
        certification_kind="rs",
        certification_code="RS5142",
        bpf_objective="b",
    )
    training.trainers.add(trainer)
    session = training.sessions.create(organisation=org, member_structure=member, title="Session de mars")
    response = web(admin_user).get(url("detail", org, pk=training.pk))
    assert response.status_code == 200
    page = text(response)
    for expected in [
        training.title,
        "<li>Identifier les acteurs d'un territoire</li>",
        "<li>Animer une réunion participative</li>",
        "Salarié·es et entrepreneur·es de coopératives",
        "10\xa0h\xa030",
        "Présentiel",
        "Apports, études de cas, mises en situation",
        "Quiz de positionnement",
        "Rosa Référente",
        "handicap@coop.example",
        "15 jours ouvrés",
        "1\u202f250,50\xa0€ par stagiaire",
        "3\u202f000,00\xa0€ par groupe",
        "RS5142",
        "333 — Enseignement, formation",
        "15043",
        "b. Certification ou habilitation enregistrée au RS",
        "CAE Test",
        "Théo Formateur",
        "Validée",
        "Programme complet",
        "Session de mars",
        f"/o/{org.slug}/sessions/{session.pk}/",
        f"/o/{org.slug}/sessions/new/?training={training.pk}",
        "Historique",
    ]:
        assert expected in page, expected


def test_detail_lists_the_missing_items_and_the_missing_referent(web, admin_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", methods="", nsf_code="")
    page = text(web(admin_user).get(url("detail", org, pk=training.pk)))
    assert "2 éléments manquants" in page
    assert "<li>Méthodes pédagogiques et moyens</li>" in page
    assert "<li>Code NSF</li>" in page
    assert "à renseigner" in page
    assert "Créer une session" not in page


def test_detail_shows_the_review_comment(web, trainer_user, trainer, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", review_comment="Revoir")
    training.trainers.add(trainer)
    page = text(web(trainer_user).get(url("detail", org, pk=training.pk)))
    assert "Renvoyée en brouillon par la relecture" in page
    assert "Revoir" in page
    assert "Soumettre à validation" in page
    assert "Valider le programme" not in page


# --- create / edit --------------------------------------------------------------------------------------


def test_create_page_and_valid_post(web, admin_user, org, member, trainer):
    client = web(admin_user)
    assert client.get(url("create", org)).status_code == 200
    response = client.post(url("create", org), form_data(member_structure_id=member.pk, trainer_ids=[trainer.pk]))
    training = Training.objects.get(title="Coopérer sur un territoire")
    assert response.status_code == 302
    assert response["Location"] == url("detail", org, pk=training.pk)
    assert training.objectives == ["Identifier les acteurs d'un territoire", "Animer une réunion participative"]
    assert training.duration_minutes == 630
    assert training.price_inter_cents == 125050
    assert training.price_intra_cents is None
    assert list(training.trainers.all()) == [trainer]
    assert ActivityLog.objects.filter(object_id=training.pk, action="catalogue.training.created").exists()


def test_trainer_creates_without_choosing_a_structure(web, trainer_user, trainer, org, member):
    client = web(trainer_user)
    page = text(client.get(url("create", org)))
    assert 'name="member_structure_id"' not in page
    response = client.post(url("create", org), form_data())
    assert response.status_code == 302
    training = Training.objects.get(title="Coopérer sur un territoire")
    assert training.member_structure == member
    assert list(training.trainers.all()) == [trainer]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"duration_minutes": "7,001"}, "ne tombe pas sur une minute entière"),
        ({"objectives": "Animer une réunion participative\nLire"}, "L'objectif n° 2 (« Lire ») est trop court"),
        ({"certification_kind": "rncp", "certification_code": "RS12"}, "de la forme RNCP35219"),
        ({"formacode": "12"}, "5 chiffres"),
        ({"price_inter_cents": "12,345"}, "deux décimales au plus"),
        ({"title": ""}, "Ce champ est obligatoire"),
    ],
)
def test_create_invalid_keeps_what_was_typed(web, admin_user, org, member, overrides, error):
    data = form_data(member_structure_id=member.pk, **overrides)
    response = web(admin_user).post(url("create", org), data)
    assert response.status_code == 200
    page = text(response)
    assert error in page
    assert "Le formulaire contient des erreurs" in page
    assert "Matin : cartographie. Après-midi : animation." in page
    assert "Identifier les acteurs d'un territoire" in page or "Animer une réunion participative" in page
    assert not Training.objects.filter(reference="COOP-01").exists()


def test_edit_page_shows_current_values(web, manager_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, duration_minutes=450, price_inter_cents=70000)
    page = text(web(manager_user).get(url("edit", org, pk=training.pk)))
    assert 'value="7h30"' in page
    assert 'value="700,00"' in page
    assert "Identifier les acteurs d'un territoire\nAnimer une réunion participative" in page


def test_structure_field_only_for_those_who_choose(web, trainer_user, trainer, manager_user, admin_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member)
    training.trainers.add(trainer)
    for user, shown in [(trainer_user, False), (manager_user, False), (admin_user, True)]:
        page = text(web(user).get(url("edit", org, pk=training.pk)))
        assert ('name="member_structure_id"' in page) is shown, user


def test_trainer_edit_of_a_validated_training_says_it_returns_to_draft(web, trainer_user, trainer, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated")
    training.trainers.add(trainer)
    client = web(trainer_user)
    page = text(client.get(url("edit", org, pk=training.pk)))
    assert "il repassera en brouillon" in page
    response = client.post(url("edit", org, pk=training.pk), form_data(trainer_ids=[trainer.pk]), follow=True)
    assert "la formation repasse en brouillon" in text(response)
    training.refresh_from_db()
    assert training.status == "draft"
    assert training.title == "Coopérer sur un territoire"
    log = ActivityLog.objects.filter(object_id=training.pk, action="catalogue.training.updated").get()
    assert log.data["changes"]["title"][1] == "Coopérer sur un territoire"


def test_edit_invalid_rerenders_with_errors(web, admin_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft")
    response = web(admin_user).post(
        url("edit", org, pk=training.pk),
        form_data(member_structure_id=member.pk, nsf_code="999", content="Déroulé tapé"),
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    assert "Déroulé tapé" in text(response)
    training.refresh_from_db()
    assert training.content != "Déroulé tapé"


# --- workflow buttons -----------------------------------------------------------------------------------


def test_submit_incomplete_shows_the_missing_items(web, manager_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", audience="")
    response = web(manager_user).post(url("submit", org, pk=training.pk), follow=True)
    assert "il manque Public visé" in text(response)
    training.refresh_from_db()
    assert training.status == "draft"


def test_submit_then_validate(web, manager_user, quality_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft")
    response = web(manager_user).post(url("submit", org, pk=training.pk), follow=True)
    assert "Programme soumis à validation." in text(response)
    response = web(quality_user).post(url("validate", org, pk=training.pk), follow=True)
    assert "Programme validé" in text(response)
    training.refresh_from_db()
    assert training.status == "validated"
    assert training.validated_by == quality_user


def test_return_form(web, quality_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="submitted")
    client = web(quality_user)
    assert client.get(url("return", org, pk=training.pk)).status_code == 200
    response = client.post(url("return", org, pk=training.pk), {"comment": ""})
    assert response.status_code == 200
    assert "Expliquez ce qui doit être repris" in text(response)
    response = client.post(url("return", org, pk=training.pk), {"comment": "Objectifs trop vagues"})
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.status, training.review_comment) == ("draft", "Objectifs trop vagues")


def test_archive_unarchive_and_duplicate(web, manager_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated")
    client = web(manager_user)
    client.post(url("archive", org, pk=training.pk), {"archived": "1"})
    training.refresh_from_db()
    assert training.status == "archived"
    client.post(url("archive", org, pk=training.pk), {"archived": "0"})
    training.refresh_from_db()
    assert training.status == "draft"
    response = client.post(url("duplicate", org, pk=training.pk))
    copy = Training.objects.get(title=f"Copie de {training.title}")
    assert response["Location"] == url("detail", org, pk=copy.pk)


def test_action_views_refuse_get(web, admin_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member)
    assert web(admin_user).get(url("submit", org, pk=training.pk)).status_code == 405
