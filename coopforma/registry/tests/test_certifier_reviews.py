# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reviews after an audit and the organisation's certifier: who writes them, who reads them (consent), the
network's figures (averages from 3 consented reviews), the organisation's page and the API (docs/certifiers.md)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from coopforma.accounts.actor import actor_for as org_actor
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkOrganisation, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.registry.models import CertifierChoice, CertifierReview
from coopforma.registry.selectors_certifiers import network_figures
from coopforma.registry.services_certifiers import certifier_choose, review_create
from coopforma.registry.tests.factories import CertifierFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _form(certifier, **extra):
    return {"certifier": certifier.pk, "audit_kind": "surveillance", "audit_date": "2026-01-20",
            "price_cents": "1 450,50", "audit_days": "1.5", "understanding": "4", "major_nonconformities": "0",
            "minor_nonconformities": "2", "nonconformities_text": "Indicateur 22", "comment": "Auditrice à l'écoute",
            **extra}  # fmt: skip


@pytest.fixture
def network(org):
    network = NetworkFactory()
    NetworkOrganisation.objects.create(network=network, organisation=org)
    return network


def test_the_quality_manager_writes_a_review_kept_private_by_default(web, org, quality_user):
    certifier = CertifierFactory()
    response = web(quality_user).post(f"/o/{org.slug}/certificateur/avis/nouveau/", _form(certifier))
    assert response.status_code == 302
    review = CertifierReview.objects.get()
    assert review.organisation == org and review.price_cents == 145050 and review.audit_days == 1.5
    assert review.minor_nonconformities == 2 and review.understanding == 4
    assert review.visible_to_network is False
    page = web(quality_user).get(f"/o/{org.slug}/certificateur/").content.decode()
    assert "Audit de surveillance — 20/01/2026" in page


def test_a_lesser_role_cannot_write_the_review(web, org, manager_user, trainer_user):
    certifier = CertifierFactory()
    for user in (manager_user, trainer_user):
        client = web(user)
        assert client.get(f"/o/{org.slug}/certificateur/").status_code == 403
        assert client.post(f"/o/{org.slug}/certificateur/avis/nouveau/", _form(certifier)).status_code == 403
    with pytest.raises(PermissionDenied):
        review_create(actor=org_actor(manager_user, org, "member_manager"), certifier_id=certifier.pk)
    assert not CertifierReview.objects.exists()


