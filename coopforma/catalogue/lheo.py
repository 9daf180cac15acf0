# SPDX-License-Identifier: AGPL-3.0-or-later
"""The organisation's published trainings as LHEO records (formats.lheo_write), for the Carif-Oref feed (LHEO 2.3)
and the Mon Compte Formation import file (EDOF), and the CPF completeness check in French.

One formation per published and validated training; its upcoming public sessions grouped by place into actions (one
place per action, as EDOF requires; LHEO accepts the same); a training without an upcoming session gets one action
with one undated session and permanent entries (« sur demande »). The sessions are read through the reverse
relation `training.sessions` (training_sessions sits below the catalogue in the layers).
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext as _

from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import CertificationKind, Modality, Training
from coopforma.core.hours import format_minutes
from coopforma.core.links import absolute_url
from coopforma.formats import lheo_write as lheo
from coopforma.formats.edof import EdofProblem, edof_problems, write_edof

# Formacode, annex list of publics (dict-public-vise-formacode): 83056 « Tout public ».
PUBLIC_ALL = "83056"
_MODALITY = {
    Modality.ON_SITE: lheo.ON_SITE,
    Modality.REMOTE: lheo.REMOTE,
    Modality.HYBRID: lheo.BLENDED,
    Modality.WORK_BASED: lheo.ON_SITE,
}
# dict-AIS: 6 certification, 2 perfectionnement / élargissement des compétences.
GOAL_CERTIFICATION, GOAL_IMPROVEMENT = "6", "2"
_CLOSED_SESSION_STATUSES = ("cancelled", "done")


def _public_url(training: Training) -> str:
    """The training's public page, absolute; empty when SITE_URL is not set (the element is then left out)."""
    path = reverse("public:training", kwargs={"org": training.organisation.slug, "pk": training.pk})
    try:
        return absolute_url(path)
    except ImproperlyConfigured:
        return ""


def _split_name(full: str) -> tuple[str, str]:
    """(first name, last name) of « Camille Dupont »; one word is a last name."""
    parts = full.strip().split()
    if len(parts) < 2:
        return "", full.strip()
    return " ".join(parts[:-1]), parts[-1]


def _lines(street: str) -> tuple[str, ...]:
    """An address's street as lines of 50 characters at most (LHEO `ligne`), cut at words."""
    lines: list[str] = []
    for raw in street.replace(",", "\n").splitlines():
        words, line = raw.split(), ""
        for word in words:
            if line and len(line) + 1 + len(word) > 50:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            lines.append(line[:50])
    return tuple(lines)


def _address(*, name: str, street: str, postal_code: str, city: str, accessibility: str = "") -> lheo.Adresse:
    return lheo.Adresse(
        lignes=_lines(street) or ((name[:50],) if name else ()),
        codepostal=postal_code.strip(),
        ville=city.strip()[:50],
        denomination=name,
        accessibilite=accessibility,
    )


def organisation_address(org: Organisation) -> lheo.Adresse:
    return _address(name=org.name, street=org.street, postal_code=org.postal_code, city=org.city)


def organisation_contact(org: Organisation) -> lheo.Contact:
    """Who answers for the organisation: its head (name split in two), its phone, e-mail, site and address."""
    first, last = _split_name(org.head_name)
    return lheo.Contact(
        prenom=first,
        nom=last,
        adresse=organisation_address(org),
        telephone=org.phone,
        courriel=org.email,
        web=org.website,
        type_contact=lheo.CONTACT_WELCOME,
        fonction=org.head_title,
    )


def _disability_contact(org: Organisation) -> lheo.Contact | None:
    if not org.disability_referent_name:
        return None
    first, last = _split_name(org.disability_referent_name)
    return lheo.Contact(
        prenom=first,
        nom=last,
        telephone=org.disability_referent_phone,
        courriel=org.disability_referent_email,
        type_contact=lheo.CONTACT_DISABILITY,
        fonction=_("Référent·e handicap"),
    )


def organisme(org: Organisation) -> lheo.Organisme:
    contacts = [c for c in (organisation_contact(org), _disability_contact(org)) if c is not None]
    return lheo.Organisme(
        numero_activite="".join(org.nda.split()),
        siret="".join(org.siret.split()),
        nom=org.name,
        raison_sociale=" ".join(p for p in [org.name, org.legal_form] if p),
        coordonnees=organisation_contact(org),
        contacts=tuple(contacts),
    )


