# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.urls import reverse

from coopforma.accounts.models import ApiToken, Membership, Organisation
from coopforma.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_login_page_then_dashboard(client, admin_user, org):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "Connexion" in page.text
    response = client.post(
        reverse("accounts:login"), {"username": admin_user.email, "password": "correct horse battery"}, follow=True
    )
    # One organisation: straight to its dashboard.
    assert response.redirect_chain[-1][0] == reverse("dashboard:home", kwargs={"org": org.slug})
    assert response.status_code == 200


def test_login_with_a_wrong_password_says_so(client, admin_user):
    response = client.post(reverse("accounts:login"), {"username": admin_user.email, "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez" in response.text or "incorrect" in response.text.lower()


def test_person_in_two_organisations_chooses(web, admin_user, org, other_org):
    Membership.objects.create(user=admin_user, organisation=other_org, role="trainer")
    page = web(admin_user).get("/")
    assert page.status_code == 200
    assert org.name in page.text and other_org.name in page.text


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(reverse("dashboard:home", kwargs={"org": org.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_settings_saves_and_logs_the_change(web, admin_user, org):
    url = reverse("org:settings", kwargs={"org": org.slug})
    c = web(admin_user)
    form = c.get(url)
    assert form.status_code == 200
    data = {
        "name": "Coop Formation Renommée",
        "legal_form": "SCOP SARL",
        "siret": "732 829 320 00074",
        "naf_code": "85.59A",
        "nda": "11755555575",
        "fiscal_year_start_month": "1",
        "vat_regime": "exempt",
        "qualiopi_categories": ["training", "vae"],
        "qualiopi_valid_from": "2025-01-10",
        "qualiopi_valid_until": "2028-01-09",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Coop Formation Renommée"
    assert org.siret == "73282932000074"  # kept compact
    assert org.qualiopi_categories == ["training", "vae"]
    log = ActivityLog.objects.get(action="accounts.organisation.updated")
    assert log.actor == admin_user
    assert log.data["changes"]["name"] == ["Coop Formation Test", "Coop Formation Renommée"]


def test_settings_refuses_bad_siret_and_nda_and_keeps_input(web, admin_user, org):
    url = reverse("org:settings", kwargs={"org": org.slug})
    response = web(admin_user).post(
        url,
        {
            "name": "Nouveau nom",
            "siret": "12345678901234",
            "nda": "123",
            "fiscal_year_start_month": "1",
            "vat_regime": "exempt",
        },
    )
    assert response.status_code == 200
    assert "Luhn" in response.text
    assert "11 chiffres" in response.text
    assert 'value="Nouveau nom"' in response.text  # nothing typed is lost
    org.refresh_from_db()
    assert org.name == "Coop Formation Test"


def test_settings_refuses_qualiopi_end_before_start(web, admin_user, org):
    url = reverse("org:settings", kwargs={"org": org.slug})
    response = web(admin_user).post(
        url,
        {
            "name": org.name,
            "fiscal_year_start_month": "1",
            "vat_regime": "exempt",
            "qualiopi_valid_from": "2026-01-10",
            "qualiopi_valid_until": "2025-01-09",
        },
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=org.pk).qualiopi_valid_from is None


def test_admin_adds_a_person_with_a_role(web, admin_user, org):
    url = reverse("org:memberships", kwargs={"org": org.slug})
    response = web(admin_user).post(
        url, {"email": "New.Person@Example.org", "first_name": "Nina", "role": "quality"}, follow=True
    )
    assert response.status_code == 200
    membership = Membership.objects.get(user__email="new.person@example.org", organisation=org)
    assert (membership.role, membership.state, membership.is_active) == ("quality", "invited", False)
    assert "Invitation envoyée à new.person@example.org" in response.text
    assert "/accounts/" not in response.text.split("<main", 1)[1].split("</main>")[0].replace("/accounts/logout", "")


def test_api_token_is_shown_once_and_stored_hashed(web, trainer_user, trainer, org):
    c = web(trainer_user)
    url = reverse("org:api_tokens", kwargs={"org": org.slug})
    response = c.post(url, {"name": "tableur"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=trainer_user)
    key = response.context["new_key"]
    assert key.startswith("cf_") and key in response.text
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert key not in c.get(url).text
    revoke = c.post(reverse("org:api_token_revoke", kwargs={"org": org.slug, "pk": token.pk}))
    assert revoke.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("name", ["settings", "memberships"])
def test_admin_pages_are_forbidden_to_lesser_roles(web, name, org, quality_user, manager_user, trainer_user, trainer):
    url = reverse(f"org:{name}", kwargs={"org": org.slug})
    for user in (quality_user, manager_user, trainer_user):
        assert web(user).get(url).status_code == 403


def test_another_organisation_gets_404(web, stranger, org):
    for name in ("settings", "memberships", "api_tokens"):
        assert web(stranger).get(reverse(f"org:{name}", kwargs={"org": org.slug})).status_code == 404
    assert web(stranger).get(reverse("dashboard:home", kwargs={"org": org.slug})).status_code == 404


def test_only_an_admin_revokes_someone_elses_token(web, admin_user, quality_user, trainer_user, trainer, org):
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=trainer_user, organisation=org, name="t", prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    url = reverse("org:api_token_revoke", kwargs={"org": org.slug, "pk": token.pk})
    assert web(quality_user).post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    listing = web(admin_user).get(reverse("org:api_tokens", kwargs={"org": org.slug}))
    assert trainer_user.email in listing.text and url in listing.text
    assert web(admin_user).post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_language_switch_to_english(web, admin_user, org):
    c = web(admin_user)
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = c.get(reverse("org:settings", kwargs={"org": org.slug}))
    assert page.status_code == 200
    assert 'lang="en"' in page.text
