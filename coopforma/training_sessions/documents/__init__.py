# SPDX-License-Identifier: AGPL-3.0-or-later
"""The document kinds of a session (issue #3): convention, contract, programme, convocation, règlement
intérieur, attendance sheet, certificat de réalisation, attestation de fin de formation, quote.

Each kind turns its subject (an enrolment, a session or a participant) into plain data already formatted in
French (dates "02/03/2026", hours "7 h 30", money "1 400,00 €"), lists what it lacks with the page that fixes
it, and carries the resolvers the generic documents engine uses to check that an actor may see the subject
(`extra["resolve"]`, `extra["resolve_session"]`, `extra["subjects_for_session"]`). The engine (documents) is
above this app in the layers: it never imports this module; `TrainingSessionsConfig.ready()` registers it.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from coopforma.accounts.models import Organisation, QualiopiCategory, VatRegime
from coopforma.accounts.selectors import signatory_context
from coopforma.catalogue.models import CertificationKind, Modality
from coopforma.core.formatting import WEEKDAYS, fr_date, fr_hours, fr_money, fr_time
from coopforma.core.legal import NDA_DISCLAIMER, nda_mention
from coopforma.core.money import VAT_EXEMPT_MENTION, vat_cents, vat_mention
from coopforma.documents.default_templates import load_default
from coopforma.documents.registry import DocumentKind, Keyword, Missing, register
from coopforma.people.models import ClientKind
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    FundingBasis,
    FundingLine,
    Participant,
    ParticipantStatus,
    PayerKind,
    Session,
    Slot,
)

# --- Helpers ------------------------------------------------------------------------------------------------


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org": org.slug, **kwargs})


# --- Batches ------------------------------------------------------------------------------------------------

_BATCH: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("session_documents_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, what every document of a session shares (the organisation, the session with its slots,
    trainers and trainees, a client, the checks of missing data) is read and built once, not once per document:
    the documents engine enters it around a bulk generation and the session documents page (`extra["batch"]`).
    Outside a batch nothing is cached, so a single document always reads fresh data."""
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def _memo(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    cache = _BATCH.get()
    if cache is None:
        return build()
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _organisation(obj: Session | Enrolment | Participant) -> Organisation:
    """The organisation of a record (read once per batch)."""
    return _memo(("organisation", obj.organisation_id), lambda: obj.organisation)


# --- Data blocks --------------------------------------------------------------------------------------------


# The nature of the action as the documents state it (Code du travail L6313-1: the four categories of actions
# concourant au développement des compétences), with its article.
CATEGORY_WORDING = {
    QualiopiCategory.TRAINING: ("action de formation", "article L6313-1, 1° du Code du travail"),
    QualiopiCategory.SKILLS_ASSESSMENT: ("bilan de compétences", "article L6313-1, 2° du Code du travail"),
    QualiopiCategory.VAE: (
        "action permettant de faire valider les acquis de l'expérience",
        "article L6313-1, 3° du Code du travail",
    ),
    QualiopiCategory.APPRENTICESHIP: (
        "action de formation par apprentissage",
        "article L6313-1, 4° du Code du travail",
    ),
}


def category_data(category: str) -> dict[str, Any]:
    """The nature of the action (a training's `action_category`) as printed: label, article, flags."""
    label, article = CATEGORY_WORDING.get(category, CATEGORY_WORDING[QualiopiCategory.TRAINING])
    return {
        "category": category,
        "category_label": label,
        "category_label_capitalised": label[:1].upper() + label[1:],
        "category_article": article,
        "is_skills_assessment": category == QualiopiCategory.SKILLS_ASSESSMENT,
        "is_vae": category == QualiopiCategory.VAE,
        "is_apprenticeship": category == QualiopiCategory.APPRENTICESHIP,
    }


def organisation_data(org: Organisation, *, category: str | None = None) -> dict[str, Any]:
    """The organisation as printed. With `category` (the nature of the action the document is about), the
    Qualiopi mark is printed only if the certificate is valid today (the day of issue) and covers that
    category; without it, only if the certificate is valid."""
    return _memo(("organisation_data", org.pk, category), lambda: _organisation_data(org, category))


def _organisation_data(org: Organisation, category: str | None = None) -> dict[str, Any]:
    exempt = org.vat_regime == VatRegime.EXEMPT
    # The day of issue: a document is a snapshot, printed once (STYLE: issued documents are immutable).
    with translation.override("fr"):
        qualiopi = org.qualiopi_mark(category, timezone.localdate())
    return {
        "name": org.name,
        "legal_form": org.legal_form,
        "siret": org.siret,
        "naf_code": org.naf_code,
        "nda": org.nda,
        "nda_region": org.nda_region,
        "nda_mention": nda_mention(org.nda, org.nda_region),
        "address": org.address,
        "street": org.street,
        "postal_code": org.postal_code,
        "city": org.city,
        "phone": org.phone,
        "email": org.email,
        "website": org.website,
        "head_name": org.head_name,
        "head_title": org.head_title or "Représentant·e légal·e",
        **signatory_context(org),
        "disability_referent": org.disability_referent_name,
        "disability_referent_email": org.disability_referent_email,
        "disability_referent_phone": org.disability_referent_phone,
        "consumer_mediator": org.consumer_mediator_name,
        "consumer_mediator_website": org.consumer_mediator_website,
        "qualiopi": qualiopi,
        "qualiopi_certified": bool(qualiopi),
        "vat_exempt": exempt,
        "vat_mention": vat_mention(org.vat_rate_bp),
        "vat_number": org.vat_number,
    }


def _slots(session: Session) -> list[Slot]:
    return list(session.slots.select_related("place").prefetch_related("trainers").order_by("starts_at"))


def _trainers(session: Session) -> list[dict[str, str]]:
    return [
        {
            "full_name": t.full_name,
            "qualifications": t.qualifications or t.specialities or "",
            "specialities": t.specialities,
            "email": t.email,
        }
        for t in session.trainers.order_by("last_name", "first_name")
    ]


def _participants(session: Session) -> list[Participant]:
    return _memo(("participants", session.pk), lambda: _participants_query(session))


def _participants_query(session: Session) -> list[Participant]:
    return list(
        session.participants.exclude(status=ParticipantStatus.CANCELLED)
        .exclude(enrolment__status=EnrolmentStatus.CANCELLED)
        .select_related("trainee", "enrolment__client")
        .order_by("trainee__last_name", "trainee__first_name")
    )


def _trainee_row(p: Participant) -> dict[str, str]:
    t = p.trainee
    return {
        "full_name": t.full_name,
        "first_name": t.first_name,
        "last_name": t.last_name,
        "email": t.email,
        "employer": p.enrolment.client.name if p.enrolment.client.kind != ClientKind.INDIVIDUAL else "",
    }


def _session_category(session: Session) -> str:
    """The nature of the session's action: its training's category (L6313-1)."""
    return _memo(("session_category", session.pk), lambda: session.training.action_category)


def session_data(session: Session) -> dict[str, Any]:
    return _memo(("session_data", session.pk), lambda: _session_data(session))


def _session_data(session: Session) -> dict[str, Any]:
    programme = session.programme or {}
    slots = _slots(session)
    minutes = sum(s.minutes for s in slots)
    place = session.place
    modality_code = programme.get("modality") or Modality.ON_SITE
    modality = str(Modality(modality_code).label) if modality_code in Modality.values else modality_code
    certification = programme.get("certification_kind") or CertificationKind.NONE
    certification_label = (
        str(CertificationKind(certification).label) if certification in CertificationKind.values else ""
    )
    if certification != CertificationKind.NONE and programme.get("certification_code"):
        certification_label += f" — {programme['certification_code']}"
    start = slots[0].starts_at if slots else None
    end = slots[-1].ends_at if slots else None
    participants = _participants(session)
    trainers = _trainers(session)
    session_trainers = ", ".join(t["full_name"] for t in trainers)
    days: list[str] = []
    for slot in slots:
        day = fr_date(slot.starts_at)
        if day not in days:
            days.append(day)
    training = session.training
    code = (programme.get("certification_code") or "").strip()
    register = {CertificationKind.RNCP: "rncp", CertificationKind.RS: "rs"}.get(certification, "")
    number = "".join(c for c in code if c.isdigit())
    level = programme.get("rncp_level")
    return {
        **category_data(_session_category(session)),
        "id": session.pk,
        "title": session.title,
        "reference": f"S-{session.pk:05d}",
        "access_delay": training.access_delay,
        "price_inter": fr_money(training.price_inter_cents) if training.price_inter_cents else "",
        "price_intra": fr_money(training.price_intra_cents) if training.price_intra_cents else "",
        "is_certifying": certification != CertificationKind.NONE,
        "certification_code": code,
        "certification_level": f"niveau {level}" if level else "",
        "certification_url": f"https://www.francecompetences.fr/recherche/{register}/{number}/"
        if register and number
        else "",
        "is_distance": modality_code in (Modality.REMOTE, Modality.HYBRID) or any(s.is_remote for s in slots),
        # The programme's own date: when the training (its programme) was validated, else last changed.
        "programme_date": fr_date(training.validated_at or training.updated_at),
        "summary": programme.get("summary", ""),
        "objectives": [str(o) for o in programme.get("objectives") or [] if str(o).strip()],
        "audience": programme.get("audience", ""),
        "prerequisites": programme.get("prerequisites", "") or "Aucun prérequis.",
        "content": programme.get("content", ""),
        "methods": programme.get("methods", ""),
        "evaluation_methods": programme.get("evaluation_methods", ""),
        "accessibility": programme.get("accessibility", ""),
        "modality": modality,
        "is_remote": modality_code == Modality.REMOTE,
        "certification": certification_label or "Action non certifiante",
        "start_date": fr_date(start),
        "end_date": fr_date(end),
        "period": f"du {fr_date(start)} au {fr_date(end)}" if start else "",
        "duration": fr_hours(minutes),
        "duration_minutes": minutes,
        "days": len(days),
        "place": place.name if place else ("À distance" if session.remote_url else ""),
        "place_address": place.address if place else "",
        "place_accessibility": place.accessibility if place else "",
        "remote_url": session.remote_url,
        "trainee_count": len(participants)
        + sum(e.entrusted_trainees for e in session.enrolments.exclude(status=EnrolmentStatus.CANCELLED)),
        "max_capacity": session.max_capacity,
        "trainers": trainers,
        "all_remote": bool(slots) and all(s.is_remote for s in slots),
        "any_remote": any(s.is_remote for s in slots),
        "slots": [
            {
                "date": fr_date(s.starts_at),
                "weekday": WEEKDAYS[timezone.localtime(s.starts_at).weekday()],
                "start": fr_time(s.starts_at),
                "end": fr_time(s.ends_at),
                "duration": fr_hours(s.minutes),
                "half_day": "Matin" if s.half_day == "am" else "Après-midi",
                "place": s.place.name if s.place else (place.name if place else "À distance"),
                # Each half-day's own trainers (the attendance sheet names who taught it), else the session's.
                "trainers": ", ".join(t.full_name for t in s.trainers.all()) or session_trainers,
                "id": s.pk,
                "is_remote": s.is_remote,
            }
            for s in slots
        ],
        "trainees": [_trainee_row(p) for p in participants],
    }


def client_data(enrolment: Enrolment) -> dict[str, Any]:
    return _memo(("client_data", enrolment.pk), lambda: _client_data(enrolment))


def _client_data(enrolment: Enrolment) -> dict[str, Any]:
    client = enrolment.client
    contact = enrolment.contact or client.contacts.filter(is_signatory=True).first()
    return {
        "name": client.name,
        "kind": str(ClientKind(client.kind).label),
        "is_individual": client.kind == ClientKind.INDIVIDUAL,
        "is_training_org": client.kind == ClientKind.TRAINING_ORG,
        "is_public_body": client.kind == ClientKind.PUBLIC_BODY,
        "siret": client.siret,
        "nda": client.nda,
        "address": _join(client.street, f"{client.postal_code} {client.city}".strip()),
        "email": client.email,
        "phone": client.phone,
        "contact_name": str(contact) if contact else "",
        "contact_title": contact.job_title if contact else "",
        # Where the signature link goes: the signatory's e-mail, else the client's.
        "contact_email": (contact.email if contact else "") or client.email,
    }


def funding_basis_text(line: FundingLine) -> str:
    """The funding line's billing basis as the convention prints it (Code du travail L6354-1)."""
    if line.basis == FundingBasis.HOURS:
        text = "facturé aux heures réalisées"
    elif line.basis == FundingBasis.DROPOUT_CLAUSE:
        text = (
            "facturé aux heures réalisées ; en cas d'abandon, "
            f"dédit de {line.dropout_fee_percent} % des heures non réalisées"
        )
    else:
        return "prix forfaitaire, dû en entier"
    if line.hourly_rate_cents:
        text += f", au taux de {fr_money(line.hourly_rate_cents)} HT par heure-stagiaire"
    return text


def enrolment_data(enrolment: Enrolment, *, issued: dt.date) -> dict[str, Any]:
    org = _organisation(enrolment)
    price = enrolment.price_cents
    vat = vat_cents(price, org.vat_rate_bp)
    lines = list(enrolment.funding_lines.order_by("id"))
    funded = sum(line.amount_cents for line in lines)
    participants = [
        p
        for p in enrolment.participants.select_related("trainee").order_by("trainee__last_name")
        if p.status != ParticipantStatus.CANCELLED
    ]
    count = len(participants) or enrolment.entrusted_trainees
    return {
        "id": enrolment.pk,
        # From the record (the enrolment's creation), never the day of rendering: a 2025 convention stays 2025-….
        "reference": f"{timezone.localtime(enrolment.created_at):%Y}-{enrolment.pk:05d}",
        "price": fr_money(price),
        "price_cents": price,
        "vat": fr_money(vat),
        "price_ttc": fr_money(price + vat),
        "advance_max": fr_money(price * 30 // 100),
        "funded": fr_money(funded),
        "remaining": fr_money(price - funded),
        "trainee_count": count,
        "trainees": [{"full_name": p.trainee.full_name} for p in participants],
        "funding_lines": [
            {
                "payer": line.payer_name or str(PayerKind(line.payer_kind).label),
                "scheme": line.get_scheme_display() if line.scheme else "",
                "amount": fr_money(line.amount_cents),
                "reference": line.reference,
                "basis": funding_basis_text(line),
            }
            for line in lines
        ],
        "valid_until": fr_date(issued + dt.timedelta(days=30)),
        "schedule": [
            {
                "label": i.label,
                "due": fr_date(i.due_on) if i.due_on else "à l'expiration du délai de rétractation",
                "amount": fr_money(i.amount_cents),
            }
            for i in selectors.individual_payment_schedule(enrolment)
        ],
        "cpf_funded": any(line.payer_kind == PayerKind.CPF for line in lines),
        # L221-25 Code de la consommation: a training starting within 14 days of the contract starts, at the
        # trainee's express request, before the end of the withdrawal period.
        "starts_within_withdrawal": bool(
            enrolment.session.start_date
            and enrolment.session.start_date <= issued + dt.timedelta(days=selectors.DISTANCE_WITHDRAWAL_DAYS)
        ),
    }


def _document_data(org: Organisation) -> dict[str, str]:
    today = timezone.localdate()
    return {"date": fr_date(today), "place": org.city or ""}


# --- Contexts -----------------------------------------------------------------------------------------------


def enrolment_context(enrolment: Enrolment) -> dict[str, Any]:
    org = _organisation(enrolment)
    return {
        "organisation": organisation_data(org, category=_session_category(enrolment.session)),
        "session": session_data(enrolment.session),
        "client": client_data(enrolment),
        "enrolment": enrolment_data(enrolment, issued=timezone.localdate()),
        "document": _document_data(org),
    }


def session_context(session: Session) -> dict[str, Any]:
    org = _organisation(session)
    return {
        "organisation": organisation_data(org, category=_session_category(session)),
        "session": session_data(session),
        "document": _document_data(org),
    }


def subcontracting_context(session: Session) -> dict[str, Any]:
    """The session entrusted to another OF, with that OF (Qualiopi indicator 27)."""
    return {
        **session_context(session),
        "subcontractor": {
            "name": session.subcontractor_name,
            "siret": session.subcontractor_siret,
            "nda": session.subcontractor_nda,
        },
    }


def participant_context(participant: Participant) -> dict[str, Any]:
    org = _organisation(participant)
    session = session_data(participant.session)
    enrolment = participant.enrolment
    row = _trainee_row(participant)
    row.update(
        {
            "job_title": participant.trainee.job_title,
            "hours": session["duration"],
            "hours_minutes": session["duration_minutes"],
            "status": participant.get_status_display(),
            # Until attendance (a lower app, through its context provider) says otherwise: the planned period,
            # provisional.
            "first_date": session["start_date"],
            "last_date": session["end_date"],
            "period": session["period"],
            "provisional": True,
            "provisional_reason": "la formation n'est pas terminée ou son émargement n'est pas clos",
        }
    )
    return {
        "organisation": organisation_data(org, category=session["category"]),
        "session": session,
        "client": client_data(enrolment),
        "trainee": row,
        "certificate": {"nature": session["category"]},
        # Until evaluations (a lower app, through its context provider) brings the trainer's assessment.
        "assessment": {
            "done": False,
            "date": "",
            "method": "",
            "comment": "",
            "objectives": [
                {"objective": o, "result": "Non évalué", "acquired": False, "in_progress": False, "not_acquired": False}
                for o in session["objectives"]
            ],
        },
        "document": _document_data(org),
    }


# --- Missing data -------------------------------------------------------------------------------------------


def _org_missing(org: Organisation, *, head: bool = False, vat: bool = False) -> list[Missing]:
    return list(_memo(("org_missing", org.pk, head, vat), lambda: _org_missing_uncached(org, head=head, vat=vat)))


def _org_missing_uncached(org: Organisation, *, head: bool, vat: bool) -> list[Missing]:
    url = _url("org:settings", org)
    found = []
    if not org.nda:
        found.append(Missing(f"Le numéro de déclaration d'activité (NDA) de {org.name}", url))
    if not org.siret:
        found.append(Missing(f"Le SIRET de {org.name}", url))
    if not org.city or not org.street:
        found.append(Missing(f"L'adresse de {org.name}", url))
    if head and not org.head_name:
        found.append(Missing(f"Le nom du ou de la dirigeant·e de {org.name}", url))
    if vat and org.vat_regime == VatRegime.SUBJECT and not org.vat_number:
        found.append(Missing(f"Le numéro de TVA intracommunautaire de {org.name}", url))
    return found


def _session_missing(session: Session, *, objectives: bool = False, trainers: bool = False) -> list[Missing]:
    key = ("session_missing", session.pk, objectives, trainers)
    return list(_memo(key, lambda: _session_missing_uncached(session, objectives=objectives, trainers=trainers)))


def _session_missing_uncached(session: Session, *, objectives: bool, trainers: bool) -> list[Missing]:
    org = _organisation(session)
    found = []
    if not session.slots.exists():
        found.append(
            Missing(
                f"Les dates et horaires (créneaux) de la session « {session.title} »",
                _url("sessions:detail", org, pk=session.pk),
            )
        )
    if objectives and not [o for o in (session.programme or {}).get("objectives") or [] if str(o).strip()]:
        found.append(
            Missing(
                f"Les objectifs du programme de la session « {session.title} »",
                _url("sessions:programme", org, pk=session.pk),
            )
        )
    if trainers and not session.trainers.exists():
        found.append(
            Missing(
                f"Le ou la formateur·rice de la session « {session.title} »", _url("sessions:edit", org, pk=session.pk)
            )
        )
    return found


def _price_missing(enrolment: Enrolment) -> list[Missing]:
    if enrolment.price_cents:
        return []
    org = _organisation(enrolment)
    return [
        Missing(
            f"Le prix de l'inscription de {enrolment.client.name}",
            _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk),
        )
    ]


def convention_missing(enrolment: Enrolment) -> list[Missing]:
    found = _convention_parties_missing(enrolment)
    if _session_category(enrolment.session) == QualiopiCategory.SKILLS_ASSESSMENT:
        org = _organisation(enrolment)
        found.append(
            Missing(
                "Un bilan de compétences financé par l'employeur fait l'objet d'une convention tripartite avec le ou "
                "la salarié·e (article R6313-8) : établissez la « Convention de bilan de compétences »",
                _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk),
            )
        )
    return found