def certification(training: Training) -> lheo.Certification | None:
    """The training's certification code in LHEO form (RNCP12345, RS1234), or None for a non-certifying one."""
    code = "".join(training.certification_code.split()).upper()
    if training.certification_kind == CertificationKind.NONE or not code:
        return None
    if training.certification_kind == CertificationKind.RNCP:
        return lheo.Certification(rncp=code if code.startswith("RNCP") else f"RNCP{code}")
    return lheo.Certification(rs=code if code.startswith("RS") else f"RS{code}")


# A line of the training's « blocs de compétences » that starts with the block's code (« RNCP40344BC01 — Piloter… »).
_BLOCK_LINE = re.compile(r"^\s*[-•*]?\s*((?:RNCP|RS)\d+BC\d+)\s*[-–—:]?\s*(.*)$", re.IGNORECASE)


def blocks(training: Training) -> tuple[lheo.Bloc, ...]:
    """The certification's blocks written with their code in the training's « blocs de compétences », one per line
    (lines without a code stay on the public page only: LHEO needs the code)."""
    found = []
    for line in training.certification_blocks.splitlines():
        match = _BLOCK_LINE.match(line)
        if match:
            code, label = match.group(1).upper(), match.group(2).strip()
            found.append(lheo.Bloc(code=code, libelle=label or code))
    return tuple(found)


def _objectives(training: Training) -> str:
    items = [str(o).strip() for o in training.objectives if str(o).strip()]
    return "\n".join(f"- {o}" for o in items) or training.summary


def _results(training: Training) -> str:
    cert = certification(training)
    parts = []
    if cert is not None:
        parts.append(_("Certification visée : %(code)s.") % {"code": cert.rncp or cert.rs})
    if training.evaluation_methods.strip():
        parts.append(training.evaluation_methods.strip())
    if not parts:
        parts.append(_("Attestation de fin de formation précisant les acquis (article L6353-1 du Code du travail)."))
    return "\n".join(parts)


@dataclass(frozen=True)
class _PlaceGroup:
    key: str
    adresse: lheo.Adresse
    sessions: tuple


def _upcoming_sessions(training: Training, today: dt.date) -> list:
    return list(
        training.sessions.filter(is_public=True, start_date__gte=today)
        .exclude(status__in=_CLOSED_SESSION_STATUSES)
        .select_related("place")
        .order_by("start_date", "pk")
    )


def _places_left(session) -> int:  # type: ignore[no-untyped-def]
    taken = session.participants.exclude(status__in=["cancelled", "dropped_out"]).count()
    return max(session.max_capacity - taken, 0)


def _session(training: Training, session, adresse: lheo.Adresse) -> lheo.Session:  # type: ignore[no-untyped-def]
    left = _places_left(session)
    cert = certification(training)
    return lheo.Session(
        blocs=blocks(training) if cert is not None else (),
        certification=cert,
        numero=f"S{session.pk}",
        datecrea=session.created_at.date(),
        datemaj=session.updated_at.date(),
        adresse_inscription=adresse,
        debut=session.start_date,
        fin=session.end_date or session.start_date,
        etat_recrutement=lheo.RECRUITMENT_OPEN if left > 0 else lheo.RECRUITMENT_CLOSED,
        places_restantes=left,
        url=_public_url(training),
    )


