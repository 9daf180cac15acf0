# SPDX-License-Identifier: AGPL-3.0-or-later
"""Indicator 27: a subcontractor looked up in the public list of OFs, the result kept as evidence."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from coopforma.core.models import ActivityLog
from coopforma.people.tests.factories import TrainerFactory
from coopforma.quality import services
from coopforma.quality.models import RegistryCheck
from coopforma.registry.tests.factories import CAE, import_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def subcontractor(org, member):  # type: ignore[no-untyped-def]
    return TrainerFactory(organisation=org, member_structure=member, status="subcontractor", nda=CAE["nda"])


def test_the_check_keeps_the_date_the_nda_found_the_qualiopi_category_and_the_list_date(quality_actor, subcontractor):
    import_sample()
    check = services.registry_check_create(actor=quality_actor, trainer_id=subcontractor.pk)
    assert check.found and check.qualiopi_training and check.conforms
    assert check.registered_nda == CAE["nda"] and check.registered_name == CAE["name"]
    assert check.register_imported_at is not None and check.checked_at is not None
    assert "liste_publique_of_sample.csv" in check.register_source
    assert ActivityLog.objects.filter(action="quality.registry_check.created").count() == 1


def test_not_qualiopi_and_absent_are_kept_too(quality_actor, subcontractor):
    import_sample()
    subcontractor.nda = "93139000113"  # in the list, no Qualiopi certification
    subcontractor.save()
    check = services.registry_check_create(actor=quality_actor, trainer_id=subcontractor.pk)
    assert check.found and check.qualiopi_training is False and not check.conforms
    subcontractor.nda, subcontractor.siret = "11111111111", ""
    subcontractor.save()
    check = services.registry_check_create(actor=quality_actor, trainer_id=subcontractor.pk)
    assert not check.found and check.qualiopi_training is None


def test_found_by_siret_when_no_nda(quality_actor, subcontractor):
    import_sample()
    subcontractor.nda, subcontractor.siret = "", CAE["siret"]
    subcontractor.save()
    assert services.registry_check_create(actor=quality_actor, trainer_id=subcontractor.pk).conforms


def test_refused_without_identifier_or_list_and_for_others(quality_actor, manager_actor, subcontractor):
    with pytest.raises(ValidationError, match="pas encore été importée"):
        services.registry_check_create(actor=quality_actor, trainer_id=subcontractor.pk)
    import_sample()
    subcontractor.nda = ""
    subcontractor.save()
    with pytest.raises(ValidationError, match="Renseignez le NDA ou le SIRET"):
        services.registry_check_create(actor=quality_actor, trainer_id=subcontractor.pk)
    with pytest.raises(Http404):  # another organisation's
        services.registry_check_create(actor=quality_actor, trainer_id=TrainerFactory().pk)
    with pytest.raises(PermissionDenied):
        services.registry_check_create(actor=manager_actor, trainer_id=subcontractor.pk)
    assert not RegistryCheck.objects.exists()


def test_the_button_on_the_subcontractors_page(
    web, quality_user, manager_user, stranger, org, other_org, subcontractor
):  # type: ignore[no-untyped-def]
    import_sample()
    page = reverse("quality:checks", kwargs={"org": org.slug})
    url = reverse("quality:registry_check", kwargs={"org": org.slug, "trainer_id": subcontractor.pk})
    client = web(quality_user)
    assert "Vérifier dans la liste publique" in client.get(page).content.decode()
    response = client.post(url, follow=True)
    assert "certifié Qualiopi pour les actions de formation" in response.content.decode()
    assert "NDA trouvé, Qualiopi actions de formation" in response.content.decode()
    assert RegistryCheck.objects.count() == 1
    # A lesser role: 403; another organisation's admin with our slug: 404, with their own slug and our id: 404.
    assert web(manager_user).post(url).status_code == 403
    assert web(stranger).post(url).status_code == 404
    theirs = reverse("quality:registry_check", kwargs={"org": other_org.slug, "trainer_id": subcontractor.pk})
    assert web(stranger).post(theirs).status_code == 404
    assert web(quality_user).get(url).status_code == 405
    assert RegistryCheck.objects.count() == 1
