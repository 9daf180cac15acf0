# SPDX-License-Identifier: AGPL-3.0-or-later
"""The attestation de fin de formation carries the acquired-skills assessment per objective (L6353-1; issue 11,
point 2): from the trainer's « Évaluation des acquis par objectif », not empty boxes; no final attestation
without it. Through the staff pages, the PDF read back."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coopforma.documents.models import Document, DocumentStatus
from coopforma.documents.services import document_read
from coopforma.documents.tests.factories import deliver
from coopforma.evaluations.tests.factories import open_survey
from coopforma.training_sessions.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u2019", "'").split())


@pytest.fixture
def delivered(session, admin_actor):  # type: ignore[no-untyped-def]
    """The finished session's half-day, its émargement signed by everyone and closed."""
    day = timezone.localdate() - dt.timedelta(days=2)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    SlotFactory(session=session, starts_at=starts, ends_at=starts + dt.timedelta(hours=3, minutes=30))
    deliver(session, admin_actor)
    return session


def _generate(client, participant) -> Document:  # type: ignore[no-untyped-def]
    url = reverse(
        "documents:generate", kwargs={"org": "coop-test", "kind": "attestation", "subject_id": participant.pk}
    )
    assert client.post(url).status_code == 302
    return Document.objects.get(kind="attestation", subject_id=participant.pk, status=DocumentStatus.DRAFT)


def test_the_attestation_prints_each_objective_result_and_needs_it_to_be_final(
    delivered, web, admin_user, trainer_user
):
    session = delivered
    participant = session.participants.order_by("pk").first()
    admin = web(admin_user)
    draft = _generate(admin, participant)
    text = text_of(document_read(draft))
    assert "Objectif A Non évalué" in text and "Évaluation des acquis non encore saisie" in text
    finalise = reverse("documents:finalise", kwargs={"org": "coop-test", "pk": draft.pk})
    page = admin.post(finalise, follow=True).content.decode().replace("&#x27;", "'")
    assert f"L'évaluation des acquis de {participant.trainee.full_name} n'est pas saisie" in page
    assert "art. L6353-1" in page
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.DRAFT

    # The trainer assesses: objective A acquired (5/5), objective B in progress (3/5).
    survey, _tokens = open_survey(session, "skills")
    invitation = survey.invitations.get(participant=participant)
    data: dict[str, str] = {}
    for question in survey.snapshot["questions"]:
        name = f"q{question['id']}"
        if question["type"] == "objectives":
            data[f"{name}_0"], data[f"{name}_1"] = "5", "3"
        elif question["type"] == "single":
            data[name] = "0"
        elif question["type"] == "text":
            data[name] = "Belle progression"
    assess = f"/o/coop-test/evaluations/acquis/{invitation.pk}/"
    assert web(trainer_user).post(assess, data).status_code == 302

    # The old draft was made before the assessment: generate again, then it becomes final.
    page = admin.post(finalise, follow=True).content.decode().replace("&#x27;", "'")
    assert "établi avant la saisie de son évaluation des acquis" in page
    draft = _generate(admin, participant)
    assert admin.post(finalise).status_code == 302
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.FINAL
    text = text_of(document_read(draft))
    assert "Objectif A Acquis" in text and "Objectif B En cours d'acquisition" in text
    assert "méthode : Mise en situation" in text and "Belle progression" in text
    assert "Non évalué" not in text and "non encore saisie" not in text