def formation(training: Training, *, today: dt.date) -> lheo.Formation:
    """The LHEO record of one published training, with its upcoming public sessions."""
    org = training.organisation
    org_address = organisation_address(org)
    contact = organisation_contact(org)
    groups: dict[str, _PlaceGroup] = {}
    for session in _upcoming_sessions(training, today):
        place = session.place
        if place is not None and place.city:
            key = f"L{place.pk}"
            adresse = _address(
                name=place.name,
                street=place.street,
                postal_code=place.postal_code,
                city=place.city,
                accessibility=place.accessibility,
            )
        else:
            key, adresse = "L0", org_address
        group = groups.get(key) or _PlaceGroup(key=key, adresse=adresse, sessions=())
        groups[key] = _PlaceGroup(key=key, adresse=adresse, sessions=(*group.sessions, session))
    hours = training.duration_minutes // 60 if training.duration_minutes else None
    prerequisites = training.prerequisites.strip()
    on_demand = not groups
    if on_demand:
        groups["L0"] = _PlaceGroup(key="L0", adresse=org_address, sessions=())
    vat = org.vat_rate_bp
    price = training.price_inter_cents
    cert = certification(training)
    accessibility = training.accessibility.strip()
    referent = _disability_contact(org)
    if referent is not None:
        accessibility = " ".join(
            [accessibility, _("Référent·e handicap : %(name)s.") % {"name": org.disability_referent_name}]
        ).strip()
    actions = []
    for group in groups.values():
        place_contact = lheo.Contact(
            prenom=contact.prenom,
            nom=contact.nom,
            adresse=group.adresse,
            telephone=contact.telephone,
            courriel=contact.courriel,
        )
        if on_demand:
            sessions: tuple[lheo.Session, ...] = (
                lheo.Session(
                    numero=f"S{training.pk}-0",
                    datecrea=training.created_at.date(),
                    datemaj=training.updated_at.date(),
                    adresse_inscription=org_address,
                    modalites_inscription=_("Sessions sur demande : contactez l'organisme."),
                ),
            )
        else:
            sessions = tuple(_session(training, s, group.adresse) for s in group.sessions)
        actions.append(
            lheo.Action(
                numero=f"A{training.pk}-{group.key}",
                datecrea=training.created_at.date(),
                datemaj=training.updated_at.date(),
                rythme_formation=_("%(d)s de formation, selon le calendrier de chaque session.")
                % {"d": format_minutes(training.duration_minutes) or _("Durée à préciser")},
                codes_public_vise=(PUBLIC_ALL,),
                info_public_vise=training.audience,
                modalites_enseignement=_MODALITY.get(training.modality, lheo.ON_SITE),
                conditions_specifiques=prerequisites or _("Aucun prérequis."),
                sessions=sessions,
                lieux=(lheo.Lieu(coordonnees=place_contact),),
                modalites_entrees_sorties="1" if on_demand else "0",
                url=_public_url(training),
                acces_handicapes=accessibility,
                modalites_recrutement=training.access_delay,
                modalites_pedagogiques=str(Modality(training.modality).label)
                if training.modality in Modality.values
                else "",
                prix_total_ttc_cents=None if price is None else price + price * vat // 10000,
                prix_ht_cents=price,
                taux_tva_bp=vat,
                duree_indicative=format_minutes(training.duration_minutes),
                nombre_heures_centre=0 if training.modality == Modality.WORK_BASED else hours,
                nombre_heures_entreprise=hours if training.modality == Modality.WORK_BASED else 0,
                nombre_heures_total=hours,
                contact_information=contact,
                modalites_handicap=accessibility,
                info_admission=training.access_delay,
                existence_prerequis=bool(prerequisites) and prerequisites.lower().rstrip(".") not in {"aucun", "néant"},
            )
        )
    level = training.rncp_level
    return lheo.Formation(
        numero=f"F{training.pk}",
        datecrea=training.created_at.date(),
        datemaj=training.updated_at.date(),
        intitule=training.title,
        objectif=_objectives(training),
        resultats_attendus=_results(training),
        contenu=training.content or training.summary,
        certifiante=cert is not None,
        contacts=tuple(c for c in (contact, referent) if c is not None),
        actions=tuple(actions),
        organisme=organisme(org),
        formacodes=(training.formacode,) if training.formacode else (),
        nsf=(training.nsf_code[:3],) if training.nsf_code[:3].isdigit() else (),
        code_niveau_sortie=str(10 + level) if level else "",
        objectif_general=GOAL_CERTIFICATION if cert is not None else GOAL_IMPROVEMENT,
        certifications=(cert,) if cert is not None else (),
        url=_public_url(training),
        resume=training.summary,
        blocs=blocks(training) if cert is not None else (),
    )


def formations(trainings: list[Training], *, today: dt.date) -> list[lheo.Formation]:
    return [formation(t, today=today) for t in trainings]


# ---- The CPF completeness check -------------------------------------------------------------------------------

