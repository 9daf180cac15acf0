# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue's LHEO 2.3 and EDOF exports: the mapper on a realistic catalogue (validated against the schemas),
the CPF completeness check's French sentences, the `coopforma catalogue` commands, the public feed and the back
office pages."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lxml import etree

from coopforma.catalogue import lheo, selectors
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.formats.edof import EDOF_NAMESPACE
from coopforma.formats.lheo_write import LHEO_NAMESPACE
from coopforma.formats.tests.records import EDOF_XSD, LHEO_XSD, schema
from coopforma.training_sessions.tests.factories import ParticipantFactory, PlaceFactory, SessionFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 17)  # tests/clock.py
L = {"l": LHEO_NAMESPACE}
E = {"e": EDOF_NAMESPACE}


@pytest.fixture
def catalogue(org, other_org, member):  # type: ignore[no-untyped-def]
    """Our published catalogue: a certifying training (RNCP, a session at a place, one at the organisation, one past),
    a non-certifying one without session; a draft and an unpublished one; another organisation's published one."""
    org.phone = "01 23 45 67 89"
    org.email = "contact@coop.example"
    org.disability_referent_name = "Alex Durand"
    org.save()
    place = PlaceFactory(organisation=org, name="Tiers-lieu du Marché", accessibility="Plain-pied, ascenseur.")
    certifying = TrainingFactory(
        organisation=org,
        member_structure=member,
        title="Gérer une coopérative",
        certification_kind="rncp",
        certification_code="40344",
        rncp_level=6,
        is_public=True,
    )
    at_place = SessionFactory(
        training=certifying, place=place, is_public=True, start_date=dt.date(2027, 1, 11), end_date=dt.date(2027, 1, 12)
    )
    at_org = SessionFactory(training=certifying, is_public=True, start_date=dt.date(2027, 2, 8), max_capacity=1)
    ParticipantFactory(enrolment__session=at_org)
    SessionFactory(training=certifying, is_public=True, start_date=dt.date(2026, 1, 5))  # past: not exported
    plain = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion", is_public=True)
    TrainingFactory(organisation=org, member_structure=member, title="Brouillon", status="draft", is_public=True)
    TrainingFactory(organisation=org, member_structure=member, title="Interne", is_public=False)
    theirs = TrainingFactory(organisation=other_org, title="Formation d'ailleurs", is_public=True)
    return {"certifying": certifying, "plain": plain, "at_place": at_place, "at_org": at_org, "theirs": theirs}


def _published(org):  # type: ignore[no-untyped-def]
    return list(selectors.published_training_list(organisation=org))


def test_the_lheo_export_of_a_realistic_catalogue_follows_the_lheo_2_3_tree(org, catalogue):
    data = lheo.lheo_file(_published(org), today=TODAY)
    root = etree.fromstring(data)
    xsd = schema(LHEO_XSD)
    assert xsd.validate(root), xsd.error_log
    titles = root.xpath("//l:intitule-formation/text()", namespaces=L)
    assert titles == ["Animer une réunion", "Gérer une coopérative"]  # published and validated only
    cert = root.xpath("//l:formation[l:intitule-formation='Gérer une coopérative']", namespaces=L)[0]
    assert cert.findtext("l:certification/l:code-RNCP", namespaces=L) == "RNCP40344"
    assert cert.findtext("l:code-niveau-sortie", namespaces=L) == "16"
    sessions = cert.findall("l:action/l:session", L)
    assert len(sessions) == 2  # the past session is not in the offer
    place_action = cert.xpath("l:action[l:session/@numero=$n]", n=f"S{catalogue['at_place'].pk}", namespaces=L)[0]
    assert place_action.findtext("l:lieu-de-formation/l:coordonnees/l:adresse/l:ville", namespaces=L) == "Rennes"
    full = cert.xpath("l:action/l:session[@numero=$n]", n=f"S{catalogue['at_org'].pk}", namespaces=L)[0]
    assert full.findtext("l:etat-recrutement", namespaces=L) == "2"  # one place, one participant
    assert full.findtext("l:adresse-inscription/l:adresse/l:ville", namespaces=L) == "Paris"  # the organisation's
    plain = root.xpath("//l:formation[l:intitule-formation='Animer une réunion']", namespaces=L)[0]
    assert plain.findtext("l:action/l:session/l:periode/l:debut", namespaces=L) == "00000000"
    assert plain.findtext("l:action/l:modalites-entrees-sorties", namespaces=L) == "1"
    assert plain.findtext("l:domaine-formation/l:code-NSF", namespaces=L) == "333"
    assert plain.findtext("l:organisme-formation-responsable/l:numero-activite", namespaces=L) == "11755555575"


