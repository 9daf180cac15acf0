# SPDX-License-Identifier: AGPL-3.0-or-later
"""The 32 indicators of the Référentiel national qualité (décret n° 2019-565 du 6 juin 2019, R6316-1), as data.

The one-line summaries are our own wording (not the official text). `scope` says which providers an
indicator concerns; `new_entrant` marks the indicators whose audit is adapted for a nouvel entrant (arrêté du
6 juin 2019 as rewritten on 31 May 2023: process at the initial audit, implementation at the surveillance
audit); `minor_allowed` says whether a non-conformity on it may be minor (guide de lecture V9).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import QualiopiCategory

# Scopes (regulations.md §1.3).
ALL = "all"  # every provider
CERT = "cert"  # actions leading to an RNCP/RS certification (and VAE for 3 and 16)
ALT = "alt"  # alternance (apprenticeship, contrat de professionnalisation, Pro-A)
CFA = "cfa"  # apprenticeship only
ST = "st"  # sub-contracting or portage salarial
FEST = "fest"  # work-based periods (AFEST) or alternance

SCOPE_LABELS = {
    ALL: _("Tous les organismes"),
    CERT: _("Actions certifiantes (et VAE pour les indicateurs 3 et 16)"),
    ALT: _("Alternance"),
    CFA: _("Apprentissage (CFA)"),
    ST: _("Sous-traitance ou portage salarial"),
    FEST: _("Périodes en situation de travail ou alternance"),
}

CRITERIA = {
    1: _("Information du public sur les prestations, les délais d'accès et les résultats"),
    2: _("Objectifs identifiés et prestations adaptées dès leur conception"),
    3: _("Accueil, accompagnement, suivi et évaluation adaptés aux publics"),
    4: _("Moyens pédagogiques, techniques et d'encadrement adaptés"),
    5: _("Qualification et développement des compétences des intervenant·es"),
    6: _("Inscription dans l'environnement professionnel"),
    7: _("Recueil et prise en compte des appréciations et des réclamations"),
}


@dataclass(frozen=True)
class Indicator:
    number: int
    criterion: int
    summary: Promise
    scope: str
    new_entrant: bool
    minor_allowed: bool
    automatic: bool  # statuses computed from the records (otherwise from uploaded evidence and notes)

    @property
    def criterion_label(self) -> Promise:
        return CRITERIA[self.criterion]

    @property
    def scope_label(self) -> Promise:
        return SCOPE_LABELS[self.scope]


def _i(n: int, c: int, summary: Promise, scope: str, ne: bool, minor: bool, auto: bool = False) -> Indicator:
    return Indicator(n, c, summary, scope, ne, minor, auto)


INDICATORS: tuple[Indicator, ...] = (
    _i(1, 1, _("Chaque offre est décrite publiquement : prérequis, objectifs, durée, accès, tarifs, méthodes, "
               "évaluation, accessibilité."), ALL, False, True, True),
    _i(2, 1, _("Des résultats chiffrés (satisfaction, réussite, abandon…) sont publiés pour chaque public."),
       ALL, True, True, True),
    _i(3, 1, _("Pour le certifiant : taux d'obtention, blocs, équivalences, passerelles et débouchés sont publiés."),
       CERT, True, True),
    _i(4, 2, _("Le besoin de chaque bénéficiaire est analysé avec lui, son employeur ou son financeur."),
       ALL, False, False, True),
    _i(5, 2, _("Les objectifs de chaque prestation sont opérationnels et évaluables."), ALL, False, False, True),
    _i(6, 2, _("Contenus et modalités sont construits pour atteindre les objectifs avec le public visé."),
       ALL, False, False),
    _i(7, 2, _("Pour le certifiant : le contenu correspond au référentiel de la certification visée."),
       CERT, False, False),
    _i(8, 2, _("Le niveau et les acquis des bénéficiaires sont positionnés à l'entrée."), ALL, False, True, True),
    _i(9, 3, _("Les bénéficiaires connaissent à l'avance les conditions de déroulement (lieu, horaires, règles, "
               "contacts)."), ALL, False, True, True),
    _i(10, 3, _("La prestation, l'accompagnement et le suivi sont adaptés à chaque bénéficiaire."),
       ALL, False, False),
    _i(11, 3, _("L'atteinte des objectifs par chaque bénéficiaire est évaluée."), ALL, True, False, True),
    _i(12, 3, _("Des mesures favorisent l'engagement et préviennent les abandons (prestations de plus de deux "
                "jours)."), ALL, False, True, True),
    _i(13, 3, _("En alternance : missions et apprentissages sont coordonnés avec l'entreprise."), ALT, True, True),
    _i(14, 3, _("En apprentissage : accompagnement socio-professionnel, éducatif et citoyen."), CFA, True, False),
    _i(15, 3, _("En apprentissage : information sur les droits et devoirs d'apprenti·e et de salarié·e."),
       CFA, False, False),
    _i(16, 3, _("Pour le certifiant : la présentation à la certification suit les règles du certificateur."),
       CERT, False, False),
    _i(17, 4, _("Les moyens humains et techniques (locaux, équipements, plateformes) sont adaptés."),
       ALL, False, True, True),
    _i(18, 4, _("Les intervenant·es internes et externes sont mobilisé·es et coordonné·es."), ALL, False, True),
    _i(19, 4, _("Les ressources pédagogiques sont mises à disposition et leur appropriation est facilitée."),
       ALL, True, True),
    _i(20, 4, _("En apprentissage : référent·es mobilité et handicap, conseil de perfectionnement."),
       CFA, False, False),
    _i(21, 5, _("Les compétences des intervenant·es sont définies, vérifiées et évaluées."), ALL, False, False, True),
    _i(22, 5, _("Les compétences des salarié·es sont entretenues et développées."), ALL, True, False),
    _i(23, 6, _("Une veille légale et réglementaire sur la formation est tenue et exploitée."),
       ALL, False, True, True),
    _i(24, 6, _("Une veille sur les compétences, métiers et emplois des secteurs concernés est exploitée."),
       ALL, True, True, True),
    _i(25, 6, _("Une veille sur les innovations pédagogiques et technologiques est exploitée."),
       ALL, True, True, True),
    _i(26, 6, _("Expertises, outils et réseaux sont mobilisés pour les personnes en situation de handicap."),
       ALL, True, False, True),
    _i(27, 6, _("En sous-traitance ou portage : le respect du référentiel par le sous-traitant est vérifié."),
       ST, False, False, True),
    _i(28, 6, _("Avec des périodes en entreprise : des partenaires socio-économiques co-construisent la "
                "prestation."), FEST, False, True),
    _i(29, 6, _("En apprentissage : des actions favorisent l'insertion professionnelle ou la poursuite d'études."),
       CFA, False, False),
    _i(30, 7, _("L'avis de toutes les parties prenantes (bénéficiaires, financeurs, équipes, entreprises) est "
                "recueilli."), ALL, True, True, True),
    _i(31, 7, _("Les difficultés, réclamations et aléas sont traités et suivis."), ALL, True, False, True),
    _i(32, 7, _("Des actions d'amélioration sont menées à partir des appréciations et réclamations."),
       ALL, True, False, True),
)  # fmt: skip

BY_NUMBER = {indicator.number: indicator for indicator in INDICATORS}
# The indicators that do not apply to bilans de compétences (guide de lecture V9; regulations.md §8.1 corrects
# §1.3, which counted 8 as common to every category): a BC-only provider has 22 indicators, 27 included.
NOT_FOR_SKILLS_ASSESSMENT = frozenset({3, 7, 8, 13, 14, 15, 16, 20, 28, 29})
# An OF working only as a subcontractor of another OF (guide de lecture V9): 1, 2 and 3 are the principal's job;
# 7, 9, 13, 16 and 28 follow the split of missions written in the subcontracting contract (without a contract,
# they all apply); the others apply (5, 26 and 30 with checks specific to subcontractors).
SUBCONTRACTOR_NOT_APPLICABLE = frozenset({1, 2, 3})
SUBCONTRACTOR_PER_CONTRACT = (7, 9, 13, 16, 28)
# Indicators on which only a major non-conformity exists (guide de lecture V9).
MAJOR_ONLY = frozenset(i.number for i in INDICATORS if not i.minor_allowed)
# The least a surveillance audit covers (arrêté du 6 juin 2019 as amended; regulations.md §8.2 corrects §1.4):
# the indicators with non-conformities at the previous audit, every applicable major-only indicator, indicators
# 1, 17 and 19 (and 3 where it applies), the indicators a reduced initial audit skipped, every applicable
# indicator for a former new entrant, and the use of the certificate and the mark.
SURVEILLANCE_ALWAYS = frozenset({1, 3, 17, 19})
# Five minor non-conformities not lifted when the certifier decides count as one major (arrêté du 31 mai 2023).
MINORS_MAKING_A_MAJOR = 5
NUMBER_CHOICES = [(i.number, _("Indicateur %(n)s") % {"n": i.number}) for i in INDICATORS]
WATCH_INDICATORS = (23, 24, 25)


@dataclass(frozen=True)
class Profile:
    """What the organisation does, which decides the indicators that apply to it."""

    categories: frozenset[str]
    certifying: bool
    alternance: bool
    work_based: bool
    subcontracting: bool
    new_entrant: bool
    subcontractor_only: bool = False  # works only for other OFs, as their subcontractor (guide V9)
    principal_keeps: frozenset[int] = frozenset()  # of SUBCONTRACTOR_PER_CONTRACT, left to the principal


def applicability(indicator: Indicator, profile: Profile) -> tuple[bool, str]:
    """(applies, reason). Certification is per category (L6313-1); the specific indicators follow the
    activities (regulations.md §1.3: CERT, ALT, CFA, ST, FEST)."""
    cfa = QualiopiCategory.APPRENTICESHIP in profile.categories
    vae = QualiopiCategory.VAE in profile.categories
    n = indicator.number
    if profile.categories == {QualiopiCategory.SKILLS_ASSESSMENT} and n in NOT_FOR_SKILLS_ASSESSMENT:
        return False, str(_("Ne s'applique pas aux bilans de compétences (guide de lecture)."))
    if profile.subcontractor_only and n in SUBCONTRACTOR_NOT_APPLICABLE:
        return False, str(
            _(
                "L'organisme intervient uniquement en sous-traitance : cet indicateur relève du donneur d'ordre "
                "(guide de lecture V9)."
            )
        )
    if profile.subcontractor_only and n in profile.principal_keeps and n in SUBCONTRACTOR_PER_CONTRACT:
        return False, str(
            _("Le contrat de sous-traitance confie cet indicateur au donneur d'ordre (guide de lecture V9).")
        )
    if indicator.scope == ALL:
        return True, str(_("Commun à tous les organismes."))
    if indicator.scope == CERT:
        if profile.certifying or (vae and indicator.number in (3, 16)):
            return True, str(_("L'organisme propose des actions menant à une certification RNCP ou RS (ou la VAE)."))
        return False, str(_("Aucune action certifiante (RNCP ou RS) ni VAE."))
    if indicator.scope == CFA:
        if cfa:
            return True, str(_("L'organisme est certifié pour l'apprentissage."))
        return False, str(_("L'organisme n'est pas certifié pour les actions de formation par apprentissage."))
    if indicator.scope == ALT:
        if cfa or profile.alternance:
            return True, str(_("L'organisme intervient en alternance."))
        return False, str(_("Aucune action en alternance (apprentissage, contrat de professionnalisation, Pro-A)."))
    if indicator.scope == FEST:
        if cfa or profile.alternance or profile.work_based:
            return True, str(_("Des prestations comportent des périodes en situation de travail."))
        return False, str(_("Aucune période en situation de travail (AFEST) ni alternance."))
    if profile.subcontracting:
        return True, str(_("L'organisme fait appel à la sous-traitance ou au portage salarial."))
    return False, str(_("Aucun recours à la sous-traitance ni au portage salarial."))


def surveillance_scope(
    applicable: Iterable[int], *, nonconformity_indicators: Iterable[int], former_new_entrant: bool
) -> list[int]:
    """The indicators a surveillance audit covers at least (SURVEILLANCE_ALWAYS and its rule above), among the
    `applicable` ones; every applicable one for a former new entrant."""
    applicable = sorted(set(applicable))
    if former_new_entrant:
        return applicable
    wanted = set(nonconformity_indicators) | MAJOR_ONLY | SURVEILLANCE_ALWAYS
    return [n for n in applicable if n in wanted]