def _convention_parties_missing(enrolment: Enrolment) -> list[Missing]:
    org = _organisation(enrolment)
    client = enrolment.client
    found = _org_missing(org, head=True, vat=True) + _session_missing(enrolment.session, objectives=True)
    client_url = _url("people:client_update", org, pk=client.pk)
    if client.kind == ClientKind.INDIVIDUAL:
        found.append(
            Missing(
                f"{client.name} est un particulier : établissez un contrat de formation professionnelle",
                _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk),
            )
        )
    elif not client.siret:
        found.append(Missing(f"Le SIRET du client {client.name}", client_url))
    if client.kind == ClientKind.TRAINING_ORG and not client.nda:
        found.append(Missing(f"Le NDA de l'organisme client {client.name}", client_url))
    if not client.city:
        found.append(Missing(f"L'adresse du client {client.name}", client_url))
    return found + _price_missing(enrolment)


def _beneficiaries(enrolment: Enrolment) -> list[Participant]:
    return [
        p
        for p in enrolment.participants.select_related("trainee").order_by("trainee__last_name")
        if p.status != ParticipantStatus.CANCELLED
    ]


def skills_assessment_convention_missing(enrolment: Enrolment) -> list[Missing]:
    """The tripartite convention of a bilan de compétences funded by the employer (R6313-8): one beneficiary,
    who signs it, with an e-mail to receive it."""
    org = _organisation(enrolment)
    found = _convention_parties_missing(enrolment)
    edit_url = _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk)
    if _session_category(enrolment.session) != QualiopiCategory.SKILLS_ASSESSMENT:
        found.append(Missing(f"La session « {enrolment.session.title} » n'est pas un bilan de compétences", edit_url))
    beneficiaries = _beneficiaries(enrolment)
    if len(beneficiaries) != 1:
        found.append(
            Missing(
                "Un·e seul·e bénéficiaire par convention de bilan de compétences (article R6313-8) : "
                f"l'inscription de {enrolment.client.name} en compte {len(beneficiaries)}",
                edit_url,
            )
        )
    elif not beneficiaries[0].trainee.email:
        found.append(
            Missing(
                f"L'e-mail de {beneficiaries[0].trainee.full_name}, qui signe la convention",
                _url("people:trainee_update", org, pk=beneficiaries[0].trainee_id),
            )
        )
    return found


