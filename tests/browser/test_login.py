# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_reach_the_dashboard(page, admin_user, org):
    page.goto("/")
    page.get_by_label("E-mail").fill(admin_user.email)
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**/o/{org.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord"
