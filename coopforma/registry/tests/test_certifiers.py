# SPDX-License-Identifier: AGPL-3.0-or-later
"""The certifiers directory: the shipped list and its loader, the match of a free-text name, the network's pages
and the group agreements with their permissions (docs/certifiers.md)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.registry.models import Certifier, CertifierAgreement
from coopforma.registry.selectors_certifiers import certifier_match
from coopforma.registry.services_certifiers import CERTIFIER_COLUMNS, agreement_create, certifiers_load
from coopforma.registry.tests.factories import CertifierFactory

pytestmark = pytest.mark.django_db

HEADER = ";".join(CERTIFIER_COLUMNS)
PDF = b"%PDF-1.4 accord de groupe"


def test_the_shipped_list_loads_once_with_only_the_documented_accreditation_number(capsys):
    call_command("registry", "load-certifiers")
    assert "36 certificateur(s) ajouté(s)" in capsys.readouterr().out
    assert Certifier.objects.filter(kind="labelling").count() == 2
    numbers = dict(Certifier.objects.exclude(accreditation_number="").values_list("code", "accreditation_number"))
    assert numbers == {"certifopac": "5-0620"}  # the only one the research note states
    assert all(c.source.startswith("à vérifier") and c.unverified for c in Certifier.objects.all())
    call_command("registry", "load-certifiers")
    assert "0 certificateur(s) ajouté(s), 0 mis à jour, 36 inchangé(s)" in capsys.readouterr().out


def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(tmp_path):
    good = "afnor;Afnor Certification;cofrac;;;;;;;;;à vérifier;"
    bad = "x-y;Exemple;autre;;;123456789;;pas une url;;;;;2025-13-01"
    path = tmp_path / "c.csv"
    path.write_text("\n".join([HEADER, good, bad]) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("registry", "load-certifiers", str(path))
    text = str(error.value)
    assert "ligne 3, colonne kind" in text
    assert "ligne 3, colonne siren" in text
    assert "ligne 3, colonne website" in text
    assert "ligne 3, colonne checked_on" in text
    assert not Certifier.objects.exists()
    with pytest.raises(ValidationError, match="En-tête incorrect"):
        certifiers_load(text="code;nom\nafnor;Afnor\n")


def test_a_row_changed_updates_its_certifier():
    certifiers_load(text=f"{HEADER}\nafnor;Afnor Certification;cofrac;;;;;;;;;à vérifier;\n")
    summary = certifiers_load(
        text=f"{HEADER}\nafnor;Afnor Certification;cofrac;5-0001;;732829320;;https://afnor.example;;;;cofrac.fr;2026-01-05\n"
    )
    assert (summary.created, summary.updated) == (0, 1)
    afnor = Certifier.objects.get(code="afnor")
    assert afnor.accreditation_number == "5-0001" and not afnor.unverified


def test_a_free_text_name_is_matched_whatever_the_case_and_accents():
    afnor = CertifierFactory(name="Afnor Certification")
    kontrol = CertifierFactory(name="Certi. Kôntrol")
    CertifierFactory(name="Bureau Veritas Certification")
    assert certifier_match("AFNOR CERTIFICATION") == afnor
    assert certifier_match("afnor") == afnor  # the only name beginning with it
    assert certifier_match("certi kontrol") == kontrol
    assert certifier_match("certification") is None
    assert certifier_match("") is None


def test_the_directory_filters_by_kind_and_links_each_certifier(web):
    network = NetworkFactory()
    member = person(network, NetworkRole.MEMBER).user
    CertifierFactory(name="Afnor Certification", code="afnor")
    CertifierFactory(name="Eduform", code="eduform", kind="labelling")
    client = web(member)
    text = client.get(f"/reseaux/{network.slug}/certificateurs/").content.decode()
    assert "Afnor Certification" in text and "Eduform" in text
    assert "à partir de 3 avis" in text  # the page says why averages may be hidden
    text = client.get(f"/reseaux/{network.slug}/certificateurs/?type=labelling").content.decode()
    assert "Eduform" in text and "Afnor Certification" not in text
    page = client.get(f"/reseaux/{network.slug}/certificateurs/afnor/")
    assert page.status_code == 200 and "accréditation Cofrac" in page.content.decode()
    assert client.get(f"/reseaux/{network.slug}/certificateurs/inconnu/").status_code == 404


def test_someone_outside_the_network_gets_404_and_anonymous_the_login(web, client):
    network = NetworkFactory()
    outsider = person(NetworkFactory(), NetworkRole.MODERATOR).user
    assert web(outsider).get(f"/reseaux/{network.slug}/certificateurs/").status_code == 404
    assert client.get(f"/reseaux/{network.slug}/certificateurs/").status_code == 302


# --- group agreements -----------------------------------------------------------------------------------------


def _agreement_form(certifier, **extra):
    return {"certifier": certifier.pk, "title": "Accord 2026", "price_cents": "1 200,00", "discount_percent": "10",
            "valid_from": "2026-01-01", "valid_until": "2026-12-31", "conditions": "Audits groupés",
            **extra}  # fmt: skip


def test_a_moderator_records_an_agreement_with_its_pdf_and_members_read_it(web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    network = NetworkFactory()
    moderator = person(network, NetworkRole.MODERATOR).user
    member = person(network, NetworkRole.MEMBER).user
    certifier = CertifierFactory()
    data = _agreement_form(certifier, document=SimpleUploadedFile("accord.pdf", PDF, "application/pdf"))
    response = web(moderator).post(f"/reseaux/{network.slug}/certificateurs/accords/nouveau/", data)
    assert response.status_code == 302
    agreement = CertifierAgreement.objects.get()
    assert agreement.price_cents == 120000 and agreement.network == network
    client = web(member)
    page = client.get(f"/reseaux/{network.slug}/certificateurs/accords/{agreement.pk}/").content.decode()
    assert "1\u202f200,00" in page and "Audits groupés" in page
    document = client.get(f"/reseaux/{network.slug}/certificateurs/accords/{agreement.pk}/document/")
    assert b"".join(document.streaming_content) == PDF
    assert "Accord 2026" in client.get(f"/reseaux/{network.slug}/certificateurs/").content.decode()


def test_a_simple_member_cannot_add_an_agreement(web):
    network = NetworkFactory()
    member = person(network, NetworkRole.MEMBER).user
    certifier = CertifierFactory()
    url = f"/reseaux/{network.slug}/certificateurs/accords/nouveau/"
    assert web(member).post(url, _agreement_form(certifier)).status_code == 403
    assert web(member).get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        agreement_create(actor=actor_for(member, network), certifier_id=certifier.pk, title="x")
    assert not CertifierAgreement.objects.exists()


def test_another_networks_moderator_cannot_see_our_agreements(web):
    ours, theirs = NetworkFactory(), NetworkFactory()
    moderator = person(ours, NetworkRole.MODERATOR).user
    agreement = agreement_create(actor=actor_for(moderator, ours), certifier_id=CertifierFactory().pk, title="Nôtre")
    foreign = web(person(theirs, NetworkRole.MODERATOR).user)
    for slug in (ours.slug, theirs.slug):  # our slug: no role there; theirs: not their agreement
        for suffix in ("", "document/"):
            assert foreign.get(f"/reseaux/{slug}/certificateurs/accords/{agreement.pk}/{suffix}").status_code == 404
        assert foreign.post(f"/reseaux/{slug}/certificateurs/accords/{agreement.pk}/supprimer/").status_code == 404
    assert "Nôtre" not in foreign.get(f"/reseaux/{theirs.slug}/certificateurs/").content.decode()
    assert CertifierAgreement.objects.filter(pk=agreement.pk).exists()


def test_bad_agreement_input_is_refused_clearly_and_writes_nothing(web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    network = NetworkFactory()
    moderator = person(network, NetworkRole.MODERATOR).user
    certifier = CertifierFactory()
    url = f"/reseaux/{network.slug}/certificateurs/accords/nouveau/"
    not_pdf = SimpleUploadedFile("accord.pdf", b"MZ not a pdf", "application/pdf")
    response = web(moderator).post(url, _agreement_form(certifier, document=not_pdf))
    assert response.status_code == 200 and "Le document doit être un fichier PDF." in response.content.decode()
    response = web(moderator).post(url, _agreement_form(certifier, valid_until="2025-01-01"))
    assert "La fin de validité de l&#x27;accord doit suivre son début." in response.content.decode()
    assert not CertifierAgreement.objects.exists()


def test_the_moderator_deletes_an_agreement(web):
    network = NetworkFactory()
    moderator = person(network, NetworkRole.MODERATOR).user
    agreement = agreement_create(actor=actor_for(moderator, network), certifier_id=CertifierFactory().pk, title="A")
    member = web(person(network, NetworkRole.MEMBER).user)
    assert member.post(f"/reseaux/{network.slug}/certificateurs/accords/{agreement.pk}/supprimer/").status_code == 403
    web(moderator).post(f"/reseaux/{network.slug}/certificateurs/accords/{agreement.pk}/supprimer/")
    assert not CertifierAgreement.objects.exists()
