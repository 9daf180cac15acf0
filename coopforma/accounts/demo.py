# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, and what every part shares: the `DemoContext`.

`dashboard.demo` calls the parts in order (`<app>.demo.load(ctx)`); each writes through its app's services, as
a user of the OF would, and keeps in the context what later parts build on (records by their key in the data).
This part creates the organisation and the four accounts (an account that already exists elsewhere on the
server is reused, with the printed password).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from coopforma.accounts import services
from coopforma.accounts.actor import Actor, actor_for
from coopforma.accounts.models import Organisation, User
from coopforma.accounts.roles import Role

DEMO_SLUG = "cooperative-demo"
DEMO_NAME = "Coopérative de formation Ensemble"


@dataclass
class DemoContext:
    """What the parts of the demo share: the day it is loaded for, the accounts' passwords, then the records each
    part created, by their key in the demo's data (« lea », « formateurs », « croix_rousse »…)."""

    today: dt.date
    passwords: dict[str, str]  # e-mail -> password
    org: Organisation = field(init=False)
    users: dict[str, User] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    structures: dict[str, Any] = field(default_factory=dict)
    trainers: dict[str, Any] = field(default_factory=dict)
    trainings: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)
    contacts: dict[str, Any] = field(default_factory=dict)
    trainees: dict[str, list[Any]] = field(default_factory=dict)  # client key -> its trainees (the pool)

    def actor(self, key: str) -> Actor:
        """The demo account `key` (admin, quality, manager, trainer) acting in the demo's organisation."""
        return actor_for(self.users[key], self.org, self.roles[key])


# --- Identifiers ----------------------------------------------------------------------------------


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits + it` pass the Luhn test (INSEE's key for SIREN and SIRET)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # every second digit from the right, counting the missing check digit
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def siret_for(number: int, establishment: int = 1) -> str:
    """A valid, fictional SIRET: SIREN (8 digits + Luhn key) + NIC (4 digits + Luhn key on all 14)."""
    base = f"{number % 10**8:08d}"
    if base == "35600000":  # La Poste's SIREN follows another rule; never generate it
        base = "35600001"
    siren = base + luhn_check_digit(base)
    nic = f"{establishment % 10**4:04d}"
    return siren + nic + luhn_check_digit(siren + nic)


ORGANISATION = {
    "name": DEMO_NAME,
    "slug": DEMO_SLUG,
    "legal_form": "SCIC SAS à capital variable",
    "siret": siret_for(84_213_057),
    "naf_code": "85.59A",
    "nda": "84691234569",
    "nda_region": "Auvergne-Rhône-Alpes",
    "street": "14 rue des Tisserands",
    "postal_code": "69004",
    "city": "Lyon",
    "phone": "04 78 28 14 60",
    "email": "contact@ensemble.example",
    "website": "https://ensemble.example/",
    "head_name": "Claire Dubois",
    "head_title": "Présidente",
    "head_email": "claire.dubois@ensemble.example",
    "vat_regime": "exempt",
    "qualiopi_categories": ["training"],
    "qualiopi_certifier": "AFNOR Certification",
    "qualiopi_certificate_number": "FR-QUA-2024-0457",
    "disability_referent_name": "Samia Benhamou",
    "disability_referent_email": "handicap@ensemble.example",
    "disability_referent_phone": "04 78 28 14 62",
    "consumer_mediator_name": "Médiateur de la consommation CM2C, 49 rue de Ponthieu, 75008 Paris",
    "consumer_mediator_website": "https://www.cm2c.net",
}


@dataclass(frozen=True)
class AccountSpec:
    key: str
    email: str
    first_name: str
    last_name: str
    role: str


ACCOUNTS = [
    AccountSpec("admin", "claire.dubois@ensemble.example", "Claire", "Dubois", Role.ADMIN),
    AccountSpec("quality", "hugo.marchand@ensemble.example", "Hugo", "Marchand", Role.QUALITY),
    AccountSpec("manager", "martine.girard@ateliers-du-rhone.example", "Martine", "Girard", Role.MEMBER_MANAGER),
    AccountSpec("trainer", "lea.moreau@ateliers-du-rhone.example", "Léa", "Moreau", Role.TRAINER),
]


def _demo_logo() -> bytes:
    """Three overlapping circles in the demo's colours (a cooperative's « ensemble »), as a PNG."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for index, colour in enumerate([(29, 78, 74, 255), (214, 133, 40, 230), (90, 140, 180, 220)]):
        draw.ellipse((10 + index * 55, 10, 110 + index * 55, 110), fill=colour)
    draw.rectangle((190, 45, 290, 75), fill=(29, 78, 74, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load(ctx: DemoContext) -> None:
    today = ctx.today
    ctx.org = services.organisation_create(
        **ORGANISATION,
        qualiopi_valid_from=dt.date(today.year - 2, 3, 18),
        qualiopi_valid_until=dt.date(today.year + 1, 3, 17),
    )
    # A logo drawn here (no binary file in the repository): printed on every PDF and the public pages.
    ctx.org.logo = services.logo_png(_demo_logo())
    ctx.org.save(update_fields=["logo"])
    for spec in ACCOUNTS:
        password = ctx.passwords[spec.email]
        membership = services.membership_add(
            organisation=ctx.org,
            email=spec.email,
            role=spec.role,
            first_name=spec.first_name,
            last_name=spec.last_name,
            password=password,
        )
        user = membership.user
        if not user.check_password(password):
            # An account that existed before the demo (the organisation was deleted since): the login printed
            # is the one that works, as the demo promises.
            user.first_name, user.last_name = spec.first_name, spec.last_name
            user.set_password(password)
            user.save(update_fields=["first_name", "last_name", "password"])
        ctx.users[spec.key] = user
        ctx.roles[spec.key] = spec.role
