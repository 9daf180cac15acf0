# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the public page of a training (/f/<org>/<training>/) shows, item by item.

One list for two readers: the public page renders these items, and the Qualiopi indicator 1 judge
(quality.indicator_statuses.judge_1) checks the same items, so its status says what the public actually sees.
Indicator 1 (guide de lecture V9) asks, for each offer: prerequisites, objectives, duration, access methods and delays,
prices, contacts, methods, assessment methods and accessibility for people with disabilities; for a certifying
action, the exact title and RNCP/RS code of the certification.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coopforma.catalogue.models import CertificationKind, Modality, Training
from coopforma.core.hours import format_minutes
from coopforma.core.money import format_cents


@dataclass(frozen=True)
class PublicItem:
    key: str
    label: Promise
    value: str | list[str]
    required: bool  # required by Qualiopi indicator 1

    @property
    def shown(self) -> bool:
        if isinstance(self.value, list):
            return any(str(v).strip() for v in self.value)
        return bool(self.value.strip())

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)


def _price(training: Training) -> str:
    parts = []
    if training.price_inter_cents is not None:
        parts.append(str(_("%(p)s HT par stagiaire (inter)") % {"p": format_cents(training.price_inter_cents)}))
    if training.price_intra_cents is not None:
        parts.append(str(_("%(p)s HT par groupe (intra)") % {"p": format_cents(training.price_intra_cents)}))
    return " ; ".join(parts)


def _contact(training: Training) -> str:
    org = training.organisation
    return " — ".join(p for p in [org.name if (org.email or org.phone) else "", org.email, org.phone] if p)


def _accessibility(training: Training) -> str:
    if not training.accessibility.strip():
        return ""
    org = training.organisation
    text = training.accessibility.strip()
    if org.disability_referent_name:
        reach = " ".join(p for p in [org.disability_referent_email, org.disability_referent_phone] if p)
        text += " " + str(_("Référent·e handicap : %(n)s %(c)s") % {"n": org.disability_referent_name, "c": reach})
    return text.strip()


def _certification(training: Training) -> str:
    if training.certification_kind == CertificationKind.NONE:
        return ""
    if not training.certification_code.strip():
        return ""
    return f"{CertificationKind(training.certification_kind).label} — {training.certification_code}"


def public_items(training: Training) -> list[PublicItem]:
    """The items of the training's public page, in the page's order (each with its value, maybe empty)."""
    certifying = training.certification_kind != CertificationKind.NONE
    modality = str(Modality(training.modality).label) if training.modality in Modality.values else ""
    items = [
        PublicItem("objectives", _("Objectifs"), [str(o) for o in training.objectives if str(o).strip()], True),
        PublicItem("audience", _("Public visé"), training.audience, False),
        PublicItem("prerequisites", _("Prérequis"), training.prerequisites, True),
        PublicItem(
            "duration",
            _("Durée"),
            format_minutes(training.duration_minutes) if training.duration_minutes else "",
            True,
        ),
        PublicItem("modality", _("Modalité"), modality, False),
        PublicItem("access_delay", _("Modalités et délai d'accès"), training.access_delay, True),
        PublicItem("price", _("Tarif"), _price(training), True),
        PublicItem("content", _("Contenu"), training.content, False),
        PublicItem("methods", _("Méthodes mobilisées"), training.methods, True),
        PublicItem("evaluation_methods", _("Modalités d'évaluation"), training.evaluation_methods, True),
        PublicItem(
            "accessibility", _("Accessibilité aux personnes en situation de handicap"), _accessibility(training), True
        ),
        PublicItem("contact", _("Contact"), _contact(training), True),
    ]
    if certifying:
        items.append(PublicItem("certification", _("Certification visée (RNCP ou RS)"), _certification(training), True))
    return items


def public_missing(training: Training) -> list[str]:
    """The labels of the items indicator 1 requires that the public page does not show."""
    return [str(item.label) for item in public_items(training) if item.required and not item.shown]
