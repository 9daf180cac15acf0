# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 13, points 1–2: a person's non-anonymous evaluation answers are in their archive (staff and portal) with
their purpose and period, and erasure detaches them from the person without changing any aggregated result."""

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from coopforma.accounts.magic_links import magic_link_create
from coopforma.evaluations.documents import assessment_data
from coopforma.evaluations.models import Answer, Invitation, Response
from coopforma.evaluations.selectors import survey_question_results
from coopforma.evaluations.tests.factories import open_survey
from coopforma.privacy import services

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def unzip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("donnees.json")), text_of(archive.read("synthese.pdf"))


def answer(survey, token, comment: str, rating: int = 4) -> None:  # type: ignore[no-untyped-def]
    data: dict = {}
    for q in survey.snapshot["questions"]:
        name = f"q{q['id']}"
        if q["type"] == "scale":
            data[name] = str(rating)
        elif q["type"] == "objectives":
            for i in range(len(survey.snapshot["objectives"])):
                data[f"{name}_{i}"] = str(rating)
        elif q["type"] == "yes_no":
            data[name] = "1"
        elif q["type"] in ("single", "multiple"):
            data[name] = "0"
        elif q["type"] == "text":
            data[name] = comment
    page = Client().post(f"/q/{survey.pk}/{token}/", data)
    assert "Merci" in page.content.decode()


@pytest.fixture
def answered(session, lived, alice, bruno):  # type: ignore[no-untyped-def]
    """Alice and Bruno answered the named « needs » questionnaire and the anonymous « hot » one; the trainer
    assessed both trainees' skills."""
    surveys = {}
    for kind in ("needs", "hot", "skills"):
        survey, tokens = open_survey(session, kind)
        for invitation in Invitation.objects.filter(pk__in=tokens).select_related("participant__trainee"):
            who = invitation.participant.trainee.first_name
            answer(survey, tokens[invitation.pk], f"{kind} : {who} {invitation.participant.trainee.last_name} ici")
        surveys[kind] = survey
    return surveys


def sections_of(data: dict) -> dict:
    (subject,) = data["subjects"]
    return {s["key"]: s for s in subject["sections"]}


def test_the_staff_export_holds_the_named_answers_with_purpose_period_and_the_anonymous_note(
    org, web, admin_user, lived, answered
):  # type: ignore[no-untyped-def]
    response = web(admin_user).post(f"/o/{org.slug}/privacy/trainees/{lived.pk}/export/")
    data, pdf = unzip(response.content)
    sections = sections_of(data)
    evaluations = sections["evaluations"]
    assert (
        evaluations["purpose"]
        == "Évaluation des formations : évaluation de la formation, Qualiopi indicateurs 2, 11, 30"
    )
    assert "3 ans après la fin de la session" in evaluations["retention"] and "R6316-3" in evaluations["retention"]
    assert "anonymes ne sont reliées à aucune personne" in evaluations["notes"]
    texts = [r["answer"] for r in evaluations["records"]]
    assert "needs : Alice Martin ici" in texts and "skills : Alice Martin ici" in texts
    assert "hot : Alice Martin ici" not in json.dumps(data, ensure_ascii=False)  # anonymous: not hers to find
    assert "Bruno" not in json.dumps(data, ensure_ascii=False)
    assert any(r["answer"] == "Animer une réunion participative : 4/5" for r in evaluations["records"])
    assert any(r["answer"] == "Oui" for r in evaluations["records"])  # yes/no in words, not 1
    assert all(r["question"] and r["session"] == "Réunions coopératives" for r in evaluations["records"])
    invitations = {r["questionnaire"]: r for r in sections["evaluation_invitations"]["records"]}
    assert len(invitations) == 3 and {r["anonymous"] for r in invitations.values()} == {"Oui", "Non"}
    assert "Qualiopi indicateurs 2, 11, 30" in pdf and "anonymes ne sont reliées à aucune personne" in pdf
    assert "needs : Alice Martin ici" in pdf


def test_the_portal_export_holds_the_trainee_own_answers(org, lived, answered):  # type: ignore[no-untyped-def]
    _link, token = magic_link_create(organisation=org, email="alice@example.org")
    client = Client()
    client.get(f"/p/{token}/")
    data, _pdf = unzip(client.post("/p/espace/mes-donnees/").content)
    texts = [r["answer"] for r in sections_of(data)["evaluations"]["records"]]
    assert "needs : Alice Martin ici" in texts and "Bruno" not in json.dumps(data, ensure_ascii=False)


def test_erasure_detaches_the_answers_and_keeps_every_result(org, admin_actor, lived, alice, answered):  # type: ignore[no-untyped-def]
    before = {kind: survey_question_results(survey) for kind, survey in answered.items()}
    report = services.person_erase(actor=admin_actor, person=alice.trainee)  # the attendance hold runs
    assert any("questionnaires d'évaluation détachée" in line for line in report.done)
    needs = Invitation.objects.get(survey=answered["needs"], participant=alice)
    assert needs.answered_at is not None and needs.email == ""  # that she answered stays (response rates)
    assert not Response.objects.filter(invitation=needs).exists()
    assert Answer.objects.filter(text="needs : [effacé] ici").exists()  # her name is gone from her free text
    # The trainer's assessment of her skills stays linked while the proof of the training is kept (attestation).
    skills = Invitation.objects.get(survey=answered["skills"], participant=alice)
    assert (
        Response.objects.filter(invitation=skills).exists()
        and skills.email == alice.session.trainers.first().email != ""
    )
    assert assessment_data(alice, ["Objectif A", "Objectif B"])["done"] is True
    # Her export no longer finds the needs answers.
    records = next(
        s for s in services.selectors.person_inventory(person=alice.trainee) if s.key == "evaluations"
    ).records
    assert {r["questionnaire"] for r in records} == {answered["skills"].snapshot["title"]}
    # Once every hold has ended, the assessment is detached too.
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 7), tick=False):
        services.person_erase(actor=admin_actor, person=alice.trainee)
    assert not Response.objects.filter(invitation__participant=alice).exists()
    after = {kind: survey_question_results(survey) for kind, survey in answered.items()}
    for kind in before:  # the texts lose her name, every count is the same
        for old, new in zip(before[kind], after[kind], strict=True):
            assert (
                old["n"] == new["n"]
                and old["counts"] == new["counts"]
                and old.get("objectives") == new.get("objectives")
            )
            assert len(old["texts"]) == len(new["texts"])
    assert Response.objects.filter(survey__in=answered.values()).count() == 6


def test_the_purge_detaches_named_answers_after_the_evaluation_period(org, alice, answered, capsys):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 2), tick=False):
        call_command("privacy", "purge", "--due", "--dry-run")
        assert "lien d'une réponse d'évaluation" not in capsys.readouterr().out  # 3 years by default
    with time_machine.travel(timezone.now() + dt.timedelta(days=366 * 3 + 2), tick=False):
        call_command("privacy", "purge", "--due", "--dry-run")
        out = capsys.readouterr().out
        assert out.count("lien d'une réponse d'évaluation avec la personne") == 2  # Alice's and Bruno's needs
        before = survey_question_results(answered["needs"])
        call_command("privacy", "purge", "--due")
    needs = Invitation.objects.get(survey=answered["needs"], participant=alice)
    assert not Response.objects.filter(invitation=needs).exists() and needs.email == ""
    assert needs.answered_at is not None
    assert survey_question_results(answered["needs"]) == before
    # The skills assessment stays with the trainee while the proof of the training is kept.
    assert Response.objects.filter(invitation__survey=answered["skills"], invitation__participant=alice).exists()