def skills_assessment_context(enrolment: Enrolment) -> dict[str, Any]:
    context = enrolment_context(enrolment)
    beneficiaries = _beneficiaries(enrolment)
    context["trainee"] = _trainee_row(beneficiaries[0]) if beneficiaries else {}
    return context


def _is_cpf_funded(enrolment: Enrolment) -> bool:
    return enrolment.funding_lines.filter(payer_kind=PayerKind.CPF).exists()


def contract_missing(enrolment: Enrolment) -> list[Missing]:
    org = _organisation(enrolment)
    client = enrolment.client
    found = _org_missing(org, head=True) + _session_missing(enrolment.session, objectives=True, trainers=True)
    if not org.consumer_mediator_name:
        # L612-1 and L616-1 Code de la consommation: the consumer is told which mediator they may turn to.
        found.append(Missing(f"Le médiateur de la consommation de {org.name}", _url("org:settings", org)))
    if _is_cpf_funded(enrolment):
        found.append(
            Missing(
                f"{client.name} finance sa formation par son CPF : pas de contrat, les conditions générales de "
                "Mon Compte Formation en tiennent lieu",
                _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk),
            )
        )
    if client.kind != ClientKind.INDIVIDUAL:
        found.append(
            Missing(
                f"{client.name} n'est pas un particulier : établissez une convention de formation",
                _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk),
            )
        )
    elif not client.city:
        found.append(Missing(f"L'adresse de {client.name}", _url("people:client_update", org, pk=client.pk)))
    return found + _price_missing(enrolment)


