# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test data of the register: CSV lines with the real header, and an imported register."""

import datetime as dt
from pathlib import Path
from typing import Any

import factory

from coopforma.formats.dgefp import COLUMNS
from coopforma.networks.tests.factories import walk_network
from coopforma.registry.models import Certifier, CertifierChoice, CertifierReview
from coopforma.registry.names import normalise

# 8 fictitious organisations with the real header (CC0, the project's shared/data fixture; names end in (FICTIF)).
SAMPLE = Path(__file__).resolve().parent / "data" / "liste_publique_of_sample.csv"
HEADER = ";".join(COLUMNS) + ";"
# The fixture's first organisation (fictitious, Luhn-valid identifiers).
CAE = {"nda": "11759000175", "siren": "999000011", "siret": "99900001100018", "name": "CAE EXEMPLE COOP (FICTIF) SCOP"}
ROW = (
    '"11759000175";"";"CAE EXEMPLE COOP (FICTIF) SCOP";"999000011";"99900001100018";"1 RUE DE L\'EXEMPLE";"75020";'
    '"PARIS";"11";true;false;false;false;"";"";"";"";"";15/05/2025;01/01/2024;31/12/2024;"315";'
    '"Ressources humaines, gestion du personnel, gestion de l\'emploi";"333";"Enseignement, formation";"413";'
    '"Développement des capacités comportementales et relationnelles";412;37;58;'
)


def row(**changes: str) -> str:
    """ROW with some cells replaced, by column name (values written as they are, quotes included if wanted)."""
    cells = ROW.split(";")
    for name, value in changes.items():
        cells[COLUMNS.index(name)] = value
    return ";".join(cells)


def write_csv(path: Path, lines: list[str], header: str = HEADER) -> str:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def import_sample() -> None:
    from coopforma.registry.services import registry_import

    registry_import(source=str(SAMPLE))


# --- the certifiers directory ---------------------------------------------------------------------------------


class CertifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certifier

    code = factory.Sequence(lambda n: f"certif-{n}")
    name = factory.Sequence(lambda n: f"Certif Exemple {n}")
    search_name = factory.LazyAttribute(lambda o: normalise(o.name))
    kind = "cofrac"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertifierReview

    certifier = factory.SubFactory(CertifierFactory)
    audit_kind = "surveillance"
    audit_date = dt.date(2025, 6, 10)
    price_cents = 150000
    audit_days = 1
    understanding = 4


def objects_with_id(i: int, **records: Any) -> None:
    """A certifier choice and a review with primary key `i` in records["org"], and a network with slug `i` (the
    API's /networks/{slug}/… routes) where the organisation is a member and its admin a moderator
    (tests/test_every_route.py). And the register's sample (public data, fictitious organisations): the API's
    lookups have the numbers of their OpenAPI examples to find (the CAE's)."""
    from coopforma.registry.models import RegisteredOrganisation

    if not RegisteredOrganisation.objects.filter(nda=CAE["nda"]).exists():
        import_sample()

    org, mark = records["org"], records["mark"]
    certifier = CertifierFactory(code=f"certif-{i}", name=f"Certif {i}")
    CertifierChoice.objects.create(pk=i, organisation=org, certifier=certifier, visible_to_network=True)
    ReviewFactory(pk=i, organisation=org, certifier=certifier, comment=f"Avis {mark}", visible_to_network=True)
    walk_network(i, **records)
