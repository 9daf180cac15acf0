# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small realistic catalogue as LHEO records: a certifying training with blocks, a non-certifying one, sessions
with and without a place."""

import datetime as dt
from pathlib import Path

from lxml import etree

from coopforma.formats import lheo_write as lheo

DAY = dt.date(2026, 12, 3)
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
LHEO_XSD = SCHEMAS / "lheo" / "lheo.xsd"
EDOF_XSD = SCHEMAS / "edof" / "lheo_import_fichier_xml_optimise_v5r2.xsd"


def schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def address(**kwargs: object) -> lheo.Adresse:
    values: dict = {"lignes": ("12 rue de la Coopération",), "codepostal": "75011", "ville": "Paris"}
    values.update(kwargs)
    return lheo.Adresse(**values)


def contact(**kwargs: object) -> lheo.Contact:
    values: dict = {
        "prenom": "Camille",
        "nom": "Martin",
        "telephone": "01 23 45 67 89",
        "courriel": "contact@coop.example",
        "adresse": address(),
        "type_contact": lheo.CONTACT_WELCOME,
    }
    values.update(kwargs)
    return lheo.Contact(**values)


ORGANISME = lheo.Organisme(
    numero_activite="11755555575",
    siret="73282932000074",
    nom="Coop Formation",
    raison_sociale="Coop Formation SCOP SARL",
    coordonnees=contact(),
)


def session(numero: str = "S1", **kwargs: object) -> lheo.Session:
    values: dict = {
        "numero": numero,
        "datecrea": DAY,
        "datemaj": DAY,
        "adresse_inscription": address(),
        "debut": dt.date(2027, 1, 11),
        "fin": dt.date(2027, 1, 12),
        "places_restantes": 4,
    }
    values.update(kwargs)
    return lheo.Session(**values)


def action(numero: str = "A1", **kwargs: object) -> lheo.Action:
    values: dict = {
        "numero": numero,
        "datecrea": DAY,
        "datemaj": DAY,
        "rythme_formation": "14 h de formation, selon le calendrier de chaque session.",
        "codes_public_vise": ("83056",),
        "modalites_enseignement": lheo.ON_SITE,
        "conditions_specifiques": "Aucun prérequis.",
        "sessions": (session(),),
        "lieux": (
            lheo.Lieu(
                coordonnees=contact(adresse=address(lignes=("3 place du Marché",), codepostal="35000", ville="Rennes"))
            ),
        ),
        "acces_handicapes": "Salle accessible de plain-pied.",
        "prix_total_ttc_cents": 84000,
        "prix_ht_cents": 70000,
        "taux_tva_bp": 2000,
        "nombre_heures_total": 14,
        "nombre_heures_centre": 14,
        "nombre_heures_entreprise": 0,
        "contact_information": contact(),
    }
    values.update(kwargs)
    return lheo.Action(**values)


def formation(numero: str = "F1", **kwargs: object) -> lheo.Formation:
    values: dict = {
        "numero": numero,
        "datecrea": DAY,
        "datemaj": DAY,
        "intitule": "Gérer une coopérative",
        "objectif": "- Lire un bilan\n- Animer une assemblée",
        "resultats_attendus": "Certification visée : RNCP40344.",
        "contenu": "Jour 1 : le bilan. Jour 2 : l'assemblée.",
        "certifiante": True,
        "contacts": (contact(),),
        "actions": (action(),),
        "organisme": ORGANISME,
        "formacodes": ("32047",),
        "nsf": ("310",),
        "rome": ("M1302",),
        "objectif_general": "6",
        "code_niveau_sortie": "16",
        "certifications": (lheo.Certification(rncp="RNCP40344"),),
        "url": "https://formation.example.coop/f/coop/1/",
        "resume": "Gérer une coopérative au quotidien.",
        "blocs": (lheo.Bloc(code="RNCP40344BC01", libelle="Piloter la gestion"),),
    }
    values.update(kwargs)
    return lheo.Formation(**values)


def catalogue() -> list[lheo.Formation]:
    """A certifying training with blocks and two sessions (one at a place, one at the organisation), and a
    non-certifying one on demand (no dated session)."""
    blocks = (lheo.Bloc(code="RNCP40344BC01", libelle="Piloter la gestion"),)
    certifying = formation(
        actions=(
            action(
                sessions=(
                    session("S1", blocs=blocks, certification=lheo.Certification(rncp="RNCP40344")),
                    session("S2", places_restantes=0, etat_recrutement=lheo.RECRUITMENT_CLOSED),
                )
            ),
        )
    )
    on_demand = formation(
        "F2",
        intitule="Animer une réunion",
        certifiante=False,
        certifications=(),
        objectif_general="2",
        code_niveau_sortie="",
        blocs=(),
        actions=(
            action(
                "A2",
                modalites_entrees_sorties="1",
                lieux=(),
                sessions=(session("S3", debut=None, fin=None, places_restantes=None),),
            ),
        ),
    )
    return [certifying, on_demand]