def quote_missing(enrolment: Enrolment) -> list[Missing]:
    found = (
        _org_missing(_organisation(enrolment), vat=True)
        + _session_missing(enrolment.session)
        + _price_missing(enrolment)
    )
    if enrolment.client.kind == ClientKind.INDIVIDUAL and _is_cpf_funded(enrolment):
        org = _organisation(enrolment)
        found.append(
            Missing(
                f"{enrolment.client.name} finance sa formation par son CPF : pas de devis, la commande se passe sur "
                "Mon Compte Formation",
                _url("sessions:enrolment_edit", org, pk=enrolment.session_id, enrolment_pk=enrolment.pk),
            )
        )
    return found


def programme_missing(session: Session) -> list[Missing]:
    return _org_missing(_organisation(session)) + _session_missing(session, objectives=True)


def subcontracting_missing(session: Session) -> list[Missing]:
    org = _organisation(session)
    url = _url("sessions:edit", org, pk=session.pk)
    found = _org_missing(org, head=True) + _session_missing(session, objectives=True)
    if not session.subcontracted_out:
        found.append(Missing(f"La session « {session.title} » n'est pas confiée à un autre organisme", url))
    for value, what in (
        (session.subcontractor_name, "Le nom de l'organisme sous-traitant"),
        (session.subcontractor_siret, "Le SIRET de l'organisme sous-traitant"),
        (session.subcontractor_nda, "Le numéro de déclaration d'activité (NDA) de l'organisme sous-traitant"),
    ):
        if not value:
            found.append(Missing(f"{what} (session « {session.title} »)", url))
    return found


