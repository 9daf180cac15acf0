# SPDX-License-Identifier: AGPL-3.0-or-later
"""Regulatory texts of the default documents (issue 11, point 9), read back from the PDFs generated through the
staff page: the règlement intérieur (R6352-5, R6352-11, R6352-12), the programme (price, access delay,
certification items — Qualiopi indicator 3 —, the distance-learning section of D6313-3-1), a convention's
dispute clause valid for non-traders and public bodies, numbers and dates taken from the record."""

import datetime as dt

from django.urls import reverse

from coopforma.documents.models import Document
from coopforma.documents.services import document_read
from coopforma.documents.tests.test_generation import pdf_text, world  # noqa: F401
from coopforma.training_sessions.models import Enrolment

PARIS = dt.timezone(dt.timedelta(hours=1))


def _generated(client, kind: str, subject) -> str:  # type: ignore[no-untyped-def]
    url = reverse("documents:generate", kwargs={"org": "coop-test", "kind": kind, "subject_id": subject.pk})
    assert client.post(url).status_code == 302
    document = Document.objects.filter(kind=kind, subject_id=subject.pk).order_by("-pk").first()
    return pdf_text(document_read(document))


def test_rules_state_assistance_carence_report_and_re_election(world, web, admin_user):  # noqa: F811
    text = _generated(web(admin_user), "rules", world.session)
    assert "peut se faire assister par une personne de son choix, notamment le ou la délégué·e des stagiaires" in text
    assert "(article R6352-5)" in text
    assert "procès-verbal de carence, qu'il ou elle transmet au préfet de région territorialement compétent" in text
    assert "(article R6352-11)" in text
    assert "il est procédé à une nouvelle élection dans les mêmes conditions (article R6352-12)" in text


def test_programme_states_price_access_delay_and_certification(world, web, admin_user):  # noqa: F811
    training = world.session.training
    training.access_delay = "Inscription jusqu'à 10 jours avant le début"
    training.price_inter_cents = 140000
    training.validated_at = dt.datetime(2026, 1, 10, 12, tzinfo=PARIS)
    training.save()
    world.session.programme = {
        **world.session.programme,
        "certification_kind": "rncp",
        "certification_code": "RNCP35185",
        "rncp_level": 5,
    }
    world.session.save()
    text = _generated(web(admin_user), "programme", world.session)
    assert "Délai d'accès Inscription jusqu'à 10 jours avant le début" in text
    assert "1 400,00 € HT par stagiaire (inter-entreprises)" in text
    assert "Certification préparée" in text and "niveau 5" in text
    assert "blocs de compétences" in text and "taux d'obtention" in text and "passerelles" in text
    assert "https://www.francecompetences.fr/recherche/rncp/35185/" in text
    assert "Programme du 10/01/2026" in text
    assert "D6313-3-1" not in text  # on site: no distance-learning section


def test_a_remote_programme_has_the_distance_learning_section(world, web, admin_user):  # noqa: F811
    world.session.programme = {**world.session.programme, "modality": "remote"}
    world.session.save()
    world.session.training.price_inter_cents = world.session.training.price_intra_cents = None
    world.session.training.save()
    text = _generated(web(admin_user), "programme", world.session)
    assert "Formation à distance (article D6313-3-1 du Code du travail)" in text
    assert "Assistance technique et pédagogique" in text and "Activités à distance et durée estimée" in text
    assert "Évaluations qui jalonnent ou concluent l'action" in text
    assert "Sur devis" in text  # no price on the training: said, not left blank


def test_convention_dispute_clause_and_number_from_the_record(world, web, admin_user):  # noqa: F811
    Enrolment.objects.filter(pk=world.enrolment.pk).update(created_at=dt.datetime(2025, 11, 20, 10, tzinfo=PARIS))
    text = _generated(web(admin_user), "convention", world.enrolment)
    assert f"Convention n° 2025-{world.enrolment.pk:05d}" in text  # rendered in 2026, numbered as recorded
    assert "tribunal compétent est celui du siège" not in text
    assert "devant la juridiction compétente selon les règles de droit commun" in text
    assert "article 48 du Code de procédure civile" in text
    assert "juridiction administrative" not in text
    client = world.enrolment.client
    client.kind = "public_body"
    client.save()
    text = _generated(web(admin_user), "convention", world.enrolment)
    assert "la juridiction administrative lorsque le client est une personne publique" in text
