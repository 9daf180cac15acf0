# SPDX-License-Identifier: AGPL-3.0-or-later
"""The streaming LHEO reader: the dirt of real feeds (issue 16, point 2) and the files it must refuse."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopforma.formats import lheo_read
from coopforma.formats.lheo_read import LheoError, Rejection, check, iter_records, parse_date, plain_text

FIXTURES = Path(__file__).resolve().parents[2] / "offers" / "tests" / "fixtures"


def _records(name: str) -> list:
    with (FIXTURES / name).open("rb") as stream:
        return list(iter_records(stream))


def _by_numero(name: str) -> dict:
    """The formations by numero (the first one of a numero: the fixture repeats F-CLEAN at its end)."""
    found: dict = {}
    for record in _records(name):
        if not isinstance(record, Rejection):
            found.setdefault(record.numero, record)
    return found


# --- dates ------------------------------------------------------------------------------------------------


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_a_full_date_reads_back(day: dt.date) -> None:
    assert parse_date(day.strftime("%Y%m%d")) == lheo_read.LheoDate(day)
    assert parse_date(day.isoformat()).value == day


@given(st.integers(1900, 2199), st.integers(1, 12))
def test_a_month_only_date_is_the_first_day_for_a_start_and_the_last_for_an_end(year: int, month: int) -> None:
    start, end = parse_date(f"{year:04d}{month:02d}00"), parse_date(f"{year:04d}{month:02d}00", end=True)
    assert start.value == dt.date(year, month, 1) and start.precision == "month"
    assert end.value is not None and end.value.month == month and (end.value + dt.timedelta(days=1)).day == 1
    assert start.dirt == end.dirt == "date_month_only"


@given(st.text(max_size=20))
def test_the_date_parser_never_raises_and_answers_a_date_or_nothing(text: str) -> None:
    parsed = parse_date(text)
    assert parsed.value is None or isinstance(parsed.value, dt.date)
    assert parsed.value is not None or parsed.dirt


@pytest.mark.parametrize(
    ("text", "end", "value", "dirt"),
    [
        ("00000000", False, None, "date_start_unknown"),
        ("99999999", True, None, "date_end_open"),
        ("", True, None, "date_end_open"),
        ("20270000", False, dt.date(2027, 1, 1), "date_year_only"),
        ("20270000", True, dt.date(2027, 12, 31), "date_year_only"),
        ("20280200", True, dt.date(2028, 2, 29), "date_month_only"),
        ("20270231", False, None, "date_invalid"),
        ("20271301", False, None, "date_invalid"),
        ("demain", False, None, "date_invalid"),
    ],
)
def test_dirty_dates(text: str, end: bool, value: dt.date | None, dirt: str) -> None:
    parsed = parse_date(text, end=end)
    assert (parsed.value, parsed.dirt) == (value, dirt)


# --- text -------------------------------------------------------------------------------------------------

_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Comprendre</p><ul><li>un</li><li>deux</li></ul>", "Comprendre\n\n- un\n- deux"),
        ("&lt;b&gt;Animer&lt;/b&gt; une CAE &amp;amp; son réseau", "Animer une CAE & son réseau"),
        ("&amp;lt;p&amp;gt;Doublement &amp;lt;strong&amp;gt;échappé&amp;lt;/strong&amp;gt;", "Doublement échappé"),
        ("Avant<script>alert(1)</script> après", "Avant après"),
        ("a < b et c > d", "a < b et c > d"),
        ("  Texte   simple \n\n\n\n suite ", "Texte simple\n\nsuite"),
    ],
)
def test_html_is_unescaped_and_stripped(raw: str, expected: str) -> None:
    assert plain_text(raw)[0] == expected


@given(st.text(alphabet=st.sampled_from(list("<>/&;ltgpbr ai#x3c")), max_size=60))
def test_no_markup_survives(raw: str) -> None:
    text, _found = plain_text(raw)
    assert not _MARKUP.search(text)


# --- records ----------------------------------------------------------------------------------------------


def test_a_clean_formation() -> None:
    formation = _by_numero("lheo23.xml")["F-CLEAN"]
    assert formation.title == "Créer et gérer une Scop"
    assert formation.formacodes == ["15043"] and formation.nsf_codes == ["310"] and formation.rome_codes == ["M1302"]
    assert formation.certification_codes == ["RNCP35219", "CPF1234"] and formation.cpf_eligible
    assert formation.organisme.siret == "73282932000074" and formation.organisme.nda == "52440000044"
    assert formation.actions[0].price_cents == 125050 and formation.actions[0].hours == 35 * 60
    assert formation.dirt == []
    first = next(formation.sessions)
    assert (first.start, first.end, first.date_precision) == (dt.date(2027, 1, 11), dt.date(2027, 1, 15), "day")
    assert first.place.insee_code == "44109" and first.place.department == "44" and first.place.region == "52"
    assert first.place.geo_precision == "precise"


def test_dirty_dates_are_read_and_flagged() -> None:
    formation = _by_numero("lheo23.xml")["F-DATES"]
    sessions = {s.numero: s for s in formation.sessions}
    assert (sessions["S-UNKNOWN"].start, sessions["S-UNKNOWN"].end) == (None, None)
    assert (sessions["S-MONTH"].start, sessions["S-MONTH"].end) == (dt.date(2027, 2, 1), dt.date(2027, 4, 30))
    assert sessions["S-YEAR"].date_precision == "year"
    assert (sessions["S-BAD"].start, sessions["S-BAD"].end) == (None, dt.date(2027, 3, 10))
    assert set(formation.dirt) >= {"date_start_unknown", "date_end_open", "date_month_only", "date_invalid"}


def test_escaped_html_becomes_plain_text() -> None:
    formation = _by_numero("lheo23.xml")["F-HTML"]
    for text in (formation.title, formation.objectives, formation.expected_results, formation.content):
        assert "<" not in text and "&lt;" not in text and "&amp;" not in text
    assert formation.title == "Animer une CAE & son réseau"
    assert "- statut d'entrepreneur-salarié" in formation.objectives and "alert" not in formation.objectives
    assert formation.organisme.name == "Organisme Paris"
    assert "html_removed" in formation.dirt


def test_positions_and_insee_codes() -> None:
    formation = _by_numero("lheo23.xml")["F-GEO"]
    sessions = {s.numero: s.place for s in formation.sessions}
    rounded = sessions["S-GEO-ROUND"]
    assert (rounded.latitude, rounded.longitude, rounded.geo_precision) == (48.0, -2.0, "approximate")
    assert (rounded.postal_code, rounded.insee_code, rounded.department) == ("35000", "", "35")
    corsica = sessions["S-GEO-MISSING"]
    assert (corsica.insee_code, corsica.postal_code, corsica.department, corsica.region) == ("2A004", "", "2A", "94")
    assert corsica.latitude is None and corsica.geo_precision == ""
    zero = sessions["S-GEO-ZERO"]
    assert zero.latitude is None and zero.department == "974" and zero.region == "04"
    assert set(formation.dirt) >= {"geo_approximate", "geo_missing", "geo_invalid", "insee_was_postal_code"}
    paris = next(_by_numero("lheo23.xml")["F-HTML"].sessions).place
    assert (paris.postal_code, paris.insee_code, paris.department) == ("75011", "", "75")


@pytest.mark.parametrize(
    ("postal", "insee", "expected"),
    [
        ("44000", "44000", ("44000", "", "44")),  # the same value twice: a postal code
        ("", "69000", ("69000", "", "69")),  # ends with 000: never a commune number
        ("75011", "75111", ("75011", "75111", "75")),
        ("20000", "", ("20000", "", "2A")),
        ("20200", "", ("20200", "", "2B")),
        ("97400", "97411", ("97400", "97411", "974")),
        ("97133", "", ("97133", "", "977")),  # Saint-Barthélemy: a postal code of Guadeloupe's range
        ("97150", "", ("97150", "", "978")),  # Saint-Martin
        ("97500", "", ("97500", "", "975")),  # Saint-Pierre-et-Miquelon
        ("97120", "", ("97120", "", "971")),
        ("1000", "", ("", "", "")),
    ],
)
def test_codes_of_a_place(postal: str, insee: str, expected: tuple[str, str, str]) -> None:
    place = lheo_read.normalise_place(postal_code=postal, insee_code=insee, dirt=set())
    assert (place.postal_code, place.insee_code, place.department) == expected


def test_a_missing_numero_or_title_rejects_that_record_alone_with_its_line() -> None:
    records = _records("lheo23.xml")
    rejections = [r for r in records if isinstance(r, Rejection)]
    assert [(r.numero, r.line) for r in rejections] == [("", 134), ("F-NOTITLE", 138)]
    assert "sans numéro" in rejections[0].reason and "sans intitulé" in rejections[1].reason
    assert len(records) == 8


def test_long_extras_are_skipped() -> None:
    formation = _by_numero("lheo23.xml")["F-EXTRAS"]
    assert formation.title == "Formation avec de longues extras" and formation.dirt == []
    assert [s.numero for s in formation.sessions] == ["S-EXTRAS"]


def test_lheo_22_iso_8859_1_and_without_namespace_read_the_same() -> None:
    old, bare = _records("lheo22.xml"), _records("lheo-sans-espace-de-noms.xml")
    assert old == bare
    assert old[0].title == "Économie sociale et solidaire : les bases"
    with (FIXTURES / "lheo22.xml").open("rb") as stream:
        assert lheo_read.version_of(stream) == "2.2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((FIXTURES / "lheo23-tronque.xml").read_bytes(), "mal formé ou tronqué (ligne 101)"),
        ((FIXTURES / "page.html").read_bytes(), "page HTML"),
        ((FIXTURES / "pas-lheo.xml").read_bytes(), "racine est « rss »"),
        (b"", "vide"),
        (b"numero;intitule\n1;Scop\n", "pas du XML"),
        (b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>', "aucune formation"),
    ],
)
def test_files_that_are_not_lheo_feeds(content: bytes, message: str) -> None:
    with pytest.raises(LheoError, match=re.escape(message)):
        check(io.BytesIO(content))


def test_a_truncated_feed_is_caught_by_the_checking_pass_before_any_record() -> None:
    stream = io.BytesIO((FIXTURES / "lheo23-tronque.xml").read_bytes())
    with pytest.raises(LheoError):
        check(stream)
    # Reading records alone would yield the first formations before failing: hence the checking pass first.
    read = []
    with pytest.raises(LheoError):
        read.extend(iter_records(io.BytesIO((FIXTURES / "lheo23-tronque.xml").read_bytes())))
    assert read


def test_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<lheo><offres><formation numero="1"><intitule-formation>T&b;</intitule-formation></formation>'
        b"</offres></lheo>"
    )
    (formation,) = list(iter_records(io.BytesIO(bomb)))
    assert "aaaa" not in formation.title
