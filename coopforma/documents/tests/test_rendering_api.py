# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public rendering API every PDF and preview goes through: cached templates, one compiler per thread with
typst's embedded fonts only, an immutable sandbox."""

import threading

import pytest

from coopforma.documents import rendering


def test_one_compiler_per_thread_reused():
    first = rendering.compiler()
    assert rendering.compiler() is first
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(rendering.compiler()))
    thread.start()
    thread.join()
    assert other and other[0] is not first


def test_compiled_templates_are_cached_by_their_text():
    source = "Bonjour {{ name }} — test du cache"
    assert rendering.compiled_template(source) is rendering.compiled_template(source)
    assert rendering.compiled_template(source + " ") is not rendering.compiled_template(source)
    assert rendering.render_markup(source, {"name": "Camille"}) == "Bonjour Camille — test du cache"


def test_pdf_and_preview_use_the_same_compiler_and_inputs_do_not_leak():
    markup = '#let v = sys.inputs.at("v", default: "vide")\nValeur : #v'
    pdf = rendering.compile_pdf(markup, inputs={"v": "un"})
    assert pdf.startswith(b"%PDF")
    from coopforma.documents.tests.test_generation import pdf_text

    assert "Valeur : un" in pdf_text(pdf)
    assert "Valeur : vide" in pdf_text(rendering.compile_pdf(markup))  # the previous inputs are not kept
    pages = rendering.compile_png(markup, ppi=30)
    assert len(pages) == 1 and pages[0].startswith(b"\x89PNG")


def test_a_template_cannot_change_its_data():
    context = {"session": {"trainees": [{"full_name": "Sacha"}]}}
    with pytest.raises(rendering.TemplateProblem) as exc:
        rendering.render_markup('{{ session.trainees.append({"full_name": "Intrus"}) }}', context)
    assert "interdite" in exc.value.message
    assert context["session"]["trainees"] == [{"full_name": "Sacha"}]


def test_system_fonts_are_ignored():
    # A font only the system could provide falls back to typst's embedded fonts: same PDF on every server.
    pdf = rendering.compile_pdf('#set text(font: "DejaVu Sans")\nTexte')
    assert b"DejaVu" not in pdf
