# SPDX-License-Identifier: AGPL-3.0-or-later
"""What each kind lacks to be produced, with the page that fixes it (`Missing(label, url)`)."""

from coopforma.accounts.models import Organisation, QualiopiCategory, VatRegime
from coopforma.documents.registry import Missing
from coopforma.people.models import ClientKind
from coopforma.training_sessions.documents.cache import _memo, _organisation
from coopforma.training_sessions.documents.data import (
    _beneficiaries,
    _is_cpf_funded,
    _participants,
    _session_category,
    _url,
)
from coopforma.training_sessions.models import (
    Enrolment,
    Participant,
    Session,
)

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
