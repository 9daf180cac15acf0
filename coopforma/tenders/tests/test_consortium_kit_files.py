# SPDX-License-Identifier: AGPL-3.0-or-later
"""CVs and certificates in the response kit: each team trainer's CV file when their people profile holds one
(downloaded through the groupement by those who read it), else a CV generated from the records only (validated
competencies, sessions delivered); each member's Qualiopi certificate as recorded, with its file when one is
recorded. Page, JSON and PDF; another network's moderator with its own slug, or a member not in the groupement:
404."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coopforma.people.tests.factories import TrainerFactory
from coopforma.quality.models import Evidence
from coopforma.referentiel.models import TrainerCompetency, TrainerCompetencyState
from coopforma.tenders import consortium_selectors as cs
from coopforma.tenders.consortium_pdf import kit_markup
from coopforma.tenders.models import ConsortiumTrainer
from coopforma.tenders.tests import test_consortium
from coopforma.tenders.tests.test_consortium import _competency, url
from coopforma.training_sessions.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%fichier de test\n"
s = test_consortium.s  # the groupement of the consortium tests (a fixture)


@pytest.fixture
def k(s, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    competency = _competency(s.network, "Conduire une coopération territoriale")
    s.with_cv = TrainerFactory(organisation=s.coop, first_name="Avec", last_name="Fichier")
    s.with_cv.cv.save("cv-avec-fichier.pdf", ContentFile(PDF), save=True)
    s.from_records = TrainerFactory(organisation=s.other_coop, first_name="Sans", last_name="Fichier")
    TrainerCompetency.objects.create(
        trainer=s.from_records, competency=competency, level="practice", state=TrainerCompetencyState.VALIDATED
    )
    for day, status in [(dt.date(2025, 3, 1), "done"), (dt.date(2025, 5, 1), "done"), (dt.date(2026, 9, 1), "draft")]:
        session = SessionFactory(
            training__organisation=s.other_coop,
            title=f"Coopérer ({day:%m/%Y})",
            status=status,
            start_date=day,
            end_date=day,
            total_minutes=420,
        )
        session.trainers.add(s.from_records)
    for trainer in (s.with_cv, s.from_records):
        ConsortiumTrainer.objects.create(consortium=s.consortium, trainer=trainer)
    s.coop.qualiopi_certificate_number = "QUALI-42"
    s.coop.qualiopi_certifier = "Certif Exemple"
    s.coop.qualiopi_valid_from = dt.date(2024, 1, 1)
    s.coop.qualiopi_categories = ["training"]
    s.coop.save()
    s.proof = Evidence(organisation=s.coop, title="Certificat Qualiopi 2024", dated=dt.date(2024, 1, 15))
    s.proof.file.save("certificat-qualiopi.pdf", ContentFile(PDF), save=True)
    # Not a certificate, and another organisation's certificate proof: never in our kit.
    Evidence.objects.create(organisation=s.coop, title="Procédure d'accueil", dated=dt.date(2024, 2, 1))
    other = Evidence(organisation=s.third, title="Certificat Qualiopi", dated=dt.date(2024, 1, 1))
    other.file.save("autre.pdf", ContentFile(PDF), save=True)
    return s


def file_url(name, slug, consortium, **ids):  # type: ignore[no-untyped-def]
    return reverse(f"tenders:{name}", kwargs={"network": slug, "consortium_id": consortium.pk, **ids})


def test_the_kit_lists_the_cv_files_the_cvs_from_records_and_the_certificates(k, web):  # type: ignore[no-untyped-def]
    kit = web(k.coop_user).get(url("consortium_kit_json", "reseau-coop", k.consortium)).json()
    alpha, beta = kit["members"]
    (with_cv,) = alpha["trainers"]
    assert with_cv["cv"]["kind"] == "file" and with_cv["cv"]["filename"].startswith("cv-avec-fichier")
    (from_records,) = beta["trainers"]
    cv = from_records["cv"]
    assert cv["kind"] == "records"
    assert [c["label"] for c in cv["competencies"]] == ["Conduire une coopération territoriale"]
    assert (cv["sessions_delivered"], cv["hours_delivered"]) == (2, 14)  # the draft session is not delivered
    assert [x["start_date"] for x in cv["recent_sessions"]] == ["2025-05-01", "2025-03-01"]
    (certificate,) = alpha["certificates"]
    assert (certificate["number"], certificate["certifier"], certificate["categories"]) == (
        "QUALI-42",
        "Certif Exemple",
        ["Actions de formation"],
    )
    assert certificate["valid_until"] == "2026-12-31"  # three years from its start (arrêté du 6 juin 2019)
    assert certificate["file"]["filename"].startswith("certificat-qualiopi")
    assert beta["certificates"] == []  # nothing recorded: nothing listed
    page = web(k.coop_user).get(url("consortium_kit", "reseau-coop", k.consortium)).content.decode()
    assert "CV joint" in page and "2 sessions animées et terminées (14 h)" in page
    assert "Certificat joint" in page and "Aucun certificat enregistré pour ce membre." in page
    markup = kit_markup(cs.response_kit(k.consortium))
    assert "CV joint au dossier" in markup and "2 session(s)" in markup and "certificat joint" in markup


def test_the_files_are_downloaded_by_those_who_read_the_groupement_only(k, web):  # type: ignore[no-untyped-def]
    cv = file_url("consortium_kit_cv", "reseau-coop", k.consortium, trainer_id=k.with_cv.pk)
    certificate = file_url("consortium_kit_certificate", "reseau-coop", k.consortium, organisation_id=k.coop.pk)
    for user in (k.coop_user, k.other_coop_user, k.moderator):
        for address in (cv, certificate):
            response = web(user).get(address)
            assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # A member not in the groupement; another network's moderator with its own slug and our ids.
    assert web(k.third_user).get(cv).status_code == 404
    assert web(k.third_user).get(certificate).status_code == 404
    assert (
        web(k.outsider)
        .get(file_url("consortium_kit_cv", "autre-reseau", k.consortium, trainer_id=k.with_cv.pk))
        .status_code
        == 404
    )
    # A trainer without a file, one not in the team; an organisation not a member, a member without a file.
    outside = TrainerFactory(organisation=k.coop)
    outside.cv.save("hors-equipe.pdf", ContentFile(PDF), save=True)
    for trainer in (k.from_records, outside):
        address = file_url("consortium_kit_cv", "reseau-coop", k.consortium, trainer_id=trainer.pk)
        assert web(k.coop_user).get(address).status_code == 404
    for org in (k.third, k.other_coop):
        address = file_url("consortium_kit_certificate", "reseau-coop", k.consortium, organisation_id=org.pk)
        assert web(k.coop_user).get(address).status_code == 404


def test_the_api_kit_points_to_its_files_downloaded_with_a_token_by_the_groupements_members(k, api):  # type: ignore[no-untyped-def]
    kit = api(k.coop_user, k.coop).get(f"/api/v1/tenders/consortiums/{k.consortium.pk}/kit").json()
    alpha, beta = kit["members"]
    cv = alpha["trainers"][0]["cv"]["api_url"]
    certificate = alpha["certificates"][0]["file"]["api_url"]
    member = k.consortium.members.get(organisation=k.coop)
    assert cv == f"/api/v1/tenders/consortiums/{k.consortium.pk}/kit/cvs/{k.with_cv.pk}"
    assert certificate == f"/api/v1/tenders/consortiums/{k.consortium.pk}/kit/certificates/{member.pk}"
    assert alpha["member_id"] == member.pk and "api_url" not in beta["trainers"][0]["cv"]  # from the records
    for user, org in ((k.coop_user, k.coop), (k.other_coop_user, k.other_coop)):
        for address in (cv, certificate):
            response = api(user, org).get(address)
            assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # An organisation of the network not in the groupement; another network's organisation with our ids: 404.
    for user, org in ((k.third_user, k.third), (k.outsider, k.outsider_org)):
        client = api(user, org)
        for address in (cv, certificate, f"/api/v1/tenders/consortiums/{k.consortium.pk}/kit"):
            assert client.get(address).status_code == 404
    # A trainer not in the team or without a file; a member without a certificate file, a member of another
    # groupement: 404.
    client = api(k.coop_user, k.coop)
    base = f"/api/v1/tenders/consortiums/{k.consortium.pk}/kit"
    assert client.get(f"{base}/cvs/{k.from_records.pk}").status_code == 404
    beta_member = k.consortium.members.get(organisation=k.other_coop)
    assert client.get(f"{base}/certificates/{beta_member.pk}").status_code == 404
    assert client.get(f"{base}/certificates/{beta_member.pk + 1000}").status_code == 404
