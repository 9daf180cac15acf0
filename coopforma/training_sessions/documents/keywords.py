# SPDX-License-Identifier: AGPL-3.0-or-later
"""The keywords a session document's template may use, each with its French label and an example value."""

from coopforma.core.legal import NDA_DISCLAIMER
from coopforma.core.money import VAT_EXEMPT_MENTION
from coopforma.documents.registry import Keyword

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