# What each problem key asks to fix, and where: the training's form or the organisation's settings.
_TRAINING, _ORGANISATION = "training", "organisation"
_WHAT: dict[str, tuple[str, Callable[[], str]]] = {
    "certification": (
        _TRAINING,
        lambda: _("Le code RNCP ou RS de la certification manque : le CPF ne finance que des certifications."),
    ),
    "title": (_TRAINING, lambda: _("L'intitulé")),
    "objectives": (_TRAINING, lambda: _("Les objectifs")),
    "results": (_TRAINING, lambda: _("Les modalités d'évaluation (résultats attendus)")),
    "content": (_TRAINING, lambda: _("Le contenu")),
    "prerequisites": (_TRAINING, lambda: _("Les prérequis")),
    "accessibility": (_TRAINING, lambda: _("L'accessibilité aux personnes en situation de handicap")),
    "price": (_TRAINING, lambda: _("Le prix inter par stagiaire")),
    "siret": (_ORGANISATION, lambda: _("Le SIRET de l'organisme")),
    "place": (_ORGANISATION, lambda: _("L'adresse du lieu de formation (ou de l'organisme)")),
    "contact": (_ORGANISATION, lambda: _("Le contact de l'organisme")),
    "contact_name": (
        _ORGANISATION,
        lambda: _("Le nom et le prénom du ou de la dirigeant·e (contact du lieu de formation)"),
    ),
    "contact_phone": (_ORGANISATION, lambda: _("Le téléphone de l'organisme (chiffres seulement, 15 au plus)")),
    "contact_email": (_ORGANISATION, lambda: _("L'e-mail de l'organisme")),
}


@dataclass(frozen=True)
class Fix:
    """One thing to fix before the CPF export, in French, with the page where to fix it."""

    sentence: str
    url: str
    link_label: str


@dataclass(frozen=True)
class TrainingCheck:
    """One published training seen by the CPF: eligible (certifying) or not, its record, and what to fix."""

    training: Training
    record: lheo.Formation
    eligible: bool
    fixes: tuple[Fix, ...]

    @property
    def ready(self) -> bool:
        return self.eligible and not self.fixes


def _sentence(problem: EdofProblem) -> str:
    label = _WHAT[problem.key][1]() if problem.key in _WHAT else problem.element
    if problem.key == "certification":
        return (
            label if problem.detail.startswith("code") else _("Le code de certification %(d)s.") % {"d": problem.detail}
        )
    if problem.detail in {"manquant", "manquante"}:
        return _("%(what)s manque.") % {"what": label}
    if "caractères" in problem.detail:
        return _("%(what)s est trop long pour le CPF : %(detail)s.") % {"what": label, "detail": problem.detail}
    return _("%(what)s : %(detail)s.") % {"what": label, "detail": problem.detail}


def edof_check(trainings: list[Training], *, today: dt.date) -> list[TrainingCheck]:
    """Per published training, what the CPF requires and is missing, with a link to fix it.

    A non-certifying training is not eligible to the CPF (L6323-6): it is listed, not exported, and blocks nothing."""
    checks = []
    for training in trainings:
        org = training.organisation
        record = formation(training, today=today)
        eligible = training.certification_kind != CertificationKind.NONE
        fixes = []
        for problem in edof_problems(record) if eligible else []:
            where = _WHAT[problem.key][0] if problem.key in _WHAT else _TRAINING
            if where == _ORGANISATION:
                url, label = reverse("org:settings", kwargs={"org": org.slug}), _("Réglages de l'organisme")
            else:
                url = reverse("catalogue:edit", kwargs={"org": org.slug, "pk": training.pk})
                label = _("Modifier la formation")
            fixes.append(Fix(sentence=_sentence(problem), url=url, link_label=label))
        checks.append(TrainingCheck(training=training, record=record, eligible=eligible, fixes=tuple(fixes)))
    return checks


def edof_blocked(checks: list[TrainingCheck]) -> bool:
    """Nothing is written while an eligible training has something to fix, or when none is eligible."""
    return not any(c.eligible for c in checks) or any(c.eligible and c.fixes for c in checks)


def edof_file(checks: list[TrainingCheck], *, today: dt.date) -> bytes:
    """The EDOF import file of the eligible trainings (call only when `edof_blocked` is False)."""
    return write_edof([c.record for c in checks if c.eligible], generated_on=today)


def lheo_file(trainings: list[Training], *, today: dt.date) -> bytes:
    """The LHEO 2.3 document of the published trainings (`LheoError` when there is none or a value is refused)."""
    return lheo.write_lheo(formations(trainings, today=today), generated_on=today)
