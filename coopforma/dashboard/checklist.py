# SPDX-License-Identifier: AGPL-3.0-or-later
"""The first-run checklist of a new organisation (« Premiers pas »), on its administrators' dashboard.

Each item's state is computed from the records, never ticked by hand, and links to the page that fixes it; the
list disappears once every item is done. One query (the organisation's row is already loaded).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation, SignatoryChoice
from coopforma.catalogue.models import Training
from coopforma.documents.models import DocumentTemplate


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    help: str
    done: bool
    url_name: str


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def complete(self) -> bool:
        return all(item.done for item in self.items)


def dismissed_key(actor: Actor) -> str:
    """The login session's key that hides the checklist of the actor's organisation."""
    return f"checklist_dismissed_{actor.organisation_id}"


def _signatory_set(org: Organisation) -> bool:
    """Whoever signs the OF's documents is named and reachable (the signing link goes to their e-mail)."""
    if org.signatory == SignatoryChoice.DELEGATE:
        return bool(org.delegate_name and org.delegate_email and org.delegation_date)
    return bool(org.head_name and org.head_email)


def first_run_checklist(*, actor: Actor) -> Checklist | None:
    """The checklist for the organisation's administrators while it is not complete; None otherwise."""
    if not actor.is_admin:
        return None
    org = actor.organisation
    found = (
        Organisation.objects.filter(pk=org.pk)
        .annotate(
            has_template=Exists(DocumentTemplate.objects.filter(organisation=OuterRef("pk"))),
            has_training=Exists(Training.objects.filter(organisation=OuterRef("pk"))),
        )
        .values("has_template", "has_training")
        .get()
    )
    checklist = Checklist(
        items=(
            ChecklistItem(
                _("Identité de l'organisme"),
                _("SIRET et numéro de déclaration d'activité (NDA)"),
                bool(org.siret and org.nda),
                "org:settings",
            ),
            ChecklistItem(
                _("Certificat Qualiopi"),
                _("numéro du certificat et date de fin de validité"),
                bool(org.qualiopi_certificate_number and org.qualiopi_valid_until),
                "org:settings",
            ),
            ChecklistItem(
                _("Signataire des documents"),
                _("nom et e-mail de la personne qui signe pour l'organisme"),
                _signatory_set(org),
                "org:settings",
            ),
            ChecklistItem(
                _("Coordonnées bancaires"),
                _("l'IBAN imprimé sur les factures"),
                bool(org.iban),
                "org:settings",
            ),
            ChecklistItem(
                _("Modèles de documents relus"),
                _("au moins un modèle adapté et enregistré par l'organisme"),
                bool(found["has_template"]),
                "documents:template_list",
            ),
            ChecklistItem(
                _("Première formation"),
                _("une formation décrite au catalogue"),
                bool(found["has_training"]),
                "catalogue:create",
            ),
        )
    )
    return None if checklist.complete else checklist
