# SPDX-License-Identifier: AGPL-3.0-or-later
"""The LHEO 2.3 writer: the element tree of regulations.md §5.2 (order, cardinalities, lengths), value formats
(§5.3), escaping, and the errors that name where a value is refused."""

import pytest
from lxml import etree

from coopforma.formats import lheo_write as lheo
from coopforma.formats.tests.records import DAY, LHEO_XSD, action, catalogue, formation, schema, session

NS = {"l": lheo.LHEO_NAMESPACE}


def _tree(formations: list[lheo.Formation]) -> etree._Element:
    return etree.fromstring(lheo.write_lheo(formations, generated_on=DAY))


def test_a_realistic_catalogue_validates_against_the_official_lheo_2_3_schema():
    data = lheo.write_lheo(catalogue(), generated_on=DAY)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    xsd = schema(LHEO_XSD)
    assert xsd.validate(etree.fromstring(data)), xsd.error_log


def test_the_schema_catches_an_element_out_of_order():
    """The check is not a rubber stamp: a formation whose title comes after its objective is refused."""
    root = _tree(catalogue())
    form = root.find("l:offres/l:formation", NS)
    title = form.find("l:intitule-formation", NS)
    form.remove(title)
    form.find("l:objectif-formation", NS).addnext(title)
    assert not schema(LHEO_XSD).validate(root)


def test_children_follow_the_schema_order():
    form = _tree(catalogue()).find("l:offres/l:formation", NS)
    names = [etree.QName(child).localname for child in form]
    assert names[:9] == [
        "domaine-formation",
        "intitule-formation",
        "objectif-formation",
        "resultats-attendus",
        "contenu-formation",
        "certifiante",
        "contact-formation",
        "parcours-de-formation",
        "code-niveau-entree",
    ]
    assert names[-2:] == ["action", "organisme-formation-responsable"]
    action_names = [etree.QName(c).localname for c in form.find("l:action", NS)]
    assert (
        action_names.index("lieu-de-formation") < action_names.index("session") < action_names.index("acces-handicapes")
    )


def test_values_have_the_lheo_formats():
    root = _tree(catalogue())
    first = root.find("l:offres/l:formation", NS)
    assert first.get("datecrea") == "20261203"
    assert first.findtext("l:domaine-formation/l:code-FORMACODE", namespaces=NS) == "32047"
    assert first.find("l:domaine-formation/l:code-FORMACODE", NS).get("ref") == "V12"
    assert first.findtext("l:certifiante", namespaces=NS) == "1"
    assert first.findtext("l:certification/l:code-RNCP", namespaces=NS) == "RNCP40344"
    sessions = first.findall("l:action/l:session", NS)
    assert sessions[0].findtext("l:periode/l:debut", namespaces=NS) == "20270111"
    assert sessions[1].findtext("l:etat-recrutement", namespaces=NS) == "2"
    blocs = sessions[0].find("l:blocs-competences", NS)
    assert blocs.findtext("l:bloc-competences/l:code-bloc", namespaces=NS) == "RNCP40344BC01"
    assert first.findtext("l:action/l:prix-total-TTC", namespaces=NS) == "840.00"
    on_demand = root.findall("l:offres/l:formation", NS)[1]
    periode = on_demand.find("l:action/l:session/l:periode", NS)
    assert (periode.findtext("l:debut", namespaces=NS), periode.findtext("l:fin", namespaces=NS)) == (
        "00000000",
        "99999999",
    )
    assert on_demand.find("l:certification", NS) is None


def test_text_is_escaped_and_forbidden_characters_are_dropped():
    title = 'Gérer <vite> & "bien"\x07'
    root = _tree([formation(intitule=title)])
    raw = lheo.write_lheo([formation(intitule=title)], generated_on=DAY)
    assert b"&lt;vite&gt; &amp;" in raw
    assert root.findtext("l:offres/l:formation/l:intitule-formation", namespaces=NS) == 'Gérer <vite> & "bien"'


def test_long_texts_are_cut_at_the_schema_limit():
    root = _tree([formation(intitule="x" * 300, objectif="y" * 4000)])
    form = root.find("l:offres/l:formation", NS)
    assert len(form.findtext("l:intitule-formation", namespaces=NS)) == 255
    assert form.findtext("l:objectif-formation", namespaces=NS).endswith("…")
    assert len(form.findtext("l:objectif-formation", namespaces=NS)) == 3000
    assert schema(LHEO_XSD).validate(root)


def test_a_missing_required_value_names_its_path():
    with pytest.raises(lheo.LheoError) as exc:
        lheo.write_lheo([formation(resultats_attendus="  ")], generated_on=DAY)
    assert exc.value.path == "formation[1]/resultats-attendus"
    bad_postcode = formation(
        actions=(action(sessions=(session(adresse_inscription=lheo.Adresse(("1 rue",), "750", "Paris")),)),)
    )
    with pytest.raises(lheo.LheoError, match="codepostal"):
        lheo.write_lheo([bad_postcode], generated_on=DAY)


def test_an_empty_catalogue_is_refused():
    with pytest.raises(lheo.LheoError):
        lheo.write_lheo([], generated_on=DAY)


def test_phone_numbers_and_dates():
    assert lheo.phone_digits("+33 1 23 45 67 89") == "+33123456789"
    assert lheo.phone_digits("01.23.45.67.89") == "0123456789"
    assert lheo.lheo_date(None) == "00000000"
    assert lheo.lheo_date(None, end=True) == "99999999"
