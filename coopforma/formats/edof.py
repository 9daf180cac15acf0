# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Mon Compte Formation (EDOF) catalogue import file, from the LHEO records of `lheo_write`.

The Caisse des Dépôts' « kit XML » (June 2026): an LHEO dialect in the namespace
https://www.of.moncompteformation.gouv.fr, encoded in ISO-8859-1, checked by `lheo_import_fichier_xml_optimise_v5r2.xsd`
(shipped in schemas/edof/ with where it comes from). What differs from LHEO 2.3 (regulations.md §5.5): one
certification per formation, exactly one of code-RNCP `RNCP\\d+`, code-RS `RS\\d+`, code-CPF `CPF\\d+`; a formation,
action, session and address each end with a required `extras` block (`info="formation"`, …); an action has exactly one
`lieu-de-formation` whose `coordonnees` need a last name, a first name, a fixed-line number (`\\+?[0-9]+`, 15 digits at
most) and an e-mail; `acces-handicapes` and `langue-formation` are required; `etat-recrutement` is 1 or 2.

The file is never cut to fit: `edof_problems` lists, for one formation, what the import would refuse (missing
values, texts over the XSD's limits, codes of the wrong shape) with a stable key per item, so the catalogue can
say in French where to fix it; `write_edof` raises `LheoError` on the first one if it is called anyway.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from coopforma.formats.lheo_write import (
    Action,
    Adresse,
    Contact,
    Formation,
    LheoError,
    Session,
    _Writer,
    clean,
    euros,
    lheo_date,
    phone_digits,
)

EDOF_NAMESPACE = "https://www.of.moncompteformation.gouv.fr"
EDOF_ENCODING = "ISO-8859-1"
EDOF_XSD = "lheo_import_fichier_xml_optimise_v5r2.xsd"

# The limits of the v5r2 XSD for the values we write.
EDOF_LIMITS = {
    "intitule-formation": 255,
    "objectif-formation": 3000,
    "resultats-attendus": 3000,
    "contenu-formation": 3000,
    "conditions-specifiques": 3000,
    "acces-handicapes": 250,
    "modalites-recrutement": 3000,
    "modalites-pedagogiques": 200,
    "ligne": 50,
    "ville": 50,
    "nom": 50,
    "prenom": 50,
    "courriel": 160,
    "urlweb": 400,
    "numtel": 15,
}
CERTIFICATION_PATTERNS = {"rncp": r"RNCP[0-9]{1,6}", "rs": r"RS[0-9]{1,8}", "cpf": r"CPF[0-9]{1,7}"}

# Typography ISO-8859-1 cannot hold, written the way a French keyboard would.
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "œ": "oe", "Œ": "OE", "–": "-", "—": "-"})
_LATIN1.update({0x202F: " ", 0x2009: " ", 0x20AC: "EUR"})


def latin1(text: str) -> str:
    return clean(text).translate(_LATIN1)


@dataclass(frozen=True)
class EdofProblem:
    """One thing the EDOF import would refuse: a stable key (what to fix), the element, and a French detail."""

    key: str
    element: str
    detail: str


def _length(key: str, element: str, value: str, *, required: bool, problems: list[EdofProblem]) -> None:
    value = latin1(value)
    limit = EDOF_LIMITS.get(element)
    if not value:
        if required:
            problems.append(EdofProblem(key, element, "manquant"))
    elif limit is not None and len(value) > limit:
        problems.append(EdofProblem(key, element, f"{len(value)} caractères pour {limit} au plus"))


def _contact_problems(key: str, contact: Contact | None, problems: list[EdofProblem]) -> None:
    if contact is None:
        problems.append(EdofProblem(key, "coordonnees", "manquant"))
        return
    _length(f"{key}_name", "nom", contact.nom, required=True, problems=problems)
    _length(f"{key}_name", "prenom", contact.prenom, required=True, problems=problems)
    phone = phone_digits(contact.telephone or contact.portable)
    if not re.fullmatch(r"\+?[0-9]{1,14}", phone) or len(phone) > 15:
        problems.append(EdofProblem(f"{key}_phone", "telfixe", "numéro manquant ou de plus de 15 chiffres"))
    _length(f"{key}_email", "courriel", contact.courriel, required=True, problems=problems)