def test_the_edof_export_validates_against_the_official_xsd(org, catalogue):
    checks = lheo.edof_check(_published(org), today=TODAY)
    assert not lheo.edof_blocked(checks), [f.sentence for c in checks for f in c.fixes]
    data = lheo.edof_file(checks, today=TODAY)
    root = etree.fromstring(data)
    xsd = schema(EDOF_XSD)
    assert xsd.validate(root), xsd.error_log
    assert root.xpath("//e:intitule-formation/text()", namespaces=E) == ["Gérer une coopérative"]  # certifying only
    assert len(root.findall(".//e:action", E)) == 2  # one per place: EDOF wants one lieu-de-formation per action


def test_the_certifications_blocks_written_with_their_code_go_into_both_exports(org, catalogue):
    catalogue["certifying"].certification_blocks = (
        "RNCP40344BC01 — Piloter une coopérative\n- rncp40344bc02 : Animer la gouvernance partagée\n"
        "Un bloc décrit sans son code\n"
    )
    catalogue["certifying"].save()
    root = etree.fromstring(lheo.lheo_file(_published(org), today=TODAY))
    xsd = schema(LHEO_XSD)
    assert xsd.validate(root), xsd.error_log
    session = root.xpath("//l:session[@numero=$n]", n=f"S{catalogue['at_place'].pk}", namespaces=L)[0]
    assert session.xpath(".//l:code-bloc/text()", namespaces=L) == ["RNCP40344BC01", "RNCP40344BC02"]
    assert session.xpath(".//l:libelle-bloc/text()", namespaces=L) == [
        "Piloter une coopérative",
        "Animer la gouvernance partagée",
    ]
    assert not root.xpath("//l:formation[l:intitule-formation='Animer une réunion']//l:code-bloc", namespaces=L)
    edof = etree.fromstring(lheo.edof_file(lheo.edof_check(_published(org), today=TODAY), today=TODAY))
    assert schema(EDOF_XSD).validate(edof)
    assert "RNCP40344BC01" in etree.tostring(edof, encoding="unicode")


def test_the_completeness_check_says_in_french_what_to_fix_and_where(org, member, catalogue):
    org.phone = ""
    org.save()
    catalogue["certifying"].accessibility = "Accès " * 60
    catalogue["certifying"].save()
    TrainingFactory(
        organisation=org, member_structure=member, title="Titre RS", certification_kind="rs", is_public=True
    )
    checks = {c.training.title: c for c in lheo.edof_check(_published(org), today=TODAY)}
    assert lheo.edof_blocked(list(checks.values()))
    assert not checks["Animer une réunion"].eligible and not checks["Animer une réunion"].fixes
    sentences = [f.sentence for f in checks["Gérer une coopérative"].fixes]
    assert (
        "Le téléphone de l'organisme (chiffres seulement, 15 au plus) : numéro manquant ou de plus de 15 chiffres."
        in sentences
    )
    assert (
        "L'accessibilité aux personnes en situation de handicap est trop long pour le CPF : "
        "360 caractères pour 250 au plus." in sentences
    ) or any(s.startswith("L'accessibilité") and "250 au plus" in s for s in sentences)
    urls = {f.url for f in checks["Gérer une coopérative"].fixes}
    assert reverse("org:settings", kwargs={"org": org.slug}) in urls
    assert reverse("catalogue:edit", kwargs={"org": org.slug, "pk": catalogue["certifying"].pk}) in urls
    rs = checks["Titre RS"].fixes
    assert rs[0].sentence.startswith("Le code RNCP ou RS de la certification manque")


def test_export_lheo_command_writes_the_file(org, catalogue, tmp_path, capsys):
    out = tmp_path / "offre.xml"
    call_command("catalogue", "export-lheo", "--org", org.slug, "--out", str(out))
    assert schema(LHEO_XSD).validate(etree.parse(str(out)))
    assert "2 formation(s)" in capsys.readouterr().out


