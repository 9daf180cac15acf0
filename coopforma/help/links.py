# SPDX-License-Identifier: AGPL-3.0-or-later
"""The « ? Aide » link of each main page: URL name -> the guide section that explains it.

One place for the whole mapping; `tests/test_links.py` checks that every target exists in the guide and that
the main pages of each role show their link. A target is "page#anchor" (page: a slug of `guide.PAGES`, anchor:
a heading id); a dict gives one target per role ("default" for the others and for visitors without an
account).
"""

Target = str | dict[str, str]

ADMIN = "administration"
QUALITY = "qualite"
EXCHANGES = "echanges"
FACILITATION = "animation-des-echanges"

HELP_LINKS: dict[str, Target] = {
    # Everyone's home: the guide of one's role.
    "dashboard:home": {
        "admin": f"{ADMIN}#tableau-de-bord",
        "quality": f"{QUALITY}#ce-que-vous-voyez",
        "member_manager": "structure-membre#votre-tableau-de-bord",
        "trainer": "formateur#votre-tableau-de-bord",
        "default": "index#guide-dutilisation",
    },
    # The organisation.
    # Competency records (referentiel).
    "records:record": "referentiel#releves-de-competences-et-attestations-numeriques",
    "org:settings": f"{ADMIN}#renseigner-lorganisme",
    "org:memberships": f"{ADMIN}#inviter-les-membres-de-lequipe",
    "org:mail_texts": f"{ADMIN}#textes-des-e-mails",
    "org:mail_text_edit": f"{ADMIN}#textes-des-e-mails",
    "dashboard:figures": {
        "member_manager": "structure-membre#votre-tableau-de-bord",
        "default": f"{ADMIN}#les-chiffres-de-lactivite",
    },
    "people:member_list": f"{ADMIN}#gerer-les-structures-membres",
    "people:member_detail": f"{ADMIN}#gerer-les-structures-membres",
    "people:trainer_list": {
        "member_manager": "structure-membre#proposer-une-formateurrice",
        "default": f"{ADMIN}#valider-les-formateurrices",
    },
    "people:trainer_detail": {
        "member_manager": "structure-membre#proposer-une-formateurrice",
        "default": f"{ADMIN}#valider-les-formateurrices",
    },
    "enquiries_office:list": {
        "member_manager": "structure-membre#les-demandes-de-vos-formations",
        "default": f"{ADMIN}#les-demandes-du-catalogue-public",
    },
    "enquiries_office:detail": {
        "member_manager": "structure-membre#les-demandes-de-vos-formations",
        "default": f"{ADMIN}#les-demandes-du-catalogue-public",
    },
    "people:client_list": f"{ADMIN}#gerer-les-clients-et-les-stagiaires",
    "people:client_detail": f"{ADMIN}#gerer-les-clients-et-les-stagiaires",
    "people:trainee_list": f"{ADMIN}#gerer-les-clients-et-les-stagiaires",
    "people:trainee_detail": f"{ADMIN}#gerer-les-clients-et-les-stagiaires",
    # Catalogue and sessions.
    "catalogue:list": {"trainer": "formateur#proposer-une-formation", "default": f"{ADMIN}#gerer-le-catalogue"},
    "catalogue:detail": {
        "quality": f"{QUALITY}#relire-et-valider-les-programmes",
        "trainer": "formateur#proposer-une-formation",
        "default": f"{ADMIN}#gerer-le-catalogue",
    },
    "catalogue:create": {"trainer": "formateur#proposer-une-formation", "default": f"{ADMIN}#gerer-le-catalogue"},
    "catalogue:export_edof": f"{ADMIN}#publier-son-offre-sur-le-cpf-edof-et-chez-les-carif-oref-lheo",
    "catalogue:export_lheo": f"{ADMIN}#publier-son-offre-sur-le-cpf-edof-et-chez-les-carif-oref-lheo",
    "sessions:list": {"trainer": "formateur#vos-sessions", "default": f"{ADMIN}#creer-une-session"},
    "sessions:calendar": {"trainer": "formateur#vos-sessions", "default": f"{ADMIN}#creer-une-session"},
    "sessions:create": f"{ADMIN}#creer-une-session",
    "sessions:detail": {"trainer": "formateur#vos-sessions", "default": f"{ADMIN}#creer-une-session"},
    "sessions:status": f"{ADMIN}#faire-avancer-la-session",
    "sessions:enrolment_create": f"{ADMIN}#inscrire-un-client-et-ses-stagiaires",
    "sessions:participant_create": f"{ADMIN}#inscrire-un-client-et-ses-stagiaires",
    "sessions:place_list": f"{ADMIN}#creer-une-session",
    "sessions:place_calendar": f"{ADMIN}#agenda-dun-lieu",
    "sessions:trainer_space": "formateur#mon-espace-formateurrice",
    "sessions:email": {
        "trainer": "formateur#vos-sessions",
        "default": f"{ADMIN}#ecrire-un-e-mail-aux-personnes-de-la-session",
    },
    # Documents and signatures.
    "documents:session": {
        "trainer": "formateur#documents-de-la-session",
        "default": f"{ADMIN}#produire-les-documents-de-la-session",
    },
    "documents:signatures": f"{ADMIN}#envoyer-les-conventions-a-signer",
    "documents:template_list": f"{ADMIN}#modeles-de-documents",
    "documents:template_edit": f"{ADMIN}#modeles-de-documents",
    "documents:template_structured": f"{ADMIN}#modifier-un-modele-simple",
    "documents:outbox": f"{ADMIN}#suivre-les-e-mails-envoyes",
    "documents:outbox_detail": f"{ADMIN}#suivre-les-e-mails-envoyes",
    # Attendance.
    "attendance:slot": {
        "quality": f"{QUALITY}#corriger-une-presence",
        "default": "formateur#ouvrir-lemargement-et-afficher-le-qr-code",
    },
    "attendance:session": f"{ADMIN}#suivre-lemargement",
    # Billing and reporting.
    "billing:list": {
        "member_manager": "structure-membre#suivre-la-facturation-de-votre-structure",
        "default": f"{ADMIN}#preparer-et-emettre-les-factures",
    },
    "billing:detail": f"{ADMIN}#preparer-et-emettre-les-factures",
    "billing:enrolment": f"{ADMIN}#preparer-et-emettre-les-factures",
    "billing:payment": f"{ADMIN}#enregistrer-un-paiement-et-relancer",
    "billing:reminders": f"{ADMIN}#enregistrer-un-paiement-et-relancer",
    "billing:statement": {
        "member_manager": "structure-membre#suivre-la-facturation-de-votre-structure",
        "default": f"{ADMIN}#parts-des-structures-membres-et-export-comptable",
    },
    "billing:accounting": f"{ADMIN}#parts-des-structures-membres-et-export-comptable",
    "reporting:bpf": f"{ADMIN}#etablir-le-bpf",
    "reporting:charges": f"{ADMIN}#etablir-le-bpf",
    "reporting:members": "structure-membre#bilan-de-ma-structure",
    # Quality and evaluations.
    "quality:dashboard": f"{QUALITY}#suivre-les-32-indicateurs-qualiopi",
    "quality:indicator": f"{QUALITY}#deposer-une-preuve",
    "quality:complaints": f"{QUALITY}#reclamations-et-aleas",
    "quality:improvements": f"{QUALITY}#amelioration-veille-et-sous-traitance",
    "quality:watch": f"{QUALITY}#amelioration-veille-et-sous-traitance",
    "quality:checks": f"{QUALITY}#amelioration-veille-et-sous-traitance",
    "quality:audits": f"{QUALITY}#audits-et-non-conformites",
    "quality:packs": f"{QUALITY}#exporter-le-dossier-daudit",
    "evaluations:results": f"{QUALITY}#resultats-des-evaluations",
    "evaluations:questionnaires": f"{QUALITY}#questionnaires",
    "evaluations:session_surveys": {
        "trainer": "formateur#questionnaires-et-acquis",
        "default": f"{QUALITY}#questionnaires",
    },
    "evaluations:assess_list": {
        "trainer": "formateur#questionnaires-et-acquis",
        "default": f"{QUALITY}#questionnaires",
    },
    # Pages without an account: clients and trainees.
    "public:portal": "client#votre-espace-client-ou-stagiaire",
    "public:portal_home": "client#votre-espace-client-ou-stagiaire",
    "public:sign": "client#signer-un-document",
    "public:verify": "client#verifier-un-document",
    "enquiries:public_enrolment": "client#demander-une-inscription-ou-un-devis",
    "enquiries:public_quote": "client#demander-une-inscription-ou-un-devis",
    "emargement:home": "stagiaire#emarger-sur-votre-telephone",
    "evaluations_public:answer": "stagiaire#repondre-aux-questionnaires",
    # The network space (docs/guide/reseau.md).
    "networks:mine": "reseau#lespace-du-reseau",
    "networks:manage": "reseau#lespace-du-reseau",
    "networks:people": "reseau#personnes-et-roles",
    "networks:organisations": "reseau#organisations-membres",
    "networks:partners": "reseau#proposer-et-moderer-une-structure-partenaire",
    "networks:partner": "reseau#proposer-et-moderer-une-structure-partenaire",
    "networks:partner_propose": "reseau#proposer-et-moderer-une-structure-partenaire",
    "offers:gaps": "reseau#les-lacunes",
    "certifiers:directory": "reseau#certificateurs-qualiopi-du-reseau",
    "certifiers:certifier": "reseau#certificateurs-qualiopi-du-reseau",
    "certifiers:review": "reseau#certificateurs-qualiopi-du-reseau",
    "certifiers:calendar": "reseau#calendrier-des-audits",
    "certifiers:agreement": "reseau#accords-de-groupe",
    "certifiers:agreement_create": "reseau#accords-de-groupe",
    "org_certifier:mine": f"{QUALITY}#mon-certificateur-et-mes-audits",
    "org_certifier:review_create": f"{QUALITY}#mon-certificateur-et-mes-audits",
    "org_certifier:review_edit": f"{QUALITY}#mon-certificateur-et-mes-audits",
    "offers:partner_offers": "reseau#saisir-une-offre-de-la-structure",
    "offers:partner_offer": "reseau#saisir-une-offre-de-la-structure",
    "offers:partner_offer_create": "reseau#saisir-une-offre-de-la-structure",
    "offers:relevance": "reseau#offres-a-examiner",
    "offers:rules": "reseau#regles-de-pertinence",
    "offers:subscriptions": "reseau#sources-et-abonnements",
    "offers:imports": "reseau#importer-un-flux-lheo",
    "offers:import_run": "reseau#importer-un-flux-lheo",
    "offers:open_data": "reseau#donnees-ouvertes",
    "offers:map": "reseau#la-carte-des-formations-recherche-publique",
    "offers:offer": "reseau#la-carte-des-formations-recherche-publique",
    # A network's référentiel (public pages, proposals, decisions).
    "referentiel:index": "referentiel#lire-le-referentiel-publie",
    "referentiel:search": "referentiel#lire-le-referentiel-publie",
    "referentiel:version": "referentiel#citer-une-version",
    "referentiel:diff": "referentiel#citer-une-version",
    "referentiel:proposals": "referentiel#proposer-un-changement",
    "referentiel:proposal_create": "referentiel#proposer-un-changement",
    "referentiel:proposal": "referentiel#decider-et-publier-comite",
    # The tender watch (docs/guide/reseau.md).
    "tenders:notices": "reseau#appels-doffres",
    "tenders:notice": "reseau#appels-doffres",
    "tenders:interests": "reseau#appels-doffres",
    "tenders:profiles": "reseau#profils-de-veille",
    "tenders:profile_create": "reseau#profils-de-veille",
    "tenders:profile": "reseau#profils-de-veille",
    "recognition:list": "referentiel#projets-de-certification",
    "recognition:create": "referentiel#projets-de-certification",
    "recognition:detail": "referentiel#projets-de-certification",
    "referentiel:coverage": "referentiel#couverture-du-referentiel-par-les-formations",
    "referentiel:trainer_queue": "referentiel#competences-des-formateurrices",
    "referentiel_org:training": "referentiel#relier-les-objectifs-dune-formation-aux-competences",
    "referentiel_org:trainer": "referentiel#competences-des-formateurrices",
    # The exchanges of know-how: the members' pages (docs/guide/echanges.md), the facilitators' pages
    # (docs/guide/animation-des-echanges.md). A network page has no organisation role: one target per page.
    "exchanges:home": f"{EXCHANGES}#sinscrire-aux-echanges",
    "exchanges:join": f"{EXCHANGES}#sinscrire-aux-echanges",
    "exchanges:member": f"{EXCHANGES}#mon-inscription-profil-offres-et-demandes",
    "exchanges:member_edit": f"{EXCHANGES}#mon-inscription-profil-offres-et-demandes",
    "exchanges:member_leave": f"{EXCHANGES}#quitter-les-echanges",
    "exchanges:listings": f"{EXCHANGES}#parcourir-les-offres-et-demandes",
    "exchanges:listing": f"{EXCHANGES}#demander-une-mise-en-relation",
    "exchanges:listing_create": f"{EXCHANGES}#mon-inscription-profil-offres-et-demandes",
    "exchanges:listing_edit": f"{EXCHANGES}#mon-inscription-profil-offres-et-demandes",
    "exchanges:exchanges": f"{EXCHANGES}#quand-une-rencontre-est-organisee",
    "exchanges:exchange": f"{EXCHANGES}#quand-une-rencontre-est-organisee",
    "exchanges:debrief": f"{EXCHANGES}#ecrire-son-bilan",
    "exchanges:artefact_create": f"{EXCHANGES}#capitaliser-une-fiche-un-recit-ou-un-outil",
    "exchanges:artefact": f"{EXCHANGES}#capitaliser-une-fiche-un-recit-ou-un-outil",
    "exchanges:suggestions": f"{FACILITATION}#la-file-des-mises-en-relation",
    "exchanges:suggestion_arrange": f"{FACILITATION}#organiser-la-rencontre",
    "exchanges:exchange_edit": f"{FACILITATION}#suivre-les-echanges",
    "exchanges:exchange_state": f"{FACILITATION}#suivre-les-echanges",
    "exchanges:step_create": f"{FACILITATION}#les-etapes-et-lemargement",
    "exchanges:step_edit": f"{FACILITATION}#les-etapes-et-lemargement",
    "exchanges:step_attendance": f"{FACILITATION}#les-etapes-et-lemargement",
    "exchanges:expedition_create": f"{FACILITATION}#expeditions-apprenantes",
    "exchanges:transfer_create": f"{FACILITATION}#compagnonnages",
    "exchanges:milestone_create": f"{FACILITATION}#compagnonnages",
    "exchanges:milestone_edit": f"{FACILITATION}#compagnonnages",
    "exchanges:exchange_bridge": f"{FACILITATION}#transformer-un-echange-en-action-de-formation",
    "exchanges:exchange_bridge_done": f"{FACILITATION}#ce-que-lorganisme-doit-ensuite-faire",
    "exchanges:public": f"{FACILITATION}#page-publique-et-donnees-ouvertes",
    "exchanges:artefact_public": f"{EXCHANGES}#capitaliser-une-fiche-un-recit-ou-un-outil",
    "exchanges:outbox": f"{FACILITATION}#les-e-mails-des-echanges",
    "exchanges:outbox_detail": f"{FACILITATION}#les-e-mails-des-echanges",
    "exchanges:mail_texts": f"{FACILITATION}#les-e-mails-des-echanges",
    "exchanges:mail_text_edit": f"{FACILITATION}#les-e-mails-des-echanges",
}


def help_target(view_name: str, role: str | None) -> tuple[str, str] | None:
    """(page, anchor) of the help of the page `view_name` as seen by `role` (None: no account), or None."""
    target = HELP_LINKS.get(view_name)
    if target is None:
        return None
    if isinstance(target, dict):
        target = target.get(role or "", target["default"])
    page, _, anchor = target.partition("#")
    return page, anchor