def rules_missing(session: Session) -> list[Missing]:
    return _org_missing(_organisation(session), head=True)


def attendance_missing(session: Session) -> list[Missing]:
    found = _org_missing(_organisation(session)) + _session_missing(session, trainers=True)
    if not _participants(session):
        found.append(
            Missing(
                f"Les stagiaires de la session « {session.title} »",
                _url("sessions:participant_create", _organisation(session), pk=session.pk),
            )
        )
    return found


def _place_missing(session: Session) -> list[Missing]:
    return list(_memo(("place_missing", session.pk), lambda: _place_missing_uncached(session)))


def _place_missing_uncached(session: Session) -> list[Missing]:
    if session.place_id or session.remote_url or session.slots.filter(place__isnull=False).exists():
        return []
    return [
        Missing(
            f"Le lieu ou le lien de connexion de la session « {session.title} »",
            _url("sessions:edit", _organisation(session), pk=session.pk),
        )
    ]


def convocation_missing(participant: Participant) -> list[Missing]:
    session = participant.session
    found = _org_missing(_organisation(session)) + _session_missing(session) + _place_missing(session)
    if not participant.trainee.email:
        found.append(
            Missing(
                f"L'e-mail de {participant.trainee.full_name} (pour lui envoyer sa convocation)",
                _url("people:trainee_update", _organisation(session), pk=participant.trainee_id),
            )
        )
    return found


def certificate_missing(participant: Participant) -> list[Missing]:
    session = participant.session
    return _org_missing(_organisation(session), head=True) + _session_missing(session)


def attestation_missing(participant: Participant) -> list[Missing]:
    session = participant.session
    return _org_missing(_organisation(session), head=True) + _session_missing(session, objectives=True)


# --- Resolvers (used by the generic engine to check visibility) ---------------------------------------------


def _resolve_session(actor: Any, session_id: int) -> Session:
    return selectors.session_get(actor=actor, session_id=int(session_id))


def _resolve_enrolment(actor: Any, subject_id: int) -> Enrolment:
    return selectors.enrolment_get(actor=actor, enrolment_id=int(subject_id))


def _resolve_participant(actor: Any, subject_id: int) -> Participant:
    return selectors.participant_get(actor=actor, participant_id=int(subject_id))


def _enrolments_of(actor: Any, session_id: int) -> list[Enrolment]:
    return [
        e for e in selectors.enrolment_list(actor=actor, session_id=session_id) if e.status != EnrolmentStatus.CANCELLED
    ]


def _participants_of(actor: Any, session_id: int) -> list[Participant]:
    return [
        p
        for p in selectors.participant_list(actor=actor, session_id=session_id)
        if p.status != ParticipantStatus.CANCELLED
    ]


def _session_itself(actor: Any, session_id: int) -> list[Session]:
    return [_resolve_session(actor, session_id)]


def _enrolment_applies(kind: str) -> Callable[[Enrolment], bool]:
    def applies(enrolment: Enrolment) -> bool:
        individual = enrolment.client.kind == ClientKind.INDIVIDUAL
        bilan = _session_category(enrolment.session) == QualiopiCategory.SKILLS_ASSESSMENT
        if kind == "contract":  # never for a CPF-funded enrolment: the platform's terms govern
            return individual and not _is_cpf_funded(enrolment)
        if kind == "convention":
            return not individual and not bilan
        if kind == "skills_assessment_convention":
            return not individual and bilan
        if kind == "quote":  # a CPF holder orders on Mon Compte Formation
            return not (individual and _is_cpf_funded(enrolment))
        return True

    return applies


def _session_trainees(session_id: int) -> list[tuple[str, str]]:
    """(name, e-mail) of each trainee of the session (not cancelled) who has an e-mail: who a document of the whole
    session (programme, règlement intérieur) is diffused to. Unscoped: the caller checked the staff member."""
    rows = (
        Participant.objects.filter(session_id=session_id)
        .exclude(status=ParticipantStatus.CANCELLED)
        .exclude(enrolment__status=EnrolmentStatus.CANCELLED)
        .exclude(trainee__email="")
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name")
    )
    return [(p.trainee.full_name, p.trainee.email) for p in rows]


def _all_enrolments(session_id: int) -> list[Enrolment]:
    """Unscoped (the command line runs as the operator): the non-cancelled enrolments of the session."""
    qs = Enrolment.objects.filter(session_id=session_id).exclude(status=EnrolmentStatus.CANCELLED)
    return list(qs.select_related("session", "client", "contact").order_by("created_at"))


def _all_participants(session_id: int) -> list[Participant]:
    qs = Participant.objects.filter(session_id=session_id).exclude(status=ParticipantStatus.CANCELLED)
    return list(qs.select_related("session", "trainee", "enrolment__client"))


def _all_session(session_id: int) -> list[Session]:
    return list(Session.objects.filter(pk=session_id))


PREVIEW_LIMIT = 10


def _recent_sessions(actor: Any) -> Any:
    return selectors.session_queryset_for(actor).exclude(status="cancelled").order_by("-start_date", "-pk")


def _preview_enrolments(actor: Any) -> list[tuple[str, Enrolment]]:
    """Recent enrolments the actor may see, to preview a template on real data."""
    enrolments = (
        Enrolment.objects.filter(session__in=_recent_sessions(actor)[:PREVIEW_LIMIT])
        .exclude(status="cancelled")
        .select_related("client", "session")
        .order_by("-session__start_date", "pk")[:PREVIEW_LIMIT]
    )
    return [(f"{e.client.name} — {e.session}", e) for e in enrolments]


def _preview_sessions(actor: Any) -> list[tuple[str, Session]]:
    return [(str(s), s) for s in _recent_sessions(actor)[:PREVIEW_LIMIT]]


def _preview_participants(actor: Any) -> list[tuple[str, Participant]]:
    participants = (
        Participant.objects.filter(session__in=_recent_sessions(actor)[:PREVIEW_LIMIT])
        .exclude(status=ParticipantStatus.CANCELLED)
        .select_related("trainee", "session", "enrolment__client")
        .order_by("-session__start_date", "trainee__last_name")[:PREVIEW_LIMIT]
    )
    return [(f"{p.trainee.full_name} — {p.session}", p) for p in participants]


