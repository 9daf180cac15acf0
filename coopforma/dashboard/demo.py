# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo cooperative (`coopforma demo`): a realistic shared OF, loaded once, with its logins.

« Coopérative de formation Ensemble » (SCIC SAS, Lyon) pools the training activity of four member
structures. Everything is fictional: SIRETs are generated with a valid Luhn key, NDAs have the 11 digits of
the DREETS format, people and companies are invented. Dates are relative to the day of loading.

Each app loads its own part through its services (`<app>/demo.py`, `load(ctx)`), in the order below: who reads
whom. The parts share a `DemoContext` (accounts/demo.py): the day, the passwords, and the records created so
far by their key. This module keeps the order, the generated passwords and the credentials file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts import demo as accounts_demo
from coopforma.accounts.demo import (  # noqa: F401  (names the tests import from here)
    ACCOUNTS,
    DEMO_NAME,
    DEMO_SLUG,
    DemoContext,
    luhn_check_digit,
    siret_for,
)
from coopforma.accounts.models import Organisation, User
from coopforma.accounts.roles import Role
from coopforma.attendance import demo as attendance_demo
from coopforma.billing import demo as billing_demo
from coopforma.catalogue import demo as catalogue_demo
from coopforma.enquiries import demo as enquiries_demo
from coopforma.evaluations import demo as evaluations_demo
from coopforma.exchanges import demo as exchanges_demo
from coopforma.networks import demo as networks_demo
from coopforma.offers import demo as offers_demo
from coopforma.people import demo as people_demo
from coopforma.quality import demo as quality_demo
from coopforma.recognition import demo as recognition_demo
from coopforma.referentiel import demo as referentiel_demo
from coopforma.registry import demo as registry_demo
from coopforma.reporting import demo as reporting_demo
from coopforma.tenders import demo as tenders_demo
from coopforma.training_sessions import demo as training_sessions_demo

CREDENTIALS_FILE = "demo-credentials.json"

# The parts, in order: each builds on the records of those before it. People's `suspend` comes after the
# sessions a suspended trainer gave; the émargement (attendance) before billing, which invoices the hours realised.
PARTS = (
    accounts_demo.load,
    people_demo.load,
    catalogue_demo.load,
    training_sessions_demo.load,
    people_demo.suspend,
    evaluations_demo.load,
    attendance_demo.load,
    billing_demo.load,
    quality_demo.load,
    reporting_demo.load,
    networks_demo.load,
    offers_demo.load,
    referentiel_demo.load,
    exchanges_demo.load,
    recognition_demo.load,
    enquiries_demo.load,
    registry_demo.load,
    tenders_demo.load,
)


@dataclass
class DemoAccount:
    role: str
    email: str
    password: str
    name: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class DemoResult:
    created: bool
    organisation: Organisation
    accounts: list[DemoAccount]
    credentials_path: Path
    notes: list[str] = field(default_factory=list)


def generate_password() -> str:
    """16 characters from an unambiguous alphabet, in groups of four (about 90 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _position in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _read_credentials(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        item["email"]: item["password"]
        for item in data.get("accounts", [])
        if isinstance(item, dict) and item.get("email") and item.get("password")
    }


def _write_credentials(path: Path, accounts: list[DemoAccount], site_url: str) -> None:
    """Written readable by the owner only (mode 600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "organisation": DEMO_SLUG,
        "url": site_url,
        "accounts": [{"role": a.role, "email": a.email, "password": a.password, "name": a.name} for a in accounts],
    }
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def demo_load(*, var_dir: Path, site_url: str, today: dt.date | None = None) -> DemoResult:
    """Load the demo cooperative unless the organisation `cooperative-demo` exists; return its logins.

    Passwords are generated on the first load and kept in var/demo-credentials.json; later loads reuse them.
    """
    path = Path(var_dir) / CREDENTIALS_FILE
    stored = _read_credentials(path)
    accounts = [
        DemoAccount(
            role=spec.role,
            email=spec.email,
            password=stored.get(spec.email) or generate_password(),
            name=f"{spec.first_name} {spec.last_name}",
        )
        for spec in ACCOUNTS
    ]
    notes: list[str] = []
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    created = organisation is None
    if organisation is None:
        organisation = _build(accounts=accounts, today=today or timezone.localdate())
    else:
        notes = _check_existing_passwords(accounts, stored)
    if any(stored.get(a.email) != a.password for a in accounts):
        _write_credentials(path, accounts, site_url)
    return DemoResult(created=created, organisation=organisation, accounts=accounts, credentials_path=path, notes=notes)


def _check_existing_passwords(accounts: list[DemoAccount], stored: dict[str, str]) -> list[str]:
    """Demo already loaded: new passwords only for the accounts whose password is not in the file."""
    notes = []
    users = {u.email: u for u in User.objects.filter(email__in=[a.email for a in accounts])}
    for account in accounts:
        user = users.get(account.email)
        if user is None:
            notes.append(_("%(email)s : compte absent (supprimé depuis le chargement).") % {"email": account.email})
        elif account.email not in stored:
            user.set_password(account.password)
            user.save(update_fields=["password"])
            notes.append(
                _("%(email)s : mot de passe absent du fichier, un nouveau a été généré.") % {"email": account.email}
            )
        elif not user.check_password(account.password):
            notes.append(
                _("%(email)s : le mot de passe a été changé depuis le chargement de la démonstration.")
                % {"email": account.email}
            )
    return notes


@transaction.atomic
def _build(*, accounts: list[DemoAccount], today: dt.date) -> Organisation:
    ctx = DemoContext(today=today, passwords={a.email: a.password for a in accounts})
    for part in PARTS:
        part(ctx)
    return ctx.org
