# SPDX-License-Identifier: AGPL-3.0-or-later
"""Create (or promote) an administrator of an organisation; creates the organisation if needed."""

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from coopforma.accounts import services
from coopforma.accounts.models import Organisation, User
from coopforma.accounts.roles import Role


class Command(BaseCommand):
    help = "Create an organisation administrator (prints a generated password unless --password is given)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--email", required=True)
        parser.add_argument("--org", required=True, help="organisation slug (created with --org-name if missing)")
        parser.add_argument("--org-name", default="")
        parser.add_argument("--password", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    @transaction.atomic
    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        org = Organisation.objects.filter(slug=o["org"]).first()
        try:
            if org is None:
                if not o["org_name"]:
                    raise CommandError(f"No organisation '{o['org']}': give --org-name to create it.")
                org = services.organisation_create(name=o["org_name"], slug=slugify(o["org"]))
            password = o["password"] or secrets.token_urlsafe(12)
            existed = User.objects.filter(email=o["email"].lower()).exists()
            services.membership_add(
                organisation=org,
                email=o["email"],
                role=Role.ADMIN,
                first_name=o["first_name"],
                last_name=o["last_name"],
                password=password,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if existed:
            self.stdout.write(f"{o['email']} is now administrator of {org.name} (password unchanged).")
        else:
            self.stdout.write(f"Administrator {o['email']} created for {org.name}; password: {password}")