SUBJECT_HOOKS: dict[str, dict[str, Any]] = {
    "enrolment": {
        "resolve": _resolve_enrolment,
        "session_id": lambda e: e.session_id,
        "label": lambda e: e.client.name,
        "subjects_for_session": _enrolments_of,
        "operator_subjects": _all_enrolments,
        "preview_subjects": _preview_enrolments,
    },
    "session": {
        "resolve": _resolve_session,
        "session_id": lambda s: s.pk,
        "label": lambda s: s.title,
        "subjects_for_session": _session_itself,
        "operator_subjects": _all_session,
        "preview_subjects": _preview_sessions,
    },
    "participant": {
        "resolve": _resolve_participant,
        "session_id": lambda p: p.session_id,
        "label": lambda p: p.trainee.full_name,
        "subjects_for_session": _participants_of,
        "operator_subjects": _all_participants,
        "preview_subjects": _preview_participants,
    },
}


# --- Keywords -----------------------------------------------------------------------------------------------

K = Keyword

ORGANISATION_KEYWORDS = (
    K("organisation.name", "Dénomination de l'organisme de formation", "Coop Formation Bretagne"),
    K("organisation.legal_form", "Forme juridique", "SCIC SAS"),
    K("organisation.siret", "SIRET de l'organisme", "73282932000074"),
    K("organisation.naf_code", "Code NAF", "85.59A"),
    K("organisation.nda", "Numéro de déclaration d'activité (NDA)", "53350999935"),
    K("organisation.nda_region", "Région du NDA", "Bretagne"),
    K(
        "organisation.nda_mention",
        "Mention légale du NDA (avec « Cet enregistrement ne vaut pas agrément de l'État. »)",
        "Déclaration d'activité enregistrée sous le numéro 53350999935 auprès du préfet de région Bretagne. "
        + NDA_DISCLAIMER,
    ),
    K("organisation.address", "Adresse complète", "12 rue de la Coopération, 35000 Rennes"),
    K("organisation.street", "Rue", "12 rue de la Coopération"),
    K("organisation.postal_code", "Code postal", "35000"),
    K("organisation.city", "Ville", "Rennes"),
    K("organisation.phone", "Téléphone", "02 99 00 00 00"),
    K("organisation.email", "E-mail", "contact@coop-formation.example"),
    K("organisation.website", "Site web", "https://coop-formation.example"),
    K("organisation.head_name", "Dirigeant·e (nom et prénom)", "Camille Martin"),
    K("organisation.head_title", "Qualité du ou de la dirigeant·e", "Gérante"),
    K("organisation.signatory_name", "Personne qui signe pour l'organisme", "Camille Martin"),
    K("organisation.signatory_title", "Fonction de la personne qui signe", "Gérante"),
    K("organisation.signatory_email", "E-mail de la personne qui signe", "camille@coop-formation.example"),
    K("organisation.signatory_is_delegate", "Signe par délégation (oui/non, pour un {% if %})", False),
    K("organisation.signatory_delegation_date", "Date de la délégation de signature", ""),
    K(
        "organisation.signatory_mention",
        "Mention sous la signature (nom, fonction, délégation et sa date)",
        "Camille Martin, Gérante, représentant·e légal·e",
    ),
    K("organisation.signatory", "Qui signe (head : représentant·e légal·e, delegate : délégataire)", "head"),
    K("organisation.disability_referent", "Référent·e handicap", "Dominique Leroy"),
    K("organisation.disability_referent_email", "E-mail du ou de la référent·e handicap", "handicap@coop.example"),
    K("organisation.disability_referent_phone", "Téléphone du ou de la référent·e handicap", "02 99 00 00 01"),
    K("organisation.consumer_mediator", "Médiateur de la consommation", "CM2C, 49 rue de Ponthieu, 75008 Paris"),
    K("organisation.consumer_mediator_website", "Site du médiateur de la consommation", "https://www.cm2c.net"),
    K(
        "organisation.qualiopi",
        "Mention de la certification Qualiopi (vide si le certificat n'est pas en cours de validité ou ne couvre "
        "pas la nature de l'action)",
        "Certifié Qualiopi (certificat n° QUA-1234, valable jusqu'au 17/03/2027). La certification qualité a été "
        "délivrée au titre de la ou des catégories d'actions suivantes : actions de formation.",
    ),
    K("organisation.qualiopi_certified", "Certifié Qualiopi (oui/non, pour un {% if %})", True),
    K("organisation.vat_exempt", "Exonéré de TVA (oui/non, pour un {% if %})", True),
    K("organisation.vat_mention", "Mention de TVA (exonération art. 261-4-4° a du CGI ou taux)", VAT_EXEMPT_MENTION),
    K("organisation.vat_number", "N° de TVA intracommunautaire", ""),
)

