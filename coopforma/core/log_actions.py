# SPDX-License-Identifier: AGPL-3.0-or-later
"""The registry of activity-log actions: each action code ("domain.noun.verb") and what a French reader sees.

Codes stay in the log (the webhooks, the Qualiopi evidence and the tests read them); people read the labels.
Every code passed to `log_action` must be here: `core/tests/test_log_actions.py` reads the code base's calls and
fails on a code without a label. Timelines show `sentence(entry)`: « Formation créée par Camille Dupont ».
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopforma.core.formatting import fr_date, fr_time
from coopforma.core.models import ActivityLog

SYSTEM_ACTOR = "système"  # the actor_label log_action writes when no person acted

ACTION_LABELS: dict[str, str | Promise] = {
    # accounts
    "accounts.api_token.created": _("Jeton d'API créé"),
    "accounts.api_token.revoked": _("Jeton d'API révoqué"),
    "accounts.membership.accepted": _("Invitation acceptée"),
    "accounts.membership.created": _("Accès à l'organisme créé"),
    "accounts.membership.declined": _("Invitation déclinée"),
    "accounts.membership.invitation_cancelled": _("Invitation annulée"),
    "accounts.membership.invitation_resent": _("Invitation renvoyée"),
    "accounts.membership.invited": _("Invitation envoyée"),
    "accounts.membership.removed": _("Accès à l'organisme retiré"),
    "accounts.membership.role_changed": _("Rôle modifié"),
    "accounts.organisation.created": _("Organisme créé"),
    "accounts.organisation.updated": _("Fiche de l'organisme modifiée"),
    "accounts.user.sessions_ended": _("Déconnexion de tous les appareils"),
    # core, dashboard
    "core.email.resent": _("E-mail renvoyé"),
    "core.mail_text.reset": _("Texte d'e-mail remis par défaut"),
    "core.mail_text.updated": _("Texte d'e-mail modifié"),
    "dashboard.digest.subscribed": _("Récapitulatif hebdomadaire réactivé"),
    "dashboard.digest.unsubscribed": _("Récapitulatif hebdomadaire désactivé"),
    # attendance
    "attendance.chain.resealed": _("Registre d'émargement rescellé"),
    "attendance.links.sent": _("Liens d'émargement envoyés"),
    "attendance.participant.absent": _("Absence notée"),
    "attendance.participant.corrected": _("Émargement corrigé"),
    "attendance.participant.excused": _("Absence excusée"),
    "attendance.participant.late": _("Retard noté"),
    "attendance.participant.on_behalf": _("Émargement signé pour le compte du·de la stagiaire"),
    "attendance.participant.paper_entry": _("Émargement papier saisi"),
    "attendance.participant.signed": _("Émargement signé"),
    "attendance.slot.closed": _("Émargement clos"),
    "attendance.slot.opened": _("Émargement ouvert"),
    "attendance.slot.paper_scan": _("Feuille d'émargement papier déposée"),
    # billing
    "billing.contract.signature_record": _("Signature du contrat enregistrée"),
    "billing.cpf.entry_declare": _("Entrée en formation déclarée (CPF)"),
    "billing.cpf.invoice": _("Facture CPF établie"),
    "billing.cpf.service_done_declare": _("Service fait déclaré (CPF)"),
    "billing.credit_note.issue": _("Avoir émis"),
    "billing.fiscal_year.close": _("Exercice comptable clos"),
    "billing.funder.create": _("Financeur créé"),
    "billing.invoice.create": _("Brouillon créé"),
    "billing.invoice.credit": _("Annulée par un avoir"),
    "billing.invoice.delete": _("Brouillon supprimé"),
    "billing.invoice.issue": _("Facture ou devis émis"),
    "billing.invoice.remind": _("Relance de paiement envoyée"),
    "billing.invoice.unrealised_hours_credited": _("Heures non réalisées remboursées par un avoir"),
    "billing.invoice.update": _("Brouillon modifié"),
    "billing.invoice_line.add": _("Ligne ajoutée"),
    "billing.invoice_line.remove": _("Ligne retirée"),
    "billing.invoice_line.update": _("Ligne modifiée"),
    "billing.payment.record": _("Paiement enregistré"),
    "billing.quote.convert": _("Devis transformé en facture"),
    "billing.reminders.update": _("Réglages des relances modifiés"),
    # catalogue
    "catalogue.training.archived": _("Formation archivée"),
    "catalogue.training.created": _("Formation créée"),
    "catalogue.training.duplicated": _("Formation dupliquée"),
    "catalogue.training.returned": _("Formation renvoyée pour corrections"),
    "catalogue.training.submitted": _("Formation soumise à validation"),
    "catalogue.training.unarchived": _("Formation sortie des archives"),
    "catalogue.training.updated": _("Formation modifiée"),
    "catalogue.training.validated": _("Formation validée"),
    # enquiries (requests from the public catalogue)
    "exchanges.map_consent.given": _("Accord donné pour montrer l'échange sur la carte"),
    "exchanges.map_consent.withdrawn": _("Accord retiré pour montrer l'échange sur la carte"),
    "exchanges.listing.created": _("Offre ou demande de savoir-faire ajoutée"),
    "exchanges.listing.state_changed": _("Offre ou demande de savoir-faire ouverte, mise en pause ou close"),
    "exchanges.listing.updated": _("Offre ou demande de savoir-faire modifiée"),
    "exchanges.member.joined": _("Inscription aux échanges de savoir-faire"),
    "exchanges.member.left": _("Départ des échanges de savoir-faire"),
    "exchanges.member.updated": _("Profil des échanges de savoir-faire modifié"),
    "enquiries.enquiry.converted": _("Demande convertie"),
    "enquiries.enquiry.status_changed": _("État de la demande changé"),
    # documents
    "documents.document.diffused": _("Document diffusé"),
    "documents.document.finalise": _("Document finalisé"),
    "documents.document.scan_uploaded": _("Exemplaire signé scanné déposé"),
    "documents.document.signatory_changed": _("Signataire modifié"),
    "documents.document.signature_requested": _("Signature demandée"),
    "documents.document.signed": _("Document signé par tous"),
    "documents.signature.signed": _("Signature apposée"),
    "documents.signature.link_resent": _("Lien de signature renvoyé"),
    "documents.template.reset": _("Modèle remis à sa version par défaut"),
    "documents.template.updated": _("Modèle modifié"),
    # evaluations
    "evaluations.indicator.create": _("Indicateur créé"),
    "evaluations.indicator.delete": _("Indicateur supprimé"),
    "evaluations.indicator.update": _("Indicateur modifié"),
    "evaluations.invitation.link": _("Lien personnel de questionnaire créé"),
    "evaluations.question.add": _("Question ajoutée"),
    "evaluations.question.archive": _("Question archivée"),
    "evaluations.question.delete": _("Question supprimée"),
    "evaluations.question.move": _("Question déplacée"),
    "evaluations.question.update": _("Question modifiée"),
    "evaluations.questionnaire.create": _("Questionnaire créé"),
    "evaluations.questionnaire.update": _("Questionnaire modifié"),
    "evaluations.skills.assess": _("Acquis évalués"),
    "evaluations.survey.close": _("Questionnaire clos"),
    "evaluations.survey.open": _("Questionnaire ouvert aux réponses"),
    "evaluations.survey.remind": _("Relance du questionnaire envoyée"),
    "evaluations.surveys.plan": _("Questionnaires de la session planifiés"),
    "exchanges.exchange.bridged": _("Échange devenu une action de formation"),
    # exchanges: an exchange's life (steps, attendance, debriefs, log, artefacts, expeditions, compagnonnages)
    "exchanges.artefact.agreed": _("Accord donné pour publier une capitalisation"),
    "exchanges.artefact.drafted": _("Capitalisation rédigée"),
    "exchanges.artefact.published": _("Capitalisation publiée"),
    "exchanges.artefact.updated": _("Capitalisation modifiée"),
    "exchanges.attendance.recorded": _("Émargement d'une étape relevé"),
    "exchanges.debrief.updated": _("Bilan d'échange modifié"),
    "exchanges.debrief.written": _("Bilan d'échange écrit"),
    "exchanges.exchange.state_changed": _("État de l'échange changé"),
    "exchanges.exchange.updated": _("Échange modifié"),
    "exchanges.expedition.created": _("Expédition apprenante créée"),
    "exchanges.log.written": _("Message ajouté au journal de l'échange"),
    "exchanges.milestone.created": _("Jalon ajouté"),
    "exchanges.milestone.deleted": _("Jalon supprimé"),
    "exchanges.milestone.marked": _("Jalon marqué atteint ou à atteindre"),
    "exchanges.milestone.updated": _("Jalon modifié"),
    "exchanges.step.created": _("Étape d'échange ajoutée"),
    "exchanges.step.deleted": _("Étape d'échange supprimée"),
    "exchanges.step.updated": _("Étape d'échange modifiée"),
    "exchanges.transfer.created": _("Compagnonnage créé"),
    # networks
    "networks.organisation.added": _("Organisation ajoutée au réseau"),
    "networks.organisation.removed": _("Organisation retirée du réseau"),
    "networks.partner.manager_added": _("Gestionnaire de la structure ajouté·e"),
    "networks.partner.proposed": _("Structure partenaire proposée"),
    "networks.partner.published": _("Structure partenaire publiée"),
    "networks.partner.refused": _("Structure partenaire refusée"),
    "networks.partner.updated": _("Structure partenaire modifiée"),
    "networks.person.added": _("Rôle dans le réseau donné"),
    "networks.person.removed": _("Rôle dans le réseau retiré"),
    "networks.person.role_changed": _("Rôle dans le réseau modifié"),
    # offers
    "offers.competency.confirmed": _("Compétence visée par l'offre confirmée"),
    "offers.competency.removed": _("Compétence retirée de l'offre"),
    "offers.competency.set_by_partner": _("Compétences de l'offre indiquées par la structure"),
    "offers.offer.proposed": _("Offre proposée par une structure partenaire"),
    "offers.offer.published": _("Offre publiée"),
    "offers.offer.refused": _("Offre refusée"),
    "offers.offer.session_added": _("Session de l'offre ajoutée"),
    "offers.offer.session_removed": _("Session de l'offre retirée"),
    "offers.offer.updated": _("Offre modifiée"),
    "offers.relevance.kept": _("Offre gardée pour le réseau"),
    "offers.relevance.rejected": _("Offre écartée pour le réseau"),
    "offers.relevance.reopened": _("Décision sur l'offre annulée"),
    "offers.rules.updated": _("Règles de pertinence modifiées"),
    "offers.source.imported": _("Flux d'offres importé"),
    "offers.subscription.created": _("Abonnement à un flux d'offres ajouté"),
    "offers.subscription.removed": _("Abonnement à un flux d'offres retiré"),
    "offers.subscription.pulled": _("Flux d'offres d'un abonnement relevé"),
    "offers.subscription.failed": _("Relève d'un flux d'offres échouée"),
    "offers.import.requested": _("Import d'un flux d'offres demandé"),
    # people
    "people.client.contact_added": _("Contact ajouté"),
    "people.client.contact_removed": _("Contact retiré"),
    "people.client.contact_updated": _("Contact modifié"),
    "people.client.created": _("Client créé"),
    "people.client.updated": _("Client modifié"),
    "people.member.created": _("Structure membre créée"),
    "people.member.manager_added": _("Responsable ajouté·e"),
    "people.member.manager_removed": _("Responsable retiré·e"),
    "people.member.updated": _("Structure membre modifiée"),
    "people.trainee.created": _("Stagiaire créé·e"),
    "people.trainee.updated": _("Stagiaire modifié·e"),
    "people.trainer.activated": _("Activation"),
    "people.trainer.invited": _("Accès à Coopforma ouvert"),
    "people.trainer.proposed": _("Candidature proposée"),
    "people.trainer.reactivated": _("Réactivation"),
    "people.trainer.rejected": _("Candidature refusée"),
    "people.trainer.suspended": _("Suspension"),
    "people.trainer.updated": _("Fiche formateur·rice modifiée"),
    "people.trainer.validated": _("Validation par le comité"),
    # privacy
    "privacy.erasure.done": _("Données personnelles effacées"),
    "privacy.erasure.refused": _("Effacement refusé"),
    "privacy.export.created": _("Export des données personnelles préparé"),
    "privacy.retention.set": _("Durée de conservation réglée"),
    # public
    "public.request.received": _("Demande reçue"),
    # quality
    "quality.audit.created": _("Audit enregistré"),
    "quality.audit.updated": _("Audit modifié"),
    "quality.audit_pack.built": _("Dossier d'audit prêt"),
    "quality.audit_pack.requested": _("Dossier d'audit demandé"),
    "quality.complaint.reported": _("Réclamation enregistrée"),
    "quality.complaint.updated": _("Réclamation modifiée"),
    "quality.evidence.created": _("Preuve ajoutée"),
    "quality.evidence.deleted": _("Preuve supprimée"),
    "quality.improvement.created": _("Action d'amélioration créée"),
    "quality.improvement.updated": _("Action d'amélioration modifiée"),
    "quality.nonconformity.closed": _("Non-conformité levée"),
    "quality.nonconformity.created": _("Non-conformité enregistrée"),
    "quality.nonconformity.updated": _("Non-conformité modifiée"),
    "quality.settings.updated": _("Réglages qualité modifiés"),
    "quality.subcontractor_check.created": _("Contrôle de sous-traitant enregistré"),
    # registry: the certifiers directory
    "registry.certifier.created": _("Certificateur ajouté à l'annuaire"),
    "registry.certifier.updated": _("Certificateur de l'annuaire mis à jour"),
    "registry.certifier_choice.saved": _("Certificateur de l'organisme enregistré"),
    "registry.review.created": _("Avis sur un audit Qualiopi enregistré"),
    "registry.review.updated": _("Avis sur un audit Qualiopi modifié"),
    "registry.review.deleted": _("Avis sur un audit Qualiopi supprimé"),
    "registry.agreement.created": _("Accord de groupe avec un certificateur enregistré"),
    "registry.agreement.deleted": _("Accord de groupe avec un certificateur supprimé"),
    "quality.registry_check.created": _("Sous-traitant vérifié dans la liste publique des OF"),
    "quality.watch.created": _("Veille enregistrée"),
    "quality.watch.updated": _("Veille modifiée"),
    # recognition
    "recognition.block.created": _("Bloc de compétences ajouté au projet de certification"),
    "recognition.block.deleted": _("Bloc de compétences retiré du projet de certification"),
    "recognition.block.updated": _("Bloc de compétences modifié"),
    "recognition.evaluation.updated": _("Évaluation d'une compétence modifiée"),
    "recognition.exchange.adopted": _("Échange de savoir-faire retenu pour un bloc de compétences"),
    "recognition.exchange.removed": _("Échange de savoir-faire retiré d'un bloc de compétences"),
    "recognition.project.created": _("Projet de certification créé"),
    "recognition.project.evidence_refreshed": _("Preuves du besoin recalculées"),
    "recognition.project.refused": _("Refus de France compétences enregistré"),
    "recognition.project.registered": _("Enregistrement de la certification par France compétences"),
    "recognition.project.reopened": _("Projet de certification rouvert"),
    "recognition.project.submitted": _("Projet de certification déposé à France compétences"),
    "recognition.project.updated": _("Projet de certification modifié"),
    "recognition.training.attached": _("Formation rattachée à un bloc de compétences"),
    "recognition.training.detached": _("Formation détachée d'un bloc de compétences"),
    # referentiel
    "referentiel.credential.issue": _("Attestation numérique de compétence émise (Open Badges)"),
    "referentiel.credential.revoke": _("Attestation numérique de compétence révoquée"),
    "referentiel.credential.key_rotate": _("Nouvelle clé de signature des attestations numériques"),
    "referentiel.record.issue": _("Relevé de compétences émis"),
    "referentiel.item.updated": _("Élément du brouillon de référentiel modifié"),
    "referentiel.objective.linked": _("Objectif de la formation lié à une compétence du référentiel"),
    "referentiel.objective.unlinked": _("Lien entre un objectif et une compétence du référentiel retiré"),
    "referentiel.proposal.accepted": _("Proposition acceptée par le comité"),
    "referentiel.proposal.commented": _("Proposition commentée"),
    "referentiel.proposal.created": _("Proposition de modification du référentiel déposée"),
    "referentiel.proposal.refused": _("Proposition refusée par le comité"),
    "referentiel.trainer_competency.declared": _("Compétence du référentiel déclarée pour le ou la formateur·rice"),
    "referentiel.trainer_competency.refused": _(
        "Compétence du ou de la formateur·rice refusée par le comité du réseau"
    ),
    "referentiel.trainer_competency.validated": _(
        "Compétence du ou de la formateur·rice validée par le comité du réseau"
    ),
    "referentiel.trainer_competency.withdrawn": _("Compétence déclarée retirée"),
    "referentiel.version.imported": _("Version du référentiel chargée depuis un fichier"),
    "referentiel.version.published": _("Version du référentiel publiée"),
    # reporting
    "reporting.bpf_charges.saved": _("Charges du BPF enregistrées"),
    # sessions
    "sessions.calendar_feed.renewed": _("Adresse d'agenda renouvelée"),
    "sessions.calendar_feed.revoked": _("Adresse d'agenda désactivée"),
    "sessions.session.emailed": _("E-mail envoyé aux participant·es de la session"),
    "sessions.enrolment.created": _("Inscription créée"),
    "sessions.enrolment.deleted": _("Inscription supprimée"),
    "sessions.enrolment.updated": _("Inscription modifiée"),
    "sessions.funding_line.created": _("Financement ajouté"),
    "sessions.funding_line.deleted": _("Financement supprimé"),
    "sessions.funding_line.updated": _("Financement modifié"),
    "sessions.participant.created": _("Participant·e ajouté·e"),
    "sessions.participant.deleted": _("Participant·e retiré·e"),
    "sessions.participant.updated": _("Participant·e modifié·e"),
    "sessions.place.created": _("Lieu créé"),
    "sessions.place.updated": _("Lieu modifié"),
    "sessions.programme.updated": _("Programme de la session modifié"),
    "sessions.session.cancelled": _("Session annulée"),
    "sessions.session.confirmed": _("Session confirmée"),
    "sessions.session.created": _("Session créée"),
    "sessions.session.done": _("Session terminée"),
    "sessions.session.draft": _("Session remise en brouillon"),
    "sessions.session.running": _("Session démarrée"),
    "sessions.session.updated": _("Session modifiée"),
    "sessions.slot.created": _("Créneau ajouté"),
    "sessions.slot.deleted": _("Créneau supprimé"),
    "sessions.slot.updated": _("Créneau modifié"),
    # tenders
    "tenders.consortium.calendar_feed_renewed": _("Adresse d'agenda du groupement créée ou renouvelée"),
    "tenders.consortium.calendar_feed_revoked": _("Adresse d'agenda du groupement arrêtée"),
    "tenders.consortium.client_linked": _("Acheteur du groupement gagné lié à un client"),
    "tenders.consortium.contract_started": _("Sessions et facturation du marché remporté préparées"),
    "tenders.consortium.created": _("Groupement formé"),
    "tenders.consortium.deadline_moved": _("Date limite du groupement déplacée par l'avis"),
    "tenders.consortium.drafts_created": _("Brouillons de factures et d'inscriptions du marché remporté préparés"),
    "tenders.consortium.member_added": _("Membre ajouté au groupement"),
    "tenders.consortium.member_removed": _("Membre retiré du groupement"),
    "tenders.consortium.milestone_created": _("Étape du groupement ajoutée"),
    "tenders.consortium.milestone_deleted": _("Étape du groupement retirée"),
    "tenders.consortium.shares_set": _("Parts du groupement fixées"),
    "tenders.consortium.state_set": _("État du groupement changé"),
    "tenders.consortium.team_set": _("Équipe du groupement choisie"),
    "tenders.consortium.updated": _("Groupement modifié"),
    "tenders.interest.created": _("Intérêt pour un appel d'offres signalé"),
    "tenders.interest.deleted": _("Intérêt pour un appel d'offres retiré"),
    "tenders.profile.created": _("Profil de veille créé"),
    "tenders.profile.deleted": _("Profil de veille supprimé"),
    "tenders.profile.updated": _("Profil de veille modifié"),
    # exchanges: matching and facilitation (exchanges/facilitation.py)
    "exchanges.contact_consent.given": _("Accord donné pour partager ses coordonnées"),
    "exchanges.contact_consent.withdrawn": _("Accord retiré pour partager ses coordonnées"),
    "exchanges.suggestion.arranged": _("Mise en relation organisée"),
    "exchanges.suggestion.asked": _("Mise en relation demandée"),
    "exchanges.suggestion.dismissed": _("Suggestion de mise en relation écartée"),
    # webhooks
    "webhooks.delivery.replayed": _("Envoi de webhook rejoué"),
    "webhooks.endpoint.created": _("Adresse de webhook créée"),
    "webhooks.endpoint.secret_rotated": _("Secret du webhook renouvelé"),
    "webhooks.endpoint.updated": _("Adresse de webhook modifiée"),
}


def action_label(action: str) -> str:
    """The French label of an action code; never the code itself (an old or unknown code reads as a generic one)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else gettext("Action enregistrée")


