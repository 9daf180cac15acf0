# SPDX-License-Identifier: AGPL-3.0-or-later
"""The simple editor's pages, and the organisation's logo and colour: validated on the « Organisme » page, drawn
in every generated PDF (kept in the document's snapshot: an issued document never changes), shown on the public
pages."""

import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from coopforma.accounts.services import organisation_update
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents.branding import logo_svg
from coopforma.documents.models import DocumentTemplate
from coopforma.documents.services import document_finalise, document_generate, document_read, render_pdf
from coopforma.documents.tests.test_generation import world  # noqa: F401  (fixture)
from coopforma.documents.tests.test_template_support import make_kind, registered


def _png(size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.fixture
def kind():  # type: ignore[no-untyped-def]
    with registered(make_kind("test_branding")) as kinds:
        yield kinds[0]


def url(name: str, org, kind) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"documents:{name}", kwargs={"org": org.slug, "kind": kind.code})


def simple(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Attestation maison",
        "name": "Attestation simple",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "0",
        "sections-0-heading": "Objet",
        "sections-0-text": "Nous attestons que **{{ trainee.full_name }}** a suivi {{ session.title }}.",
        "sections-0-ORDER": "2",
        "sections-1-heading": "Préambule",
        "sections-1-text": '#read("/etc/passwd") {{ 7*7 }}',
        "sections-1-ORDER": "1",
    }
    data.update(overrides)
    return data


# --- The simple editor's pages ---------------------------------------------------------------------------


def test_the_simple_editor_lists_keywords_with_their_label_and_preview_value(web, admin_user, org, kind):
    response = web(admin_user).get(url("template_structured", org, kind))
    page = text(response)
    assert response.status_code == 200
    assert "Nom du ou de la stagiaire" in page and "Camille Martin" in page  # label and preview value
    assert 'data-snippet="{{ trainee.full_name }}"' in page
    assert "(liste : vue code seulement)" in page  # session.slots: records, for the code view
    assert 'value="Attestation de test test_branding"' in page  # starts from the kind's name


def test_saving_a_simple_template_keeps_the_order_and_shows_it_back(web, admin_user, org, kind):
    http = web(admin_user)
    response = http.post(url("template_structured", org, kind), simple())
    assert response.status_code == 302
    template = DocumentTemplate.objects.get(organisation=org, kind=kind.code, is_active=True)
    assert [s["heading"] for s in template.structure["sections"]] == ["Préambule", "Objet"]
    assert template.body.index("Préambule") < template.body.index("Objet")
    page = text(http.get(url("template_structured", org, kind)))
    assert "Nous attestons que **{{ trainee.full_name }}**" in page and "modèle simple" in page
    code_page = text(http.get(url("template_edit", org, kind)))
    assert "le convertit en code" in code_page


def test_an_unknown_keyword_is_named_and_nothing_is_saved(web, admin_user, org, kind):
    response = web(admin_user).post(
        url("template_structured", org, kind), simple(**{"sections-0-text": "{{ stagiaire }}"})
    )
    assert response.status_code == 200
    assert "mot-clé inconnu « stagiaire »" in text(response)
    assert not DocumentTemplate.objects.filter(organisation=org, kind=kind.code).exists()


def test_the_preview_is_a_pdf_or_png_pages_with_htmx(web, admin_user, org, kind):
    http = web(admin_user)
    pdf = http.post(url("template_structured_preview", org, kind), simple())
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert '#read("/etc/passwd") {{ 7*7 }}' in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    pages = http.post(url("template_structured_preview", org, kind), simple(), HTTP_HX_REQUEST="true")
    assert "data:image/png;base64," in pages.content.decode()
    wrong = http.post(url("template_structured_preview", org, kind), simple(**{"sections-0-text": "{{ x.y }}"}))
    assert wrong["Content-Type"].startswith("text/html") and "« x.y »" in text(wrong)
    assert not DocumentTemplate.objects.filter(organisation=org).exists()  # a preview saves nothing


# --- Logo and colour ---------------------------------------------------------------------------------------