def _address_problems(key: str, adresse: Adresse | None, problems: list[EdofProblem]) -> None:
    if adresse is None or not any(clean(x) for x in adresse.lignes):
        problems.append(EdofProblem(key, "adresse", "manquante"))
        return
    for line in adresse.lignes:
        _length(key, "ligne", line, required=False, problems=problems)
    if not re.fullmatch(r"[0-9]{5}", clean(adresse.codepostal)):
        problems.append(EdofProblem(key, "codepostal", "code postal à 5 chiffres manquant"))
    _length(key, "ville", adresse.ville, required=True, problems=problems)


def edof_problems(formation: Formation) -> list[EdofProblem]:
    """What the EDOF import would refuse in this formation (empty: it can be written)."""
    problems: list[EdofProblem] = []
    codes = [
        (kind, getattr(cert, kind))
        for cert in formation.certifications
        for kind in ("rncp", "rs", "cpf")
        if getattr(cert, kind)
    ]
    if not codes:
        problems.append(EdofProblem("certification", "certification", "code RNCP, RS ou CPF manquant"))
    elif not re.fullmatch(CERTIFICATION_PATTERNS[codes[0][0]], codes[0][1]):
        problems.append(EdofProblem("certification", "certification", f"« {codes[0][1]} » n'a pas la forme attendue"))
    _length("title", "intitule-formation", formation.intitule, required=True, problems=problems)
    _length("objectives", "objectif-formation", formation.objectif, required=True, problems=problems)
    _length("results", "resultats-attendus", formation.resultats_attendus, required=True, problems=problems)
    _length("content", "contenu-formation", formation.contenu, required=True, problems=problems)
    if not re.fullmatch(r"[0-9]{14}", clean(formation.organisme.siret)):
        problems.append(EdofProblem("siret", "SIRET", "SIRET à 14 chiffres manquant"))
    for action in formation.actions:
        _length(
            "prerequisites", "conditions-specifiques", action.conditions_specifiques, required=False, problems=problems
        )
        _length("accessibility", "acces-handicapes", action.acces_handicapes, required=True, problems=problems)
        if not action.lieux:
            problems.append(EdofProblem("place", "lieu-de-formation", "manquant"))
        else:
            _address_problems("place", action.lieux[0].coordonnees.adresse, problems)
            _contact_problems("contact", action.lieux[0].coordonnees, problems)
        if not action.sessions:
            problems.append(EdofProblem("sessions", "session", "aucune session à venir"))
        for session in action.sessions:
            _address_problems("place", session.adresse_inscription, problems)
        if action.prix_ht_cents is None:
            problems.append(EdofProblem("price", "frais-pedagogiques", "prix manquant"))
    # One problem per key and element is enough to say what to fix.
    seen: set[tuple[str, str]] = set()
    unique = []
    for problem in problems:
        if (problem.key, problem.element) not in seen:
            seen.add((problem.key, problem.element))
            unique.append(problem)
    return unique


