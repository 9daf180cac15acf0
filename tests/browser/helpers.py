# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the browser flows share."""

PASSWORD = "correct horse battery"  # the factories' password (coopforma/accounts/tests/factories.py)


def log_in(page, user):  # type: ignore[no-untyped-def]
    """Log `user` in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