SESSION_KEYWORDS = (
    K("session.id", "Numéro de la session", 42),
    K("session.title", "Intitulé de l'action", "Animer une réunion coopérative"),
    K("session.category", "Nature de l'action, code (pour un {% if %} : training, skills_assessment…)", "training"),
    K("session.category_label", "Nature de l'action (L6313-1)", "action de formation"),
    K("session.category_label_capitalised", "Nature de l'action, avec une majuscule", "Action de formation"),
    K(
        "session.category_article",
        "Article du Code du travail de la nature de l'action",
        "article L6313-1, 1° du Code du travail",
    ),
    K("session.is_skills_assessment", "Bilan de compétences (oui/non, pour un {% if %})", False),
    K("session.is_vae", "Action de VAE (oui/non, pour un {% if %})", False),
    K("session.is_apprenticeship", "Action de formation par apprentissage (oui/non, pour un {% if %})", False),
    K("session.reference", "Référence de la session", "S-00042"),
    K("session.summary", "Présentation", "Deux jours pour apprendre à faciliter une réunion."),
    K(
        "session.objectives",
        "Objectifs (liste : {% for objective in session.objectives %})",
        ["Préparer un ordre du jour", "Faciliter une prise de décision"],
    ),
    K("session.audience", "Public visé", "Salarié·es et associé·es de coopératives"),
    K("session.prerequisites", "Prérequis", "Aucun prérequis."),
    K("session.content", "Contenu (déroulé)", "Jour 1 : préparer. Jour 2 : animer."),
    K("session.methods", "Méthodes pédagogiques et moyens", "Apports, études de cas, mises en situation"),
    K("session.evaluation_methods", "Modalités d'évaluation", "Quiz de positionnement, mise en situation finale"),
    K("session.accessibility", "Accessibilité aux personnes en situation de handicap", "Locaux accessibles."),
    K("session.modality", "Modalité (présentiel, distance…)", "Présentiel"),
    K("session.is_remote", "À distance (oui/non)", False),
    K("session.all_remote", "Tous les créneaux sont à distance (oui/non)", False),
    K("session.any_remote", "Au moins un créneau est à distance (oui/non)", False),
    K("session.certification", "Certification visée", "Action non certifiante"),
    K("session.is_certifying", "Action certifiante (oui/non)", False),
    K("session.certification_code", "Code RNCP ou RS", ""),
    K("session.certification_level", "Niveau RNCP", ""),
    K("session.certification_url", "Fiche France compétences de la certification", ""),
    K("session.access_delay", "Délai d'accès", "Inscription jusqu'à 15 jours avant le début"),
    K("session.price_inter", "Prix inter par stagiaire (HT)", "1 400,00 €"),
    K("session.price_intra", "Prix intra par groupe (HT)", ""),
    K("session.is_distance", "Tout ou partie à distance (oui/non)", False),
    K("session.programme_date", "Date du programme (validation de la formation)", "02/02/2026"),
    K("session.start_date", "Premier jour", "02/03/2026"),
    K("session.end_date", "Dernier jour", "03/03/2026"),
    K("session.period", "Période de réalisation", "du 02/03/2026 au 03/03/2026"),
    K("session.duration", "Durée planifiée (somme des créneaux)", "14 h"),
    K("session.duration_minutes", "Durée planifiée en minutes", 840),
    K("session.days", "Nombre de jours", 2),
    K("session.place", "Lieu", "Salle du Marché"),
    K("session.place_address", "Adresse du lieu", "3 place du Marché, 35000 Rennes"),
    K("session.place_accessibility", "Accessibilité du lieu", "Plain-pied, ascenseur"),
    K("session.remote_url", "Lien de connexion (distanciel)", ""),
    K("session.trainee_count", "Nombre de stagiaires", 8),
    K("session.max_capacity", "Effectif maximum", 12),
    K(
        "session.trainers",
        "Formateur·rices (liste : full_name, qualifications, specialities, email)",
        [
            {
                "full_name": "Théo Formateur",
                "qualifications": "Master en sciences de l'éducation, 10 ans d'animation",
                "specialities": "Gouvernance",
                "email": "theo@example.org",
            }
        ],
    ),
    K(
        "session.slots",
        "Créneaux (liste : date, weekday, start, end, duration, half_day, place, trainers, is_remote)",
        [
            {
                "date": "02/03/2026",
                "weekday": "lundi",
                "start": "09 h 00",
                "end": "12 h 30",
                "duration": "3 h 30",
                "half_day": "Matin",
                "place": "Salle du Marché",
                "trainers": "Théo Formateur",
                "id": 1,
                "is_remote": False,
            },
            {
                "date": "02/03/2026",
                "weekday": "lundi",
                "start": "13 h 30",
                "end": "17 h 00",
                "duration": "3 h 30",
                "half_day": "Après-midi",
                "place": "Salle du Marché",
                "trainers": "Théo Formateur",
                "id": 2,
                "is_remote": False,
            },
        ],
    ),
    K(
        "session.trainees",
        "Stagiaires (liste : full_name, first_name, last_name, email, employer)",
        [
            {
                "full_name": "Sacha Dupont",
                "first_name": "Sacha",
                "last_name": "Dupont",
                "email": "sacha@example.org",
                "employer": "Scop Exemple",
            }
        ],
    ),
)

DOCUMENT_KEYWORDS = (
    K("document.date", "Date d'émission du document", "02/03/2026"),
    K("document.place", "Lieu d'émission (ville de l'organisme)", "Rennes"),
)

CLIENT_KEYWORDS = (
    K("client.name", "Nom du client", "Scop Exemple"),
    K("client.kind", "Type de client", "Entreprise ou association employeuse"),
    K("client.is_individual", "Le client est un particulier (oui/non)", False),
    K("client.is_training_org", "Le client est un organisme de formation (oui/non)", False),
    K("client.is_public_body", "Le client est un organisme public (oui/non)", False),
    K("client.siret", "SIRET du client", "73282932000074"),
    K("client.nda", "NDA du client (organisme de formation)", ""),
    K("client.address", "Adresse du client", "5 rue des Lilas, 29000 Quimper"),
    K("client.email", "E-mail du client", "contact@scop-exemple.example"),
    K("client.phone", "Téléphone du client", "02 98 00 00 00"),
    K("client.contact_name", "Contact signataire", "Claire Contact"),
    K("client.contact_title", "Fonction du contact", "Gérante"),
    K("client.contact_email", "E-mail du contact signataire (sinon celui du client)", "claire@scop-exemple.example"),
)

ENROLMENT_KEYWORDS = (
    K("enrolment.id", "Numéro de l'inscription", 17),
    K("enrolment.reference", "Référence (convention, devis, contrat)", "2026-00017"),
    K("enrolment.price", "Prix HT", "1 400,00 €"),
    K("enrolment.price_cents", "Prix HT en centimes", 140000),
    K("enrolment.vat", "Montant de TVA", "0,00 €"),
    K("enrolment.price_ttc", "Prix TTC", "1 400,00 €"),
    K("enrolment.advance_max", "Acompte maximal (30 % du prix, contrat avec un particulier)", "420,00 €"),
    K("enrolment.funded", "Montant pris en charge par les financeurs", "1 400,00 €"),
    K("enrolment.remaining", "Reste à financer", "0,00 €"),
    K("enrolment.trainee_count", "Nombre de stagiaires de ce client", 2),
    K("enrolment.trainees", "Stagiaires de ce client (liste : full_name)", [{"full_name": "Sacha Dupont"}]),
    K(
        "enrolment.funding_lines",
        "Financements (liste : payer, scheme, amount, reference, basis)",
        [
            {
                "payer": "AKTO",
                "scheme": "2h. Plan de développement des compétences ou autre",
                "amount": "1 400,00 €",
                "reference": "PEC-2026-001",
                "basis": "facturé aux heures réalisées",
            }
        ],
    ),
    K("enrolment.valid_until", "Validité du devis (30 jours)", "01/04/2026"),
    K(
        "enrolment.schedule",
        "Échéancier d'un particulier (liste : label, due, amount ; art. L6353-6)",
        [{"label": "Acompte (30 % au plus)", "due": "à l'expiration du délai de rétractation", "amount": "420,00 €"}],
    ),
    K("enrolment.cpf_funded", "Financée par le CPF (oui/non)", False),
    K(
        "enrolment.starts_within_withdrawal",
        "La formation commence dans les 14 jours (demande expresse, art. L221-25 du Code de la consommation)",
        False,
    ),
)