def test_export_edof_command_checks_then_writes(org, catalogue, tmp_path, capsys):
    out = tmp_path / "edof.xml"
    call_command("catalogue", "export-edof", "--org", org.slug, "--out", str(out))
    assert schema(EDOF_XSD).validate(etree.parse(str(out)))
    printed = capsys.readouterr().out
    assert "✓ Gérer une coopérative : prête pour le CPF." in printed
    assert "Animer une réunion : non certifiante" in printed


def test_export_edof_command_writes_nothing_and_fails_when_something_blocks(org, catalogue, tmp_path, capsys):
    org.email = ""
    org.save()
    out = tmp_path / "edof.xml"
    with pytest.raises(SystemExit) as exc:
        call_command("catalogue", "export-edof", "--org", org.slug, "--out", str(out))
    assert exc.value.code == 1
    assert not out.exists()
    captured = capsys.readouterr()
    assert "L'e-mail de l'organisme manque." in captured.out
    assert "rien n'a été écrit" in captured.err


def test_commands_refuse_an_unknown_organisation(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucune organisation"):
        call_command("catalogue", "export-lheo", "--org", "nulle-part", "--out", str(tmp_path / "x.xml"))


def test_the_public_feed_shows_only_the_published_trainings_of_its_organisation(org, other_org, catalogue):
    client = Client()
    response = client.get(f"/f/{org.slug}/lheo.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    titles = root.xpath("//l:intitule-formation/text()", namespaces=L)
    assert titles == ["Animer une réunion", "Gérer une coopérative"]
    theirs = etree.fromstring(client.get(f"/f/{other_org.slug}/lheo.xml").content)
    assert theirs.xpath("//l:intitule-formation/text()", namespaces=L) == ["Formation d'ailleurs"]
    assert client.get("/f/nulle-part/lheo.xml").status_code == 404


def test_the_public_feed_answers_304_to_its_etag_and_404_without_published_training(org, other_org, catalogue):
    client = Client()
    first = client.get(f"/f/{org.slug}/lheo.xml")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(f"/f/{org.slug}/lheo.xml", headers={"if-none-match": first["ETag"]}).status_code == 304
    catalogue["theirs"].is_public = False
    catalogue["theirs"].save()
    assert client.get(f"/f/{other_org.slug}/lheo.xml").status_code == 404
    assert client.post(f"/f/{org.slug}/lheo.xml").status_code == 405


def test_back_office_export_pages_and_downloads(web, admin_user, org, catalogue):
    client = web(admin_user)
    page = client.get(reverse("catalogue:export_edof", kwargs={"org": org.slug}))
    assert page.status_code == 200
    assert "Prête pour le CPF" in page.content.decode()
    download = client.get(reverse("catalogue:export_edof_file", kwargs={"org": org.slug}))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="edof-')
    assert schema(EDOF_XSD).validate(etree.fromstring(download.content))
    lheo_page = client.get(reverse("catalogue:export_lheo", kwargs={"org": org.slug}))
    assert f"/f/{org.slug}/lheo.xml" in lheo_page.content.decode()
    lheo_file = client.get(reverse("catalogue:export_lheo_file", kwargs={"org": org.slug}))
    assert schema(LHEO_XSD).validate(etree.fromstring(lheo_file.content))
    listing = client.get(reverse("catalogue:list", kwargs={"org": org.slug})).content.decode()
    assert "Exporter pour le CPF (EDOF)" in listing and "Exporter en LHEO" in listing


def test_a_blocked_edof_download_writes_nothing(web, admin_user, org, catalogue):
    org.email = ""
    org.save()
    client = web(admin_user)
    page = client.get(reverse("catalogue:export_edof", kwargs={"org": org.slug})).content.decode()
    assert "Export bloqué" in page and "L&#x27;e-mail de l&#x27;organisme manque." in page
    assert client.get(reverse("catalogue:export_edof_file", kwargs={"org": org.slug})).status_code == 409


def test_a_trainer_sees_neither_the_export_pages_nor_their_buttons(web, trainer_user, trainer, org, catalogue):
    client = web(trainer_user)
    for name in ("export_edof", "export_edof_file", "export_lheo", "export_lheo_file"):
        assert client.get(reverse(f"catalogue:{name}", kwargs={"org": org.slug})).status_code == 403
    listing = client.get(reverse("catalogue:list", kwargs={"org": org.slug})).content.decode()
    assert "Exporter pour le CPF" not in listing