def test_another_organisation_cannot_read_or_change_our_review_even_by_id(web, org, admin_user, stranger):
    review = ReviewFactory(organisation=org, comment="Zorglub")
    client = web(stranger)
    for url in (f"/o/autre-of/certificateur/avis/{review.pk}/", f"/o/{org.slug}/certificateur/avis/{review.pk}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, _form(review.certifier)).status_code == 404
        assert client.post(url + "supprimer/").status_code == 404
    assert "Zorglub" not in client.get("/o/autre-of/certificateur/").content.decode()
    assert CertifierReview.objects.get(pk=review.pk).comment == "Zorglub"


def test_a_review_without_consent_is_not_visible_to_the_network_even_by_id(web, org, network, admin_user):
    certifier = CertifierFactory(code="afnor")
    private = ReviewFactory(organisation=org, certifier=certifier, comment="Privé", visible_to_network=False)
    shared = ReviewFactory(organisation=org, certifier=certifier, comment="Partagé", visible_to_network=True)
    moderator = web(person(network, NetworkRole.MODERATOR).user)
    page = moderator.get(f"/reseaux/{network.slug}/certificateurs/afnor/").content.decode()
    assert "Partagé" in page and "Privé" not in page
    assert moderator.get(f"/reseaux/{network.slug}/certificateurs/avis/{private.pk}/").status_code == 404
    assert moderator.get(f"/reseaux/{network.slug}/certificateurs/avis/{shared.pk}/").status_code == 200
    # The organisation consents afterwards: now the network reads it.
    response = web(admin_user).post(
        f"/o/{org.slug}/certificateur/avis/{private.pk}/", _form(certifier, visible_to_network="on")
    )
    assert response.status_code == 302
    assert moderator.get(f"/reseaux/{network.slug}/certificateurs/avis/{private.pk}/").status_code == 200


def test_another_networks_moderator_cannot_see_our_reviews(web, org, network):
    certifier = CertifierFactory(code="afnor")
    review = ReviewFactory(organisation=org, certifier=certifier, comment="Partagé", visible_to_network=True)
    other = NetworkFactory()
    foreign = web(person(other, NetworkRole.MODERATOR).user)
    for slug in (network.slug, other.slug):
        assert foreign.get(f"/reseaux/{slug}/certificateurs/avis/{review.pk}/").status_code == 404
    assert "Partagé" not in foreign.get(f"/reseaux/{other.slug}/certificateurs/afnor/").content.decode()


def test_averages_count_consented_reviews_only_and_are_hidden_under_three(org, other_org, network):
    certifier = CertifierFactory()
    NetworkOrganisation.objects.create(network=network, organisation=other_org)
    actor = actor_for(person(network, NetworkRole.MEMBER).user, network)
    ReviewFactory(organisation=org, certifier=certifier, price_cents=100000, visible_to_network=True)
    ReviewFactory(organisation=other_org, certifier=certifier, price_cents=200000, visible_to_network=True)
    ReviewFactory(organisation=org, certifier=certifier, price_cents=900000, visible_to_network=False)
    figures = network_figures(actor=actor, certifiers=[certifier])[certifier.pk]
    assert figures.reviews == 2 and not figures.shown and figures.price_cents is None
    ReviewFactory(organisation=org, certifier=certifier, price_cents=300000, understanding=5, visible_to_network=True)
    figures = network_figures(actor=actor, certifiers=[certifier])[certifier.pk]
    assert figures.reviews == 3 and figures.shown
    assert figures.price_cents == 200000  # (1 000 + 2 000 + 3 000) / 3: the private 9 000 € is not counted
    # A review of an organisation outside the network never counts.
    ReviewFactory(certifier=certifier, organisation=_outside(), visible_to_network=True)
    assert network_figures(actor=actor, certifiers=[certifier])[certifier.pk].reviews == 3


def _outside():
    from coopforma.accounts.tests.factories import OrganisationFactory

    return OrganisationFactory()


def test_the_free_text_certifier_is_suggested_then_chosen_with_its_consent(web, org, admin_user, network):
    afnor = CertifierFactory(name="Afnor Certification")
    org.qualiopi_certifier = "AFNOR"
    org.qualiopi_valid_from = dt.date(2025, 3, 15)
    org.save()
    client = web(admin_user)
    page = client.get(f"/o/{org.slug}/certificateur/").content.decode()
    assert "semble être Afnor Certification" in page
    assert f'<option value="{afnor.pk}" selected>' in page
    assert "entre le 15/05/2026 et le 14/01/2027" in page
    assert client.post(f"/o/{org.slug}/certificateur/", {"certifier": afnor.pk}).status_code == 302
    choice = CertifierChoice.objects.get(organisation=org)
    assert choice.certifier == afnor and choice.visible_to_network is False
    member = web(person(network, NetworkRole.MEMBER).user)
    assert org.name not in member.get(f"/reseaux/{network.slug}/certificateurs/calendrier/").content.decode()
    certifier_choose(actor=org_actor(admin_user, org, "admin"), certifier_id=afnor.pk, visible_to_network=True)
    assert org.name in member.get(f"/reseaux/{network.slug}/certificateurs/calendrier/").content.decode()


def test_bad_review_input_is_refused_clearly_and_writes_nothing(web, org, admin_user):
    certifier = CertifierFactory()
    client = web(admin_user)
    url = f"/o/{org.slug}/certificateur/avis/nouveau/"
    response = client.post(url, _form(certifier, audit_date="2031-01-01"))
    assert response.status_code == 200 and "La date de l&#x27;audit doit être passée" in response.content.decode()
    assert "Sélectionnez un choix valide" in client.post(url, _form(certifier, understanding="9")).content.decode()
    assert "Saisissez un nombre" in client.post(url, _form(certifier, audit_days="beaucoup")).content.decode()
    assert not CertifierReview.objects.exists()


# --- the API --------------------------------------------------------------------------------------------------


def test_the_public_directory_and_the_organisations_review_through_the_api(api, client, org, admin_user, network):
    CertifierFactory(name="Afnor Certification", code="afnor", accreditation_number="5-0001")
    listed = client.get("/api/v1/certifiers").json()["items"]
    assert {"code": "afnor", "name": "Afnor Certification", "kind": "cofrac", "kind_label": listed[0]["kind_label"],
            "accreditation_number": "5-0001", "accreditation_scope": ""} == listed[0]  # fmt: skip
    token = api(admin_user, org)
    body = {"certifier": "afnor", "audit_kind": "renewal", "audit_date": "2026-02-02", "price_cents": 180000}
    response = token.post("/api/v1/certifiers/reviews", body, content_type="application/json")
    assert response.status_code == 201, response.content
    review = CertifierReview.objects.get()
    assert review.organisation == org and review.visible_to_network is False and review.audit_kind == "renewal"
    bad = token.post("/api/v1/certifiers/reviews", {**body, "certifier": "inconnu"}, content_type="application/json")
    assert bad.status_code == 422 and "inconnu" in bad.content.decode()


def test_the_api_calendar_needs_the_networks_flag(api, org, admin_user, other_org, stranger, network):
    certifier = CertifierFactory()
    org.qualiopi_valid_from = dt.date(2025, 3, 15)
    org.save()
    CertifierChoice.objects.create(organisation=org, certifier=certifier, visible_to_network=True)
    url = f"/api/v1/networks/{network.slug}/certifiers/calendar"
    assert api(admin_user, org).get(url).status_code == 404  # not a person of the network
    person_user = person(network, NetworkRole.MEMBER).user
    from coopforma.accounts.models import Membership

    Membership.objects.create(user=person_user, organisation=org, role="quality")
    rows = api(person_user, org).get(url).json()["items"]
    assert rows[0]["organisation"] == org.name and rows[0]["window_start"] == "2026-05-15"
    assert api(stranger, other_org).get(url).status_code == 404