def test_the_colour_is_validated_and_a_svg_logo_refused(admin_actor, org):
    with pytest.raises(ValidationError) as error:
        organisation_update(actor=admin_actor, brand_color="red")
    assert "#RRVVBB" in str(error.value)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError) as error:
        organisation_update(actor=admin_actor, logo=svg)
    assert "PNG ou JPEG" in " ".join(error.value.messages)
    organisation_update(actor=admin_actor, brand_color="#AA3300")
    org.refresh_from_db()
    assert org.brand_color == "#AA3300"


def test_the_settings_page_saves_the_colour(web, admin_user, org):
    from coopforma.billing.tests.test_identity import _settings_data

    response = web(admin_user).post(
        f"/o/{org.slug}/settings/",
        {**_settings_data(org), "brand_color": "#123456", "logo": SimpleUploadedFile("l.png", _png(), "image/png")},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.brand_color == "#123456" and bytes(org.logo).startswith(b"\x89PNG")
    bad = web(admin_user).post(f"/o/{org.slug}/settings/", {**_settings_data(org), "brand_color": "#12345"})
    assert bad.status_code == 200 and "#RRVVBB" in text(bad)


def test_every_session_document_prints_the_logo_and_an_issued_one_never_changes(world, admin_actor):  # noqa: F811
    org = world.org
    without = document_generate(actor=admin_actor, kind="certificate", subject=world.participant)
    assert images(document_read(without)) == 0
    org.logo, org.brand_color = _png(), "#aa3300"
    org.save()
    document = document_generate(actor=admin_actor, kind="programme", subject=world.session)
    assert images(document_read(document)) >= 1
    assert document.context["branding"] == {"color": "#aa3300"} and "logo" in document.context["images"]
    org.logo = b""  # removed after the draft: the document keeps the logo it was made with
    org.save()
    final = document_finalise(actor=admin_actor, document_id=document.pk)
    assert images(document_read(final)) >= 1


def test_a_code_template_that_ignores_the_logo_gets_it_from_the_engine():
    context = {"images": {"logo": logo_svg(_png())}}
    assert images(render_pdf("= Ancien modèle\n\nTexte.\n", context, code=None, draft=False)) == 1
    assert images(render_pdf("= Ancien modèle\n", {}, code=None, draft=False)) == 0


def test_the_simple_template_preview_shows_the_logo(web, admin_user, org, kind):
    org.logo = _png()
    org.save()
    pdf = web(admin_user).post(url("template_structured_preview", org, kind), simple())
    assert images(pdf.content) == 1


def test_public_pages_show_the_logo_and_colour(org, member, other_org):
    training = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True)
    client = Client()
    page = client.get(f"/f/{org.slug}/{training.pk}/").content.decode()
    assert f"/f/{org.slug}/couleur.css" in page and "org-logo" not in page  # no logo yet: the name
    assert client.get(f"/f/{org.slug}/logo.png").status_code == 404
    org.logo, org.brand_color = _png(), "#aa3300"
    org.save()
    page = client.get(f"/f/{org.slug}/{training.pk}/").content.decode()
    assert f'src="/f/{org.slug}/logo.png"' in page
    logo = client.get(f"/f/{org.slug}/logo.png")
    assert logo["Content-Type"] == "image/png" and logo.content.startswith(b"\x89PNG")
    assert "--org-brand: #aa3300" in client.get(f"/f/{org.slug}/couleur.css").content.decode()
    assert client.get("/f/inconnu/logo.png").status_code == 404


def test_the_keywords_show_the_values_of_a_real_record_on_request(web, admin_user, org):
    from coopforma.documents.registry import KindHooks

    hooks = KindHooks(preview_subjects=lambda actor: [("Dossier d'Alice", {"name": "Alice Réelle"})])
    with registered(make_kind("test_values", hooks=hooks)) as (kind,):
        http = web(admin_user)
        assert "Camille Martin" in text(http.get(url("template_structured", org, kind)))
        page = text(http.get(url("template_structured", org, kind) + "?subject=0"))
        assert "Alice Réelle" in page and "Dossier d'Alice" in page
        assert http.get(url("template_structured", org, kind) + "?subject=7").status_code == 404