class EdofWriter(_Writer):
    def __init__(self) -> None:
        super().__init__(EDOF_NAMESPACE, cut_texts=False)
        self.numero = 0

    def next_numero(self) -> str:
        self.numero += 1
        return str(self.numero)

    def text(self, parent, tag, value, path, *, required=False, **attrs):  # type: ignore[no-untyped-def,override]
        return super().text(parent, tag, latin1(value), path, required=required, **attrs)

    def add_extra(self, parent: etree._Element, info: str, value: str) -> None:
        value = latin1(value)
        if value:
            self.el(parent, "extra", info=info).text = value

    def adresse(self, parent: etree._Element, adresse: Adresse, path: str) -> None:
        node = self.el(parent, "adresse", numero=self.next_numero())
        path = f"{path}/adresse"
        lines = [line for line in (latin1(x) for x in adresse.lignes) if line][:3]
        if not lines:
            raise LheoError(f"{path}/ligne", "valeur obligatoire manquante")
        for line in lines:
            self.text(node, "ligne", line, path)
        self.code(node, "codepostal", adresse.codepostal, r"[0-9]{5}", path)
        self.text(node, "ville", adresse.ville, path, required=True)
        if adresse.pays:
            self.code(node, "pays", adresse.pays, r"[A-Z]{2}", path)
        if adresse.latitude and adresse.longitude:
            geo = self.el(node, "geolocalisation")
            self.el(geo, "latitude").text = adresse.latitude[:30]
            self.el(geo, "longitude").text = adresse.longitude[:30]
        extras = self.el(node, "extras", info="adresse")
        self.add_extra(extras, "accessibilite-batimentaire", adresse.accessibilite[:250])

    def coordonnees(self, parent: etree._Element, contact: Contact, path: str, *, with_address: bool) -> None:
        node = self.el(parent, "coordonnees", numero=self.next_numero())
        path = f"{path}/coordonnees"
        self.text(node, "nom", contact.nom, path, required=True)
        self.text(node, "prenom", contact.prenom, path, required=True)
        if with_address and contact.adresse is not None:
            self.adresse(node, contact.adresse, path)
        phone = phone_digits(contact.telephone or contact.portable)
        self.code(self.el(node, "telfixe"), "numtel", phone, r"\+?[0-9]{1,14}", f"{path}/telfixe")
        self.text(node, "courriel", contact.courriel, path, required=True)
        if contact.fonction:
            extras = self.el(node, "extras", info="coordonnees")
            self.add_extra(extras, "fonction", contact.fonction)

    def session(self, parent: etree._Element, session: Session, contact: Contact, path: str) -> None:
        node = self.el(
            parent,
            "session",
            numero=session.numero,
            datemaj=lheo_date(session.datemaj),
            datecrea=lheo_date(session.datecrea),
        )
        if session.debut is not None or session.fin is not None:
            periode = self.el(node, "periode")
            if session.debut is not None:
                self.el(periode, "debut").text = lheo_date(session.debut)
            if session.fin is not None:
                self.el(periode, "fin").text = lheo_date(session.fin)
        self.adresse(self.el(node, "adresse-inscription"), session.adresse_inscription, f"{path}/adresse-inscription")
        # EDOF knows open (1) and closed (2) only: a suspended session is closed to enrolment.
        self.el(node, "etat-recrutement").text = "1" if session.etat_recrutement == "1" else "2"
        extras = self.el(node, "extras", info="session")
        inscription = self.el(extras, "extra", info="contact-inscription")
        self.coordonnees(inscription, session.contact or contact, f"{path}/extras", with_address=False)
        self.add_extra(extras, "modalites-particulieres", session.modalites_inscription[:3000])

    def action(self, parent: etree._Element, action: Action, path: str) -> None:
        node = self.el(
            parent,
            "action",
            numero=action.numero,
            datemaj=lheo_date(action.datemaj),
            datecrea=lheo_date(action.datecrea),
        )
        self.el(node, "niveau-entree-obligatoire").text = "1" if action.niveau_entree_obligatoire else "0"
        self.code(node, "modalites-enseignement", action.modalites_enseignement, r"[012]", path)
        self.text(node, "conditions-specifiques", action.conditions_specifiques, path)
        if not action.lieux:
            raise LheoError(f"{path}/lieu-de-formation", "valeur obligatoire manquante")
        place_contact = action.lieux[0].coordonnees
        self.coordonnees(
            self.el(node, "lieu-de-formation"), place_contact, f"{path}/lieu-de-formation", with_address=True
        )
        self.code(node, "modalites-entrees-sorties", action.modalites_entrees_sorties, r"[01]", path)
        if action.url:
            self.text(self.el(node, "url-action"), "urlweb", action.url, f"{path}/url-action")
        if not action.sessions:
            raise LheoError(f"{path}/session", "au moins une session est requise")
        for i, session in enumerate(action.sessions, 1):
            self.session(node, session, action.contact_information or place_contact, f"{path}/session[{i}]")
        self.text(node, "acces-handicapes", action.acces_handicapes, path, required=True)
        self.code(node, "langue-formation", (action.langues or ("fr",))[0].upper(), r"[A-Z]{2}", path)
        self.text(node, "modalites-recrutement", action.modalites_recrutement, path)
        self.text(node, "modalites-pedagogiques", action.modalites_pedagogiques, path)
        if action.nombre_heures_centre is not None:
            self.el(node, "nombre-heures-centre").text = str(int(action.nombre_heures_centre))
        if action.nombre_heures_entreprise is not None:
            self.el(node, "nombre-heures-entreprise").text = str(int(action.nombre_heures_entreprise))
        extras = self.el(node, "extras", info="action")
        if action.contact_information is not None:
            info = self.el(extras, "extra", info="contact-information")
            self.coordonnees(info, action.contact_information, f"{path}/extras", with_address=False)
        self.add_extra(extras, "modalites-handicap", action.modalites_handicap[:3000])
        self.add_extra(extras, "info-admission", action.info_admission[:3000])
        if action.prix_ht_cents is None:
            raise LheoError(f"{path}/extras/frais-pedagogiques", "prix manquant")
        fees = self.el(extras, "extras", info="frais-pedagogiques")
        ttc = action.prix_ht_cents + action.prix_ht_cents * action.taux_tva_bp // 10000
        self.add_extra(fees, "taux-tva", f"{action.taux_tva_bp // 100}.{action.taux_tva_bp % 100 // 10}")
        self.add_extra(fees, "frais-ht", euros(action.prix_ht_cents))
        self.add_extra(fees, "frais-ttc", euros(ttc))
        self.add_extra(extras, "existence-prerequis", "1" if action.existence_prerequis else "0")

    def formation(self, parent: etree._Element, formation: Formation, path: str) -> None:
        node = self.el(
            parent,
            "formation",
            numero=formation.numero,
            datemaj=lheo_date(formation.datemaj),
            datecrea=lheo_date(formation.datecrea),
        )
        self.text(node, "intitule-formation", formation.intitule, path, required=True)
        self.text(node, "objectif-formation", formation.objectif, path, required=True)
        self.text(node, "resultats-attendus", formation.resultats_attendus, path, required=True)
        self.text(node, "contenu-formation", formation.contenu, path, required=True)
        self.code(node, "parcours-de-formation", formation.parcours, r"[1-4]", path)
        self.code(node, "objectif-general-formation", formation.objectif_general, r"[2456789]", path)
        cert = self.el(node, "certification")
        codes = [(k, getattr(c, k)) for c in formation.certifications for k in ("rncp", "rs", "cpf") if getattr(c, k)]
        if not codes:
            raise LheoError(f"{path}/certification", "code RNCP, RS ou CPF manquant")
        kind, code = codes[0]
        tag = {"rncp": "code-RNCP", "rs": "code-RS", "cpf": "code-CPF"}[kind]
        self.code(cert, tag, code, CERTIFICATION_PATTERNS[kind], f"{path}/certification")
        for i, action in enumerate(formation.actions, 1):
            self.action(node, action, f"{path}/action[{i}]")
        org = self.el(node, "organisme-formation-responsable")
        self.code(self.el(org, "SIRET-organisme-formation"), "SIRET", formation.organisme.siret, r"[0-9]{14}", path)
        extras = self.el(node, "extras", info="formation")
        self.add_extra(extras, "resume-contenu", formation.resume[:3000] or formation.intitule)
        if formation.blocs:
            blocs = self.el(extras, "extras", info="blocs-competences")
            for bloc in formation.blocs:
                self.add_extra(blocs, "code-bloc", bloc.code)


def write_edof(formations: Iterable[Formation], *, generated_on: dt.date) -> bytes:
    """The EDOF import file (ISO-8859-1) of these formations; `LheoError` names the first refused value."""
    del generated_on  # the EDOF root carries no date; kept for the same call as write_lheo
    writer = EdofWriter()
    root = etree.Element(f"{{{EDOF_NAMESPACE}}}lheo", nsmap={None: EDOF_NAMESPACE})
    offres = writer.el(root, "offres")
    count = 0
    for count, formation in enumerate(formations, 1):
        problems = edof_problems(formation)
        if problems:
            first = problems[0]
            raise LheoError(f"formation[{count}]/{first.element}", first.detail)
        writer.formation(offres, formation, f"formation[{count}]")
    if count == 0:
        raise LheoError("offres/formation", "aucune formation à exporter")
    return etree.tostring(root, xml_declaration=True, encoding=EDOF_ENCODING, pretty_print=True)
