# SPDX-License-Identifier: AGPL-3.0-or-later
"""LHEO 2.3 (Langage harmonisé d'échanges d'informations sur l'offre de formation) from typed records.

The records below are plain frozen dataclasses, one per LHEO noun (formation → action → session, organisme,
adresse, contact): the catalogue app fills them from its trainings and sessions, `write_lheo` turns them into the
XML the Carif-Oref take in, `formats.edof.write_edof` into the Mon Compte Formation dialect. A reader of LHEO feeds
can give back the same records (round trip).

Element tree and order: the LHEO 2.3 schema (namespace http://lheo.gouv.fr/2.3, schema
http://lheo.gouv.fr/2.3/lheo.xsd, generated from lheo-gml.xml of github.com/lheo/lheo-schema). Children are strict
sequences: every element is written in the schema's order, and only the elements we have something for. Value
formats: dates AAAAMMJJ (00000000 unknown start, 99999999 open end), booleans 0/1, codes with their dictionary
(dict-modalites-enseignement, dict-type-parcours, dict-niveaux, dict-type-contact…).

Lengths: a free text over the schema's limit is cut at the limit with « … » (the feed stays valid; the EDOF export
refuses instead, see edof.py); a required value that is empty or a code of the wrong shape raises `LheoError` with
the element's path, so a caller never publishes an invalid file.
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

LHEO_NAMESPACE = "http://lheo.gouv.fr/2.3"
FORMACODE_VERSION = "V12"
ROME_VERSION = "V3"

# dict-modalites-enseignement
ON_SITE, BLENDED, REMOTE = "0", "1", "2"
# dict-type-parcours
PATH_GROUP, PATH_INDIVIDUAL, PATH_MODULAR, PATH_MIXED = "1", "2", "3", "4"
# dict-etat-recrutement
RECRUITMENT_OPEN, RECRUITMENT_CLOSED, RECRUITMENT_SUSPENDED = "1", "2", "3"
# dict-type-contact (the ones we write)
CONTACT_DISABILITY, CONTACT_WELCOME, CONTACT_MANAGEMENT = "1", "4", "5"
# dict-niveaux: 0 non communiqué; the national framework's levels 1–8 (2019) are 11–18.
LEVEL_UNKNOWN = "0"

UNKNOWN_START = "00000000"
OPEN_END = "99999999"

# Character limits of the LHEO 2.3 schema for the texts we write.
LIMITS = {
    "intitule-formation": 255,
    "objectif-formation": 3000,
    "resultats-attendus": 3000,
    "contenu-formation": 3000,
    "rythme-formation": 3000,
    "info-public-vise": 250,
    "modalites-alternance": 3000,
    "conditions-specifiques": 3000,
    "acces-handicapes": 250,
    "modalites-recrutement": 3000,
    "modalites-pedagogiques": 200,
    "duree-indicative": 150,
    "modalites-inscription": 255,
    "nom-organisme": 250,
    "raison-sociale": 250,
    "denomination": 255,
    "ligne": 50,
    "ville": 50,
    "nom": 50,
    "prenom": 50,
    "civilite": 50,
    "courriel": 160,
    "urlweb": 400,
    "numtel": 25,
    "libelle-bloc": 500,
}


class LheoError(ValueError):
    """A value the schema refuses, with where it is (`formation[3]/action[1]/session[2]/periode/debut`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path} : {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Adresse:
    """A postal address (LHEO `adresse`): 1 to 4 lines of 50 characters, a 5-digit postcode, a town."""

    lignes: tuple[str, ...]
    codepostal: str
    ville: str
    denomination: str = ""
    pays: str = "FR"  # ISO 3166 alpha-2
    latitude: str = ""
    longitude: str = ""
    accessibilite: str = ""  # EDOF extra « accessibilite-batimentaire »


@dataclass(frozen=True)
class Contact:
    """A person or a desk to reach (LHEO `coordonnees`), with its role (dict-type-contact) when known."""

    nom: str = ""
    prenom: str = ""
    civilite: str = ""
    adresse: Adresse | None = None
    telephone: str = ""
    portable: str = ""
    courriel: str = ""
    web: str = ""
    type_contact: str = ""
    fonction: str = ""  # EDOF extra « fonction »


@dataclass(frozen=True)
class Organisme:
    """The organisation responsible for the offer (LHEO `organisme-formation-responsable`)."""

    numero_activite: str  # NDA, 11 characters
    siret: str
    nom: str
    raison_sociale: str
    coordonnees: Contact
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Certification:
    """One certification code: RNCP (`RNCP12345`), RS (`RS1234`), CPF (`CPF202`) or CertifInfo."""

    rncp: str = ""
    rs: str = ""
    cpf: str = ""
    certifinfo: str = ""


@dataclass(frozen=True)
class Bloc:
    """A block of competences of an RNCP certification (`RNCP40344BC01`)."""

    code: str
    libelle: str


@dataclass(frozen=True)
class Lieu:
    """Where an action takes place (LHEO `lieu-de-formation`): its contact with the address."""

    coordonnees: Contact
    siret: str = ""


@dataclass(frozen=True)
class Session:
    """One dated run of an action (LHEO `session`)."""

    numero: str
    datecrea: dt.date
    datemaj: dt.date
    adresse_inscription: Adresse
    debut: dt.date | None = None
    fin: dt.date | None = None
    etat_recrutement: str = RECRUITMENT_OPEN
    modalites_inscription: str = ""
    places_restantes: int | None = None
    url: str = ""
    contact: Contact | None = None
    blocs: tuple[Bloc, ...] = ()
    certification: Certification | None = None  # the reference of the blocks


@dataclass(frozen=True)
class Action:
    """How an offer is delivered (LHEO `action`): modality, place, price, hours, and its sessions."""

    numero: str
    datecrea: dt.date
    datemaj: dt.date
    rythme_formation: str
    codes_public_vise: tuple[str, ...]  # Formacode descriptors of the public (annex list), 5 digits
    modalites_enseignement: str
    conditions_specifiques: str
    sessions: tuple[Session, ...]
    info_public_vise: str = ""
    niveau_entree_obligatoire: bool = False
    modalites_alternance: str = "Sans objet"
    prise_en_charge_frais_possible: bool = True
    lieux: tuple[Lieu, ...] = ()
    modalites_entrees_sorties: str = "0"  # dict-modalites-es: 0 dates fixes, 1 permanentes
    url: str = ""
    acces_handicapes: str = ""
    langues: tuple[str, ...] = ("fr",)
    modalites_recrutement: str = ""
    modalites_pedagogiques: str = ""
    prix_total_ttc_cents: int | None = None
    prix_ht_cents: int | None = None
    taux_tva_bp: int = 0  # basis points (2000 = 20 %)
    duree_indicative: str = ""
    nombre_heures_centre: int | None = None
    nombre_heures_entreprise: int | None = None
    nombre_heures_total: int | None = None
    contact_information: Contact | None = None
    modalites_handicap: str = ""
    info_admission: str = ""
    existence_prerequis: bool = False


@dataclass(frozen=True)
class Formation:
    """An offer (LHEO `formation`): its content, certification, contacts, actions and the responsible body."""

    numero: str
    datecrea: dt.date
    datemaj: dt.date
    intitule: str
    objectif: str
    resultats_attendus: str
    contenu: str
    certifiante: bool
    contacts: tuple[Contact, ...]
    actions: tuple[Action, ...]
    organisme: Organisme
    formacodes: tuple[str, ...] = ()
    nsf: tuple[str, ...] = ()
    rome: tuple[str, ...] = ()
    parcours: str = PATH_GROUP
    code_niveau_entree: str = LEVEL_UNKNOWN
    code_niveau_sortie: str = ""
    objectif_general: str = ""  # dict-AIS
    certifications: tuple[Certification, ...] = ()
    url: str = ""
    resume: str = ""
    blocs: tuple[Bloc, ...] = field(default=())
    # (info, value) pairs written as <extras info="coopforma"><extra info="…">…</extra></extras> (the provenance)
    extras: tuple[tuple[str, str], ...] = ()


# Characters XML 1.0 refuses (C0 controls but tab, newline, carriage return): a pasted text may carry them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _FORBIDDEN.sub("", text or "").strip()


def cut(text: str, limit: int) -> str:
    """The text within `limit` characters, ending with « … » when it was cut."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lheo_date(day: dt.date | None, *, end: bool = False) -> str:
    if day is None:
        return OPEN_END if end else UNKNOWN_START
    return f"{day:%Y%m%d}"


def phone_digits(phone: str) -> str:
    """A telephone number as the schemas want it: digits, with a leading + for an international number."""
    phone = clean(phone)
    digits = re.sub(r"\D", "", phone)
    return ("+" + digits) if phone.startswith("+") and digits else digits


def euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class _Writer:
    """Builds elements in one namespace, checking required values and cutting long texts."""

    def __init__(self, namespace: str, *, cut_texts: bool = True) -> None:
        self.ns = namespace
        self.cut_texts = cut_texts

    def el(self, parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.ns}}}{tag}", attrs)

    def text(
        self,
        parent: etree._Element,
        tag: str,
        value: str,
        path: str,
        *,
        required: bool = False,
        **attrs: str,
    ) -> etree._Element | None:
        value = clean(value)
        if not value:
            if required:
                raise LheoError(f"{path}/{tag}", "valeur obligatoire manquante")
            return None
        limit = LIMITS.get(tag)
        if limit is not None and len(value) > limit:
            if not self.cut_texts:
                raise LheoError(f"{path}/{tag}", f"{len(value)} caractères pour {limit} au plus")
            value = cut(value, limit)
        node = self.el(parent, tag, **attrs)
        node.text = value
        return node

    def code(
        self, parent: etree._Element, tag: str, value: str, pattern: str, path: str, **attrs: str
    ) -> etree._Element:
        value = clean(value)
        if not re.fullmatch(pattern, value):
            raise LheoError(f"{path}/{tag}", f"« {value} » n'a pas la forme attendue")
        node = self.el(parent, tag, **attrs)
        node.text = value
        return node


def _bool(value: bool) -> str:
    return "1" if value else "0"


class LheoWriter(_Writer):
    """The LHEO 2.3 tree of a list of formations."""

    def __init__(self) -> None:
        super().__init__(LHEO_NAMESPACE)

    def adresse(self, parent: etree._Element, adresse: Adresse, path: str) -> None:
        node = self.el(parent, "adresse")
        path = f"{path}/adresse"
        self.text(node, "denomination", adresse.denomination, path)
        lines = [line for line in (clean(x) for x in adresse.lignes) if line][:4]
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
            self.text(geo, "latitude", adresse.latitude[:30], path)
            self.text(geo, "longitude", adresse.longitude[:30], path)

    def coordonnees(self, parent: etree._Element, contact: Contact, path: str) -> None:
        node = self.el(parent, "coordonnees")
        path = f"{path}/coordonnees"
        self.text(node, "civilite", contact.civilite, path)
        self.text(node, "nom", contact.nom, path)
        self.text(node, "prenom", contact.prenom, path)
        if contact.adresse is not None:
            self.adresse(node, contact.adresse, path)
        for tag, number in (("telfixe", contact.telephone), ("portable", contact.portable)):
            if clean(number):
                self.text(self.el(node, tag), "numtel", number, f"{path}/{tag}")
        if clean(contact.courriel):
            self.text(node, "courriel", contact.courriel, path)
        if clean(contact.web):
            self.text(self.el(node, "web"), "urlweb", contact.web, f"{path}/web")

    def contact(self, parent: etree._Element, tag: str, contact: Contact, path: str) -> None:
        node = self.el(parent, tag)
        if contact.type_contact:
            self.code(node, "type-contact", contact.type_contact, r"[0-9]{1,2}", f"{path}/{tag}")
        self.coordonnees(node, contact, f"{path}/{tag}")

    def certification(self, parent: etree._Element, cert: Certification, path: str) -> None:
        node = self.el(parent, "certification")
        path = f"{path}/certification"
        if cert.rncp:
            self.code(node, "code-RNCP", cert.rncp, r"(RNCP)?[0-9]{1,6}", path)
        if cert.certifinfo:
            self.code(node, "code-CERTIFINFO", cert.certifinfo, r"[0-9]{1,10}", path)
        if cert.rs:
            self.code(node, "code-RS", cert.rs, r"RS[0-9]{1,8}", path)
        if cert.cpf:
            self.code(node, "code-CPF", cert.cpf, r"CPF[0-9]{1,7}", path)

    def session(self, parent: etree._Element, session: Session, path: str) -> None:
        node = self.el(
            parent,
            "session",
            numero=session.numero,
            datecrea=lheo_date(session.datecrea),
            datemaj=lheo_date(session.datemaj),
        )
        periode = self.el(node, "periode")
        self.el(periode, "debut").text = lheo_date(session.debut)
        self.el(periode, "fin").text = lheo_date(session.fin, end=True)
        self.adresse(self.el(node, "adresse-inscription"), session.adresse_inscription, f"{path}/adresse-inscription")
        self.text(node, "modalites-inscription", session.modalites_inscription, path)
        self.code(node, "etat-recrutement", session.etat_recrutement, r"[123]", path)
        if session.url:
            self.text(self.el(node, "url-session"), "urlweb", session.url, f"{path}/url-session")
        if session.contact is not None:
            self.contact(node, "contact-session", session.contact, path)
        if session.blocs and session.certification is not None:
            blocs = self.el(node, "blocs-competences")
            bpath = f"{path}/blocs-competences"
            self.el(blocs, "validation-blocs").text = "0"  # dict-type-validation-blocs: partielle
            ref = self.el(blocs, "reference-certification")
            if session.certification.rncp:
                self.code(ref, "reference-code-RNCP", session.certification.rncp, r"(RNCP)?[0-9]{1,6}", bpath)
            if session.certification.rs:
                self.code(ref, "reference-code-RS", session.certification.rs, r"RS[0-9]{1,8}", bpath)
            for i, bloc in enumerate(session.blocs, 1):
                item = self.el(blocs, "bloc-competences")
                self.text(item, "libelle-bloc", bloc.libelle, f"{bpath}/bloc-competences[{i}]", required=True)
                self.code(item, "code-bloc", bloc.code, r"[A-Z0-9]{8,40}", f"{bpath}/bloc-competences[{i}]")
        if session.places_restantes is not None:
            extras = self.el(node, "extras", info="session")
            self.el(extras, "extra", info="places-restantes").text = str(max(session.places_restantes, 0))

    def action(self, parent: etree._Element, action: Action, path: str) -> None:
        node = self.el(
            parent,
            "action",
            numero=action.numero,
            datecrea=lheo_date(action.datecrea),
            datemaj=lheo_date(action.datemaj),
        )
        self.text(node, "rythme-formation", action.rythme_formation, path, required=True)
        publics = [code for code in action.codes_public_vise if clean(code)][:10]
        if not publics:
            raise LheoError(f"{path}/code-public-vise", "valeur obligatoire manquante")
        for code in publics:
            self.code(node, "code-public-vise", code, r"[0-9]{5}", path, ref=FORMACODE_VERSION)
        self.text(node, "info-public-vise", action.info_public_vise, path)
        self.el(node, "niveau-entree-obligatoire").text = _bool(action.niveau_entree_obligatoire)
        self.text(node, "modalites-alternance", action.modalites_alternance, path, required=True)
        self.code(node, "modalites-enseignement", action.modalites_enseignement, r"[012]", path)
        self.text(node, "conditions-specifiques", action.conditions_specifiques, path, required=True)
        self.el(node, "prise-en-charge-frais-possible").text = _bool(action.prise_en_charge_frais_possible)
        for i, lieu in enumerate(action.lieux, 1):
            lnode = self.el(node, "lieu-de-formation")
            if lieu.siret:
                self.code(self.el(lnode, "SIRET-lieu-formation"), "SIRET", lieu.siret, r"[0-9]{14}", path)
            self.coordonnees(lnode, lieu.coordonnees, f"{path}/lieu-de-formation[{i}]")
        self.code(node, "modalites-entrees-sorties", action.modalites_entrees_sorties, r"[01]", path)
        if action.url:
            self.text(self.el(node, "url-action"), "urlweb", action.url, f"{path}/url-action")
        if not action.sessions:
            raise LheoError(f"{path}/session", "au moins une session est requise")
        for i, session in enumerate(action.sessions, 1):
            self.session(node, session, f"{path}/session[{i}]")
        self.text(node, "acces-handicapes", action.acces_handicapes, path)
        for langue in action.langues[:5]:
            self.code(node, "langue-formation", langue.lower(), r"[a-z]{2}", path)
        self.text(node, "modalites-recrutement", action.modalites_recrutement, path)
        self.text(node, "modalites-pedagogiques", action.modalites_pedagogiques, path)
        if action.prix_total_ttc_cents is not None:
            price = euros(action.prix_total_ttc_cents)
            if len(price) > 10:
                raise LheoError(f"{path}/prix-total-TTC", f"{price} dépasse 10 caractères")
            self.el(node, "prix-total-TTC").text = price
        self.text(node, "duree-indicative", action.duree_indicative, path)
        for tag, hours in (
            ("nombre-heures-centre", action.nombre_heures_centre),
            ("nombre-heures-entreprise", action.nombre_heures_entreprise),
            ("nombre-heures-total", action.nombre_heures_total),
        ):
            if hours is not None:
                self.el(node, tag).text = str(int(hours))

    def organisme(self, parent: etree._Element, org: Organisme, path: str) -> None:
        node = self.el(parent, "organisme-formation-responsable")
        path = f"{path}/organisme-formation-responsable"
        self.code(node, "numero-activite", org.numero_activite, r"[0-9A-Z]{11}", path)
        self.code(self.el(node, "SIRET-organisme-formation"), "SIRET", org.siret, r"[0-9]{14}", path)
        self.text(node, "nom-organisme", org.nom, path, required=True)
        self.text(node, "raison-sociale", org.raison_sociale, path, required=True)
        self.coordonnees(self.el(node, "coordonnees-organisme"), org.coordonnees, f"{path}/coordonnees-organisme")
        contacts = org.contacts or (org.coordonnees,)
        for i, contact in enumerate(contacts, 1):
            self.contact(node, "contact-organisme", contact, f"{path}[{i}]")

    def formation(self, parent: etree._Element, formation: Formation, path: str) -> None:
        node = self.el(
            parent,
            "formation",
            numero=formation.numero,
            datecrea=lheo_date(formation.datecrea),
            datemaj=lheo_date(formation.datemaj),
        )
        domaine = self.el(node, "domaine-formation")
        for code in formation.formacodes[:5]:
            self.code(domaine, "code-FORMACODE", code, r"[0-9]{5}", path, ref=FORMACODE_VERSION)
        for code in formation.nsf[:3]:
            self.code(domaine, "code-NSF", code, r"[0-9]{3}", path)
        for code in formation.rome[:5]:
            self.code(domaine, "code-ROME", code, r"[A-Z][0-9]{4}", path, ref=ROME_VERSION)
        self.text(node, "intitule-formation", formation.intitule, path, required=True)
        self.text(node, "objectif-formation", formation.objectif, path, required=True)
        self.text(node, "resultats-attendus", formation.resultats_attendus, path, required=True)
        self.text(node, "contenu-formation", formation.contenu, path, required=True)
        self.el(node, "certifiante").text = _bool(formation.certifiante)
        contacts = formation.contacts or (formation.organisme.coordonnees,)
        for i, contact in enumerate(contacts, 1):
            self.contact(node, "contact-formation", contact, f"{path}/contact-formation[{i}]")
        self.code(node, "parcours-de-formation", formation.parcours, r"[1-4]", path)
        self.code(node, "code-niveau-entree", formation.code_niveau_entree, r"[0-8]|1[1-8]", path)
        if formation.objectif_general:
            self.code(node, "objectif-general-formation", formation.objectif_general, r"[1-9]", path)
        for cert in formation.certifications[:5]:
            self.certification(node, cert, path)
        if formation.code_niveau_sortie:
            self.code(node, "code-niveau-sortie", formation.code_niveau_sortie, r"[0-8]|1[1-8]", path)
        if formation.url:
            self.text(self.el(node, "url-formation"), "urlweb", formation.url, f"{path}/url-formation")
        if not formation.actions:
            raise LheoError(f"{path}/action", "au moins une action est requise")
        for i, action in enumerate(formation.actions, 1):
            self.action(node, action, f"{path}/action[{i}]")
        self.organisme(node, formation.organisme, path)
        self.extras(node, formation.extras)

    def extras(self, parent: etree._Element, pairs: Iterable[tuple[str, str]]) -> None:
        pairs = [(info, clean(value)) for info, value in pairs if clean(value)]
        if pairs:
            node = self.el(parent, "extras", info="coopforma")
            for info, value in pairs:
                self.el(node, "extra", info=info).text = value


def stream_lheo(
    formations: Iterable[Formation], *, generated_on: dt.date, extras: Iterable[tuple[str, str]] = ()
) -> Iterator[bytes]:
    """The LHEO 2.3 document of these formations by pieces (one per formation), for a large feed: the same tree
    as `write_lheo`, with the document's `extras` (its licence…) after the offers. `LheoError` before the first
    byte when there is no formation (the schema wants one at least)."""
    writer = LheoWriter()
    formations = iter(formations)
    first = next(formations, None)
    if first is None:
        raise LheoError("offres/formation", "aucune formation publiée à exporter")
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="{LHEO_NAMESPACE}" '
        f'datemaj="{lheo_date(generated_on)}">\n<offres>\n'
    ).encode()
    count = 0
    for count, formation in enumerate(itertools.chain([first], formations), 1):
        holder = etree.Element(f"{{{LHEO_NAMESPACE}}}offres", nsmap={None: LHEO_NAMESPACE})
        writer.formation(holder, formation, f"formation[{count}]")
        yield etree.tostring(holder[0], encoding="UTF-8", pretty_print=True)
    tail = etree.Element(f"{{{LHEO_NAMESPACE}}}lheo", nsmap={None: LHEO_NAMESPACE})
    writer.extras(tail, extras)
    yield b"</offres>\n"
    if len(tail):
        yield etree.tostring(tail[0], encoding="UTF-8", pretty_print=True)
    yield b"</lheo>\n"


def write_lheo(formations: Iterable[Formation], *, generated_on: dt.date) -> bytes:
    """The LHEO 2.3 document (UTF-8) of these formations; `LheoError` names the first invalid value."""
    writer = LheoWriter()
    root = etree.Element(f"{{{LHEO_NAMESPACE}}}lheo", nsmap={None: LHEO_NAMESPACE})
    root.set("datemaj", lheo_date(generated_on))
    offres = writer.el(root, "offres")
    count = 0
    for count, formation in enumerate(formations, 1):
        writer.formation(offres, formation, f"formation[{count}]")
    if count == 0:
        raise LheoError("offres/formation", "aucune formation publiée à exporter")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