TRAINEE_KEYWORDS = (
    K("trainee.full_name", "Prénom et nom du ou de la stagiaire", "Sacha Dupont"),
    K("trainee.first_name", "Prénom", "Sacha"),
    K("trainee.last_name", "Nom", "Dupont"),
    K("trainee.email", "E-mail", "sacha@example.org"),
    K("trainee.employer", "Employeur (vide pour un particulier)", "Scop Exemple"),
    K("trainee.job_title", "Fonction", "Chargée de projet"),
    K(
        "trainee.hours",
        "Heures suivies : heures planifiées tant que l'émargement n'est pas saisi",
        "14 h",
    ),
    K("trainee.hours_minutes", "Heures suivies en minutes (planifiées tant que l'émargement n'existe pas)", 840),
    K("trainee.status", "État de la participation", "Formation terminée"),
    K("certificate.nature", "Nature de l'action (training, skills_assessment, vae, apprenticeship)", "training"),
)


SUBCONTRACTOR_KEYWORDS = (
    K("subcontractor.name", "Organisme sous-traitant", "Formations Martin SARL"),
    K("subcontractor.siret", "SIRET du sous-traitant", "73282932000074"),
    K("subcontractor.nda", "NDA du sous-traitant", "53350999935"),
)


# --- The kinds ----------------------------------------------------------------------------------------------


def _kind(
    code: str,
    label: str,
    subject: str,
    keywords: tuple[Keyword, ...],
    build: Callable[[Any], dict[str, Any]],
    missing: Callable[[Any], list[Missing]],
    *,
    signers: tuple[str, ...] = (),
    bulk: bool = False,
    description: str = "",
    applies: Callable[[Any], bool] | None = None,
    attachments: tuple[str, ...] = (),
    session_recipients: bool = False,
) -> DocumentKind:
    extra = dict(SUBJECT_HOOKS[subject])
    extra["resolve_session"] = _resolve_session
    extra["batch"] = batch
    if subject == "enrolment":
        extra["applies"] = _enrolment_applies(code)
    if applies is not None:
        extra["applies"] = applies
    if attachments:
        extra["attachments"] = attachments
    if session_recipients:
        extra["session_recipients"] = _session_trainees
    return DocumentKind(
        code=code,
        label=label,
        subject=subject,
        keywords=keywords,
        build_context=build,
        missing=missing,
        default_template=load_default(code),
        default_signers=signers,
        description=description,
        bulk=bulk,
        extra=extra,
    )


BASE = ORGANISATION_KEYWORDS + SESSION_KEYWORDS + DOCUMENT_KEYWORDS


def kinds() -> list[DocumentKind]:
    enrolment_kw = BASE + CLIENT_KEYWORDS + ENROLMENT_KEYWORDS
    participant_kw = BASE + CLIENT_KEYWORDS + TRAINEE_KEYWORDS
    return [
        _kind(
            "convention",
            "Convention de formation",
            "enrolment",
            enrolment_kw,
            enrolment_context,
            convention_missing,
            signers=("quality", "client"),
            description="Entre l'organisme et une entreprise, un organisme public ou un autre OF (art. D6353-1).",
        ),
        _kind(
            "skills_assessment_convention",
            "Convention de bilan de compétences",
            "enrolment",
            enrolment_kw + TRAINEE_KEYWORDS[:5],
            skills_assessment_context,
            skills_assessment_convention_missing,
            signers=("quality", "client", "trainee"),
            description=(
                "Tripartite : l'employeur, le ou la salarié·e bénéficiaire et l'organisme (articles L6313-4 et "
                "R6313-4 à R6313-8) ; à la place de la convention de formation pour un bilan de compétences."
            ),
        ),
        _kind(
            "contract",
            "Contrat de formation professionnelle",
            "enrolment",
            enrolment_kw,
            enrolment_context,
            contract_missing,
            signers=("quality", "client"),
            description="Avec un particulier qui finance lui-même sa formation (art. L6353-3 à L6353-7).",
        ),
        _kind(
            "programme",
            "Programme de formation",
            "session",
            BASE,
            session_context,
            programme_missing,
            session_recipients=True,
        ),
        _kind(
            "convocation",
            "Convocation",
            "participant",
            participant_kw,
            participant_context,
            convocation_missing,
            bulk=True,
            # The convocation says the programme and the règlement intérieur are attached (L6353-8: given
            # before the final enrolment): diffusing it delivers them too, and is refused until they are issued.
            attachments=("programme", "rules"),
        ),
        _kind("rules", "Règlement intérieur", "session", BASE, session_context, rules_missing, session_recipients=True),
        _kind(
            "attendance_sheet",
            "Feuille d'émargement",
            "session",
            BASE,
            session_context,
            attendance_missing,
            signers=("trainer", "trainee"),
        ),
        _kind(
            "certificate",
            "Certificat de réalisation",
            "participant",
            participant_kw,
            participant_context,
            certificate_missing,
            signers=("quality",),
            bulk=True,
        ),
        _kind(
            "attestation",
            "Attestation de fin de formation",
            "participant",
            participant_kw,
            participant_context,
            attestation_missing,
            signers=("quality",),
            bulk=True,
        ),
        _kind(
            "subcontracting",
            "Contrat de sous-traitance",
            "session",
            BASE + SUBCONTRACTOR_KEYWORDS,
            subcontracting_context,
            subcontracting_missing,
            description=(
                "Avec l'organisme de formation à qui l'OF confie la réalisation d'une session (indicateur "
                "Qualiopi 27) ; ce n'est pas une convention de formation (D6353-1)."
            ),
            applies=lambda session: session.subcontracted_out,
        ),
        _kind("quote", "Devis", "enrolment", enrolment_kw, enrolment_context, quote_missing, signers=("client",)),
    ]


_REGISTERED = False


def register_kinds() -> None:
    """Called once by TrainingSessionsConfig.ready()."""
    global _REGISTERED
    if _REGISTERED:
        return
    for kind in kinds():
        register(kind)
    _REGISTERED = True
