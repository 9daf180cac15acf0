# SPDX-License-Identifier: AGPL-3.0-or-later
"""The EDOF (Mon Compte Formation) import file, validated against the official XSD v5r2 of the kit XML (June 2026)."""

import pytest
from lxml import etree

from coopforma.formats import edof
from coopforma.formats import lheo_write as lheo
from coopforma.formats.tests.records import DAY, EDOF_XSD, action, catalogue, contact, formation, schema, session

NS = {"e": edof.EDOF_NAMESPACE}


def test_the_certifying_trainings_validate_against_the_official_xsd():
    certifying = [f for f in catalogue() if f.certifiante]
    data = edof.write_edof(certifying, generated_on=DAY)
    assert data.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    root = etree.fromstring(data)
    xsd = schema(EDOF_XSD)
    assert xsd.validate(root), xsd.error_log
    form = root.find("e:offres/e:formation", NS)
    assert form.findtext("e:certification/e:code-RNCP", namespaces=NS) == "RNCP40344"
    assert form.findtext("e:action/e:lieu-de-formation/e:coordonnees/e:telfixe/e:numtel", namespaces=NS) == "0123456789"
    fees = form.find("e:action/e:extras/e:extras[@info='frais-pedagogiques']", NS)
    assert [x.text for x in fees] == ["20.0", "700.00", "840.00"]
    assert form.findtext("e:extras/e:extras/e:extra[@info='code-bloc']", namespaces=NS) == "RNCP40344BC01"


def test_an_rs_and_a_cpf_code_validate_too():
    for cert in (lheo.Certification(rs="RS6604"), lheo.Certification(cpf="CPF202")):
        data = edof.write_edof([formation(certifications=(cert,), blocs=())], generated_on=DAY)
        assert schema(EDOF_XSD).validate(etree.fromstring(data))


def test_text_is_latin1_and_what_latin1_cannot_hold_is_written_plainly():
    data = edof.write_edof([formation(intitule="Gérer l’œuvre… à 100 €")], generated_on=DAY)
    assert "Gérer l'oeuvre... à 100 EUR".encode("iso-8859-1") in data
    assert schema(EDOF_XSD).validate(etree.fromstring(data))


def test_problems_list_what_the_import_would_refuse():
    bad = formation(
        intitule="x" * 300,
        certifications=(),
        actions=(
            action(
                acces_handicapes="",
                prix_ht_cents=None,
                lieux=(lheo.Lieu(coordonnees=contact(nom="", prenom="", telephone="")),),
            ),
        ),
    )
    keys = {(p.key, p.element) for p in edof.edof_problems(bad)}
    assert ("certification", "certification") in keys
    assert ("title", "intitule-formation") in keys
    assert ("accessibility", "acces-handicapes") in keys
    assert ("price", "frais-pedagogiques") in keys
    assert ("contact_name", "nom") in keys
    assert ("contact_phone", "telfixe") in keys
    detail = next(p.detail for p in edof.edof_problems(bad) if p.key == "title")
    assert detail == "300 caractères pour 255 au plus"
    assert edof.edof_problems(catalogue()[0]) == []


def test_writing_a_formation_with_a_problem_raises_instead_of_cutting():
    with pytest.raises(lheo.LheoError, match="255"):
        edof.write_edof([formation(intitule="x" * 300)], generated_on=DAY)


def test_a_suspended_session_is_closed_for_edof():
    data = edof.write_edof(
        [formation(actions=(action(sessions=(session(etat_recrutement=lheo.RECRUITMENT_SUSPENDED),)),))],
        generated_on=DAY,
    )
    assert etree.fromstring(data).findtext(".//e:session/e:etat-recrutement", namespaces=NS) == "2"
