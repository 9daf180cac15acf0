# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma demo`: load the demo cooperative once (idempotent) and print the URL and the four logins."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from coopforma.core.links import site_base
from coopforma.dashboard.demo import DEMO_NAME, demo_load


class Command(BaseCommand):
    help = _(
        "Charge la coopérative de démonstration (une seule fois : relancer la commande ne change rien) "
        "et affiche l'adresse et les identifiants."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            site_url = site_base()  # the demo's documents carry links: refuse now rather than half-way
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        result = demo_load(var_dir=settings.VAR_DIR, site_url=site_url)
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(_("Coopérative de démonstration « %(name)s » chargée.") % {"name": DEMO_NAME})
            )
        else:
            self.stdout.write(_("Coopérative de démonstration déjà présente : rien n'a été modifié."))
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(_("Adresse : %(url)s") % {"url": site_url})
        self.stdout.write(
            _("Identifiants (conservés dans %(path)s, lisible par vous seul·e) :") % {"path": result.credentials_path}
        )
        width = max(len(account.email) for account in result.accounts)
        for account in result.accounts:
            self.stdout.write(f"  {account.email:<{width}}  {account.password}  {account.role_label} ({account.name})")
