# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the public page of a training (/f/<org>/<training>/) shows, item by item.

One list for two readers: the public page renders these items (and nothing else of the programme), and the
Qualiopi indicator 1 judge (quality.indicator_statuses.judge_1) checks the same items through `public_missing`,
so its status says what the public actually sees.
Indicator 1 (guide de lecture V9) asks, for each offer: prerequisites, objectives, duration, access methods and
delays, prices, contacts, methods, assessment methods and accessibility for people with disabilities; for a
certifying action, the exact title and RNCP/RS code of the certification. Indicator 3 asks a certifying action to
publish its success rate, the validation by blocks, equivalences and bridges, outlets and next steps.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopforma.catalogue.models import CertificationKind, Modality, Training
from coopforma.core.hours import format_minutes
from coopforma.core.money import format_cents

FRANCE_COMPETENCES = "https://www.francecompetences.fr/recherche/{kind}/{number}/"


@dataclass(frozen=True)
class PublicItem:
    key: str
    label: Promise
    value: str | list[str]
    required: bool  # required by Qualiopi indicator 1
    indicator: int = 1  # the Qualiopi indicator that asks for it (1, or 3 for a certifying action's details)

    @property
    def shown(self) -> bool:
        if isinstance(self.value, list):
            return any(str(v).strip() for v in self.value)
        return bool(self.value.strip())

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)


def price_text(training: Training) -> str:
    """« 700,00 € HT par stagiaire (inter) ; sur devis (intra) », or empty when nothing is said about the price."""
    parts = []
    if training.price_inter_cents is not None:
        parts.append(gettext("%(p)s HT par stagiaire (inter)") % {"p": format_cents(training.price_inter_cents)})
    if training.price_intra_cents is not None:
        parts.append(gettext("%(p)s HT par groupe (intra)") % {"p": format_cents(training.price_intra_cents)})
    if training.price_on_quote:
        parts.append(gettext("sur devis (intra, sur mesure)") if parts else gettext("Sur devis"))
    return " ; ".join(parts)


def _contact(training: Training) -> str:
    org = training.organisation
    return " — ".join(p for p in [org.name if (org.email or org.phone) else "", org.email, org.phone] if p)


def disability_referent(training: Training) -> str:
    """« Référent·e handicap : Name e-mail phone », or empty when the organisation names nobody."""
    org = training.organisation
    if not org.disability_referent_name:
        return ""
    reach = " ".join(p for p in [org.disability_referent_email, org.disability_referent_phone] if p)
    return (gettext("Référent·e handicap : %(n)s %(c)s") % {"n": org.disability_referent_name, "c": reach}).strip()


def _accessibility(training: Training) -> str:
    if not training.accessibility.strip():
        return ""
    return " ".join(p for p in [training.accessibility.strip(), disability_referent(training)] if p)


def certification_url(training: Training) -> str:
    """The certification's sheet at France compétences (RNCP or RS), or empty."""
    code = training.certification_code
    for kind, prefix in (("rncp", "RNCP"), ("rs", "RS")):
        if training.certification_kind == kind and code.startswith(prefix) and code[len(prefix) :].isdigit():
            return FRANCE_COMPETENCES.format(kind=kind, number=code[len(prefix) :])
    return ""


def _certification(training: Training) -> str:
    """« RNCP35219 — Exact title (Niveau 5, certifier) »: shown only with both the code and the exact title."""
    if training.certification_kind == CertificationKind.NONE:
        return ""
    code, title = training.certification_code.strip(), training.certification_title.strip()
    if not code or not title:
        return ""
    details = [str(training.get_rncp_level_display())] if training.rncp_level is not None else []
    if training.certifier.strip():
        details.append(gettext("certificateur : %(c)s") % {"c": training.certifier.strip()})
    text = f"{code} — {title}"
    return f"{text} ({', '.join(details)})" if details else text


def success_rate_text(training: Training) -> str:
    """« 87 % (sessions 2025, 23 candidat·es présenté·es) », or empty without the rate, period and sample."""
    rate, n, period = (
        training.certification_success_rate,
        training.certification_success_sample,
        training.certification_success_period.strip(),
    )
    if rate is None or not n or not period:
        return ""
    return gettext("%(rate)s %% (%(period)s, %(n)s candidat·es présenté·es)") % {"rate": rate, "period": period, "n": n}


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
        PublicItem("price", _("Tarif"), price_text(training), True),
        PublicItem("content", _("Contenu"), training.content, False),
        PublicItem("methods", _("Méthodes mobilisées"), training.methods, True),
        PublicItem("evaluation_methods", _("Modalités d'évaluation"), training.evaluation_methods, True),
        PublicItem(
            "accessibility", _("Accessibilité aux personnes en situation de handicap"), _accessibility(training), True
        ),
        PublicItem("contact", _("Contact"), _contact(training), True),
    ]
    if certifying:
        items += [
            PublicItem("certification", _("Certification visée (RNCP ou RS)"), _certification(training), True),
            PublicItem("certification_blocks", _("Blocs de compétences"), training.certification_blocks, False, 3),
            PublicItem(
                "certification_equivalences",
                _("Équivalences et passerelles"),
                training.certification_equivalences,
                False,
                3,
            ),
            PublicItem(
                "certification_outlets", _("Débouchés et suites de parcours"), training.certification_outlets, False, 3
            ),
            PublicItem(
                "certification_success",
                _("Taux d'obtention de la certification"),
                success_rate_text(training),
                False,
                3,
            ),
        ]
    return items


def public_missing(training: Training, *, indicator: int = 1) -> list[str]:
    """The labels of the items a Qualiopi indicator (1, or 3 for a certifying action) requires that the public
    page does not show."""
    if indicator == 1:
        return [str(item.label) for item in public_items(training) if item.required and not item.shown]
    return [str(item.label) for item in public_items(training) if item.indicator == indicator and not item.shown]
