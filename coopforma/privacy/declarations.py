# SPDX-License-Identifier: AGPL-3.0-or-later
"""What each model holding personal data declares: the processing it serves, its purpose, legal basis,
source, personal fields and retention category. The register (RGPD art. 30), the access export (art. 15, 20)
and the erasure (art. 17) all read this one table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from coopforma.privacy import retention


@dataclass(frozen=True)
class Processing:
    code: str
    name: str
    purpose: str
    legal_basis: str
    subjects: str
    recipients: str


@dataclass(frozen=True)
class Declaration:
    model: str  # app_label.ModelName
    processing: str
    source: str  # where the data come from
    fields: tuple[str, ...]  # the personal fields
    retention: str  # a category of privacy.retention


PROCESSINGS: dict[str, Processing] = {
    p.code: p
    for p in (
        Processing(
            "training",
            _("Gestion des actions de formation"),
            _(
                "Inscrire et suivre les stagiaires, prouver la réalisation (émargement, heures), émettre les "
                "documents obligatoires (conventions, certificats, attestations), établir le BPF"
            ),
            _("Obligation légale (Code du travail L6353-1 et s., L6352-11 BPF) et contrat (RGPD art. 6-1-b et c)"),
            _("Stagiaires"),
            _("L'OF, ses formateur·rices, les financeurs (OPCO, Caisse des dépôts), les auditeurs Qualiopi"),
        ),
        Processing(
            "clients",
            _("Relation avec les clients et leurs contacts"),
            _("Établir devis, conventions et factures, échanger avec les entreprises clientes"),
            _("Contrat et intérêt légitime (RGPD art. 6-1-b et f)"),
            _("Contacts des clients, particuliers clients"),
            _("L'OF et la structure membre qui suit le client"),
        ),
        Processing(
            "enquiries",
            _("Demandes reçues du catalogue public"),
            _(
                "Répondre aux demandes d'inscription, de devis ou de session intra et aux inscriptions sur liste "
                "d'attente envoyées depuis le catalogue public ; en faire un client, une inscription ou un devis"
            ),
            _(
                "Consentement de la personne et mesures précontractuelles à sa demande (RGPD art. 6-1-a et b) ; "
                "seules les informations utiles à la demande sont demandées (Code du travail L6353-9)"
            ),
            _("Personnes qui font une demande, contacts des entreprises"),
            _("L'OF, la structure membre qui porte la formation"),
        ),
        Processing(
            "trainers",
            _("Gestion des formateur·rices"),
            _("Valider les compétences (comité), confier des sessions, prouver la qualification (Qualiopi 21-22)"),
            _("Contrat et obligation de certification (RGPD art. 6-1-b et c ; Code du travail R6316-1)"),
            _("Formateur·rices"),
            _("L'OF, les structures membres, les auditeurs Qualiopi"),
        ),
        Processing(
            "billing",
            _("Facturation et comptabilité"),
            _("Facturer, encaisser, tenir la comptabilité"),
            _("Obligation légale (Code de commerce L123-22, CGI art. 289)"),
            _("Clients particuliers, contacts"),
            _("L'OF, l'expert-comptable, l'administration fiscale"),
        ),
        Processing(
            "mail",
            _("Envoi des e-mails de service"),
            _("Liens de signature, d'émargement, d'évaluation et du portail ; preuve d'envoi"),
            _("Exécution du contrat et obligations ci-dessus (RGPD art. 6-1-b et c)"),
            _("Stagiaires, contacts, formateur·rices"),
            _("L'OF et son prestataire d'envoi d'e-mails"),
        ),
        Processing(
            "evaluation",
            _("Évaluation des formations"),
            _("évaluation de la formation, Qualiopi indicateurs 2, 11, 30"),
            _(
                "Obligation de certification (Code du travail L6316-1, R6316-1 ; référentiel national qualité, "
                "indicateurs 2, 11, 30) et intérêt légitime (RGPD art. 6-1-c et f)"
            ),
            _("Stagiaires, contacts des clients, formateur·rices"),
            _("L'OF, les formateur·rices de la session (résultats), les auditeurs Qualiopi"),
        ),
        Processing(
            "history",
            _("Journal des actions"),
            _("Tracer qui a fait quoi (preuve Qualiopi, sécurité)"),
            _("Intérêt légitime et obligation de certification (RGPD art. 6-1-c et f)"),
            _("Toutes les personnes ci-dessus, les utilisateur·rices"),
            _("L'OF, les auditeurs Qualiopi"),
        ),
    )
}

DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "people.Trainee",
        "training",
        _("Saisie par l'OF lors de l'inscription (client ou stagiaire)"),
        ("first_name", "last_name", "email", "phone", "job_title", "adaptation_needs"),
        retention.ATTENDANCE,
    ),
    Declaration(
        "training_sessions.Participant",
        "training",
        _("Inscription à une session"),
        ("bpf_trainee_type", "status"),
        retention.ATTENDANCE,
    ),
    Declaration(
        "attendance.ParticipantAttendance",
        "training",
        _("Émargement (signature du stagiaire ou saisie du formateur·rice)"),
        ("status", "method", "signed_at", "arrival_at", "left_at", "reason", "attended_minutes"),
        retention.ATTENDANCE,
    ),
    Declaration(
        "attendance.AttendanceRecord",
        "training",
        _("Émargement : journal chaîné (adresse IP, navigateur, motifs)"),
        ("ip", "user_agent", "payload"),
        retention.ATTENDANCE,
    ),
    Declaration(
        "attendance.AttendanceDrawing",
        "training",
        _("Émargement : signature dessinée sur le téléphone (facultative)"),
        ("png",),
        retention.ATTENDANCE,
    ),
    Declaration(
        "documents.Document",
        "training",
        _("Documents émis par l'OF (conventions, convocations, certificats, attestations)"),
        ("title", "status", "verification_code"),
        retention.DOCUMENTS,
    ),
    Declaration(
        "documents.Signature",
        "training",
        _("Signature électronique d'un document"),
        ("signer_name", "signer_email", "signed_at", "typed_name", "ip_address", "user_agent"),
        retention.DOCUMENTS,
    ),
    Declaration(
        "referentiel.IssuedCredential",
        "training",
        _(
            "Attestation numérique d'une compétence évaluée (Open Badges 3.0), émise quand le ou la stagiaire la "
            "partage ou que l'OF la télécharge ; l'adresse e-mail n'y figure que chiffrée (empreinte salée)"
        ),
        ("level", "token", "revoked_at", "revocation_reason"),
        retention.DOCUMENTS,
    ),
    Declaration(
        "people.Contact",
        "clients",
        _("Saisi par l'OF ou la structure membre"),
        ("first_name", "last_name", "job_title", "email", "phone", "is_signatory"),
        retention.PROSPECTS,
    ),
    Declaration(
        "enquiries.Enquiry",
        "enquiries",
        _("Formulaire de demande du catalogue public, rempli par la personne"),
        (
            "first_name",
            "last_name",
            "email",
            "phone",
            "company_name",
            "company_siret",
            "message",
            "consent_at",
            "notice_version",
        ),
        retention.PROSPECTS,
    ),
    Declaration(
        "people.Trainer",
        "trainers",
        _("Candidature du formateur·rice et décision du comité de validation"),
        (
            "first_name",
            "last_name",
            "email",
            "phone",
            "siret",
            "nda",
            "qualifications",
            "specialities",
            "cv",
            "committee_decision",
            "suspension_reason",
        ),
        retention.TRAINER_EVIDENCE,
    ),
    Declaration(
        "billing.Invoice",
        "billing",
        _("Pièces émises par l'OF"),
        ("number", "issued_on", "status"),
        retention.INVOICES,
    ),
    Declaration(
        "core.OutboundEmail",
        "mail",
        _("E-mails envoyés par l'application"),
        ("to", "subject", "body", "status", "sent_at"),
        retention.OUTBOX,
    ),
    Declaration(
        "evaluations.Invitation",
        "evaluation",
        _("Envoi des questionnaires d'évaluation de la session (lien personnel par e-mail)"),
        ("email", "sent_at", "answered_at"),
        retention.EVALUATIONS,
    ),
    Declaration(
        "evaluations.Response",
        "evaluation",
        _(
            "Réponses données par la personne (ou, pour l'évaluation des acquis, par le ou la formateur·rice "
            "à son sujet) ; les questionnaires anonymes ne gardent aucun lien avec la personne"
        ),
        ("submitted_on",),
        retention.EVALUATIONS,
    ),
    Declaration(
        "core.ActivityLog",
        "history",
        _("Journal des actions, écrit par l'application"),
        ("action", "object_repr", "actor_label", "created_at"),
        retention.HISTORY,
    ),
)

DECLARED = {d.model: d for d in DECLARATIONS}
