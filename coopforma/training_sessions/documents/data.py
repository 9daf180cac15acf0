# SPDX-License-Identifier: AGPL-3.0-or-later
"""The data blocks of the session documents, already formatted in French (dates "02/03/2026", hours "7 h 30", money
"1 400,00 €"), and the context of each subject (an enrolment, a session, a participant): plain data only."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from coopforma.accounts.models import Organisation, QualiopiCategory, VatRegime
from coopforma.accounts.selectors import signatory_context
from coopforma.catalogue.models import CertificationKind, Modality
from coopforma.core.formatting import WEEKDAYS, fr_date, fr_hours, fr_money, fr_time
from coopforma.core.legal import nda_mention
from coopforma.core.money import vat_cents, vat_mention
from coopforma.people.models import ClientKind
from coopforma.training_sessions import selectors
from coopforma.training_sessions.documents.cache import _memo, _organisation
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


def _beneficiaries(enrolment: Enrolment) -> list[Participant]:
    return [
        p
        for p in enrolment.participants.select_related("trainee").order_by("trainee__last_name")
        if p.status != ParticipantStatus.CANCELLED
    ]


def skills_assessment_context(enrolment: Enrolment) -> dict[str, Any]:
    context = enrolment_context(enrolment)
    beneficiaries = _beneficiaries(enrolment)
    context["trainee"] = _trainee_row(beneficiaries[0]) if beneficiaries else {}
    return context


def _is_cpf_funded(enrolment: Enrolment) -> bool:
    return enrolment.funding_lines.filter(payer_kind=PayerKind.CPF).exists()