def sentence(entry: ActivityLog) -> str:
    """« Formation créée par Camille Dupont »; « … (automatiquement) » when the system acted."""
    label = action_label(entry.action)
    if not entry.actor_label or entry.actor_label == SYSTEM_ACTOR:
        return gettext("%(action)s (automatiquement)") % {"action": label}
    return gettext("%(action)s par %(actor)s") % {"action": label, "actor": entry.actor_label}


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if key in (field.name, field.attname):
            return field
    return None


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A logged value as a French reader expects it: a choice's label, oui/non, a local date and time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return f"{fr_date(moment)} {fr_time(moment)}"
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return fr_date(day)
    if isinstance(value, list):
        return ", ".join(_value(None, v) for v in value)
    return str(value)


def changes(entry: ActivityLog) -> list[tuple[str, str, str]]:
    """(field's French name, old value, new value) for each change the entry records."""
    raw = entry.data.get("changes") if isinstance(entry.data, dict) else None
    if not isinstance(raw, dict):
        return []
    # get_for_id is cached: a timeline of 50 entries makes no query per entry.
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class() if entry.content_type_id else None
    rows = []
    for key, values in raw.items():
        field = _field(model, key)
        name = str(field.verbose_name) if field is not None else key.replace("_", " ")
        old, new = (values[0], values[-1]) if isinstance(values, (list, tuple)) and values else (None, values)
        rows.append((name[:1].upper() + name[1:], _value(field, old), _value(field, new)))
    return rows
