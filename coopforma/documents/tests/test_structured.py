# SPDX-License-Identifier: AGPL-3.0-or-later
"""Simple templates (documents/structured.py): what a manager types is text, never typst or Jinja; keywords come
from the kind's list; the compiled text always renders."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from coopforma.documents import rendering, structured
from coopforma.documents.models import DocumentTemplate
from coopforma.documents.registry import Keyword
from coopforma.documents.structured import Section, Structure, compile_structure
from coopforma.documents.template_services import template_save
from coopforma.documents.tests.test_template_support import make_kind, registered

KIND = make_kind(
    keywords=(*make_kind().keywords, Keyword("session.objectives", "Objectifs", ["Animer", "Décider ensemble"]))
)


def pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


def render(structure: Structure, context: dict | None = None) -> bytes:
    """Compiled, rendered and laid out in this process (what a render worker runs)."""
    body = compile_structure(structure, KIND)
    markup = rendering.render_markup_here(body, context or KIND.sample_context())
    return rendering.compile_here(markup)


def one(text: str, heading: str = "Section") -> Structure:
    return Structure(title="Titre", sections=(Section(heading=heading, text=text),))


HOSTILE = [
    '#read("/etc/passwd")',
    "#let x = 1 ] [ #x",
    "$ x^2 $ et \\ et \\\\ fin\\",
    "{{ 7 * 7 }} {% for x in session.slots %}boucle{% endfor %} {# commentaire #}",
    '#import "@preview/cetz:0.2.0"',
    "<label> @ref = titre - + / * _ ` ~ ' \"",
    "1. pas une liste\n2) non plus",
    "\x00\x0b\x1f\u2028\u2029\x85",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_prints_as_typed(hostile):
    pdf = render(Structure(title=hostile.splitlines()[0], sections=(Section(heading=hostile, text=hostile),)))
    text = pdf_text(pdf)
    assert "Coopérer sur un territoire" not in text  # no keyword was evaluated from the hostile text
    assert "49" not in text and "boucle" in text if "boucle" in hostile else True
    if hostile.startswith("#read"):
        assert '#read("/etc/passwd")' in text
    if hostile.startswith("{{ 7"):
        assert "{{ 7 * 7 }}" in text and "{% for x in session.slots %}" in text and "{# commentaire #}" in text


def test_no_jinja_delimiter_and_no_typst_code_reaches_the_compiled_text():
    body = compile_structure(one("{{ 7*7 }} {% if %} {# #} #sys ]"), KIND)
    typed = body.split("#heading(level: 1)", 1)[1]
    assert "{{" not in typed and "{%" not in typed and "{#" not in typed
    assert "\\#sys" in typed and "\\]" in typed


def test_markup_bold_italic_lists_paragraphs_and_keywords():
    structure = one(
        "Bonjour **{{ trainee.full_name }}**, bienvenue à *{{ session.title }}*.\n"
        "Deuxième ligne.\n\n"
        "- premier point\n"
        "* second point\n"
        "- {{ session.objectives }}\n\n"
        "Objectifs : {{ session.objectives }}. Un * seul reste tel quel.",
        heading="Pour {{ trainee.full_name }}",
    )
    body = compile_structure(structure, KIND)
    assert "#strong[{{ trainee.full_name }}];" in body and "#emph[{{ session.title }}];" in body
    assert "{% for item in session.objectives %}" in body
    text = pdf_text(render(structure))
    assert "Pour Camille Martin" in text
    assert "Bonjour Camille Martin, bienvenue à Coopérer sur un territoire." in text
    assert "premier point" in text and "second point" in text
    assert "• Animer" in text and "• Décider ensemble" in text
    assert "Objectifs : Animer, Décider ensemble." in text and "Un * seul reste tel quel." in text


def test_badly_nested_markers_still_compile():
    structure = one("**gras *les deux** italique* ***trois*** **fin**(x).len [")
    assert "gras" in pdf_text(render(structure))


def test_unknown_keyword_is_refused_on_compile_naming_it_with_a_hint():
    with pytest.raises(ValidationError) as error:
        compile_structure(one("Bonjour {{ trainee.full_nam }} et {{ inconnu }}"), KIND)
    messages = error.value.message_dict["structure"]
    assert any("« trainee.full_nam »" in m and "« trainee.full_name »" in m and "Section 1" in m for m in messages)
    assert any("« inconnu »" in m for m in messages)


def test_python_attributes_are_unknown_keywords_and_expressions_are_text():
    with pytest.raises(ValidationError) as error:
        compile_structure(one("{{ session.title.__class__ }}"), KIND)
    assert "« session.title.__class__ »" in error.value.message_dict["structure"][0]
    assert "''.__class__.__mro__" in pdf_text(render(one("{{ ''.__class__.__mro__ }}")))


def test_a_list_of_records_is_for_the_code_view():
    with pytest.raises(ValidationError) as error:
        compile_structure(one("{{ session.slots }}"), KIND)
    assert "vue code" in error.value.message_dict["structure"][0]


@pytest.mark.parametrize(
    ("structure", "message"),
    [
        (one("x" * (structured.MAX_TEXT_CHARS + 1)), "caractères"),
        (Structure(title="t", sections=(Section("h", "t"),) * (structured.MAX_SECTIONS + 1)), "sections"),
        (one("x", heading="h" * (structured.MAX_HEADING_CHARS + 1)), "titre"),
        (Structure(title="t", sections=tuple(Section("", "{" * 19_000) for _ in range(5))), "trop long"),
    ],
)
def test_size_limits_are_french_errors_before_anything_runs(structure, message):
    with pytest.raises(ValidationError) as error:
        compile_structure(structure, KIND)
    assert message in " ".join(error.value.message_dict["structure"])


def test_a_long_text_within_the_limits_compiles_quickly():
    text = ("Un paragraphe **assez** long avec des *étoiles* et des {accolades} #dièses. " * 200 + "\n\n") * 1
    render(one(text[: structured.MAX_TEXT_CHARS]))


# Any text: every character, markers, brackets, keywords the kind has, line breaks.
_PIECES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["**", "*", "- ", "\n", "\n\n", "{{ trainee.full_name }}", "{{ session.objectives }}", "#", "]", "[", "\\", "$"]
    ),
)
_TEXT = st.lists(_PIECES, max_size=25).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, heading=_TEXT, text=_TEXT)
def test_any_text_always_compiles(title, heading, text):
    pdf = render(Structure(title=title, sections=(Section(heading=heading, text=text),)))
    assert pdf.startswith(b"%PDF")


@settings(max_examples=30, deadline=None)
@given(value=st.text(max_size=80))
def test_any_keyword_value_always_compiles(value):
    context = KIND.sample_context()
    context["trainee"]["full_name"] = value
    render(one("- **{{ trainee.full_name }}**\n*{{ trainee.full_name }}*"), context)


# --- Saving: simple, then converted to code (not the reverse) ------------------------------------------


@pytest.fixture
def kind():  # type: ignore[no-untyped-def]
    with registered(make_kind("test_simple")) as kinds:
        yield kinds[0]


def save(actor, kind, structure=None, body=""):  # type: ignore[no-untyped-def]
    return template_save(
        actor=actor,
        kind=kind,
        name="Simple",
        body=body,
        requires_quality_signature=False,
        signers=["trainee"],
        structure=structure,
    )


def test_a_simple_template_is_stored_with_its_compiled_text_then_converted_to_code(admin_actor, kind):
    structure = one("Bonjour {{ trainee.full_name }}.")
    simple = save(admin_actor, kind, structure)
    assert simple.structure == structure.as_json()
    assert "{{ trainee.full_name }}" in simple.body and simple.version == 1
    assert save(admin_actor, kind, structure).pk == simple.pk  # unchanged: no new version
    code = save(admin_actor, kind, body=simple.body + "\nAjout en code.\n")
    assert code.structure is None and code.version == 2
    simple.refresh_from_db()
    assert not simple.is_active


def test_unknown_keyword_on_save_names_it(admin_actor, kind):
    with pytest.raises(ValidationError) as error:
        save(admin_actor, kind, one("{{ session.titre }}"))
    assert "« session.titre »" in " ".join(error.value.message_dict["structure"])
    assert not DocumentTemplate.objects.filter(kind=kind.code).exists()


def test_styled_passages_are_bounded_per_section():
    compile_structure(one("**a** " * structured.MAX_STYLED), KIND)
    with pytest.raises(ValidationError) as error:
        compile_structure(one("**a** *b* " * 2000), KIND)
    assert "passages en gras ou en italique" in error.value.message_dict["structure"][0]
