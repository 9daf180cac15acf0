# SPDX-License-Identifier: AGPL-3.0-or-later
import base64
import html
import re

import pytest
from django.urls import reverse

from coopforma.core.models import ActivityLog
from coopforma.documents.models import DocumentTemplate
from coopforma.documents.registry import KindHooks
from coopforma.documents.tests.test_template_support import DEFAULT_BODY, make_kind, registered

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def kind():  # type: ignore[no-untyped-def]
    with registered(make_kind()) as kinds:
        yield kinds[0]


def url(name: str, org, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"documents:{name}", kwargs={"org": org.slug, **kwargs})


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def form_data(**overrides: object) -> dict:
    data = {
        "body": DEFAULT_BODY,
        "name": "Attestation maison",
        "requires_quality_signature": "on",
        "signers": ["trainee", "client"],
    }
    data.update(overrides)
    return data


def png_pages(response) -> list[bytes]:  # type: ignore[no-untyped-def]
    found = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', response.content.decode())
    return [base64.b64decode(data) for data in found]


# --- list -----------------------------------------------------------------------------------------------


def test_list_shows_every_kind_with_its_template_or_the_default(web, admin_user, quality_actor, org):
    from coopforma.documents.template_services import template_save

    first, second = make_kind("test_one", label="Convention de test"), make_kind("test_two", label="Programme de test")
    with registered(first, second):
        template_save(
            actor=quality_actor,
            kind=first,
            name="Notre convention",
            body="Texte",
            requires_quality_signature=False,
            signers=[],
        )
        response = web(admin_user).get(url("template_list", org))
    assert response.status_code == 200
    page = text(response)
    assert "Convention de test" in page and "Programme de test" in page
    assert "Notre convention" in page and "Quentin Qualité" in page
    row = page[page.index("Programme de test") :]
    assert "modèle par défaut" in row[:600]
    assert url("template_edit", org, kind="test_two") in page


def test_list_query_count_is_constant(web, admin_user, admin_actor, org, django_assert_max_num_queries):
    # The bound counts the menu's one query for « Mes réseaux » (networks/templatetags/networks.py).
    from coopforma.documents.template_services import template_save

    kinds = [make_kind(f"test_many_{n}", label=f"Type {n:02d}") for n in range(33)]
    client = web(admin_user)
    with registered(*kinds):
        for kind in kinds[:3]:
            template_save(
                actor=admin_actor,
                kind=kind,
                name=f"Modèle {kind.code}",
                body="x",
                requires_quality_signature=False,
                signers=[],
            )
        with django_assert_max_num_queries(5):
            response = client.get(url("template_list", org))
        assert text(response).count("Modèle test_many_") == 3
        for kind in kinds[3:]:
            template_save(
                actor=admin_actor,
                kind=kind,
                name=f"Modèle {kind.code}",
                body="x",
                requires_quality_signature=False,
                signers=[],
            )
        with django_assert_max_num_queries(5):
            response = client.get(url("template_list", org))
        assert text(response).count("Modèle test_many_") == 33


# --- edit -----------------------------------------------------------------------------------------------


def test_edit_starts_from_the_default_text_with_the_keywords(web, quality_user, org, kind):
    response = web(quality_user).get(url("template_edit", org, kind=kind.code))
    assert response.status_code == 200
    page = text(response)
    assert DEFAULT_BODY in page  # the textarea holds the default text
    assert "trainee.full_name" in page and "Nom du ou de la stagiaire" in page and "Camille Martin" in page
    assert 'data-snippet="{% for slot in session.slots %}\n- {{ slot.date }} {{ slot.start }}\n{% endfor %}\n"' in page
    form = response.context["form"]
    assert form.initial["signers"] == ["trainee"] and form.initial["requires_quality_signature"] is True
    assert "Revenir au modèle par défaut" not in page  # nothing to reset yet


def test_edit_post_saves_a_new_version_and_logs_it(web, admin_user, org, kind):
    client = web(admin_user)
    response = client.post(url("template_edit", org, kind=kind.code), form_data())
    assert response.status_code == 302
    template = DocumentTemplate.objects.get(organisation=org, kind=kind.code, is_active=True)
    assert (template.name, template.version, template.signers) == ("Attestation maison", 1, ["client", "trainee"])
    assert template.requires_quality_signature is True
    assert ActivityLog.objects.filter(action="documents.template.updated", object_id=template.pk).exists()
    response = client.post(
        url("template_edit", org, kind=kind.code), form_data(body=DEFAULT_BODY + "Fin.\n"), follow=True
    )
    assert "version 2" in text(response)
    assert DocumentTemplate.objects.filter(organisation=org, kind=kind.code).count() == 2
    assert "Revenir au modèle par défaut" in text(response)


def test_invalid_post_keeps_the_typed_text_and_names_line_and_keyword(web, admin_user, org, kind):
    typed = "= Mon attestation\n\nSigné par {{ trainee.full_name }}\n{{ session.dates }} écrit à la main\n"
    response = web(admin_user).post(url("template_edit", org, kind=kind.code), form_data(body=typed, name="Mon nom"))
    assert response.status_code == 200
    page = text(response)
    assert "Le formulaire contient des erreurs" in page
    assert "Ligne 4 : mot-clé inconnu « session.dates »" in page
    assert typed in page and 'value="Mon nom"' in page
    assert 'data-error-line="4"' in page
    assert not DocumentTemplate.objects.exists()


def test_hostile_text_is_escaped_in_the_editor(web, admin_user, org, kind):
    typed = f"{HOSTILE}\n{{{{ session.__class__ }}}}\n"
    response = web(admin_user).post(url("template_edit", org, kind=kind.code), form_data(body=typed))
    assert response.status_code == 200
    assert HOSTILE not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
    assert "opération interdite" in text(response)


def test_edit_can_start_from_an_older_version(web, admin_user, admin_actor, org, kind, other_org, stranger):
    from coopforma.documents.template_services import template_save

    old = template_save(
        actor=admin_actor, kind=kind, name="Ancien", body="Ancien texte\n", requires_quality_signature=False, signers=[]
    )
    template_save(
        actor=admin_actor,
        kind=kind,
        name="Nouveau",
        body="Nouveau texte\n",
        requires_quality_signature=False,
        signers=[],
    )
    client = web(admin_user)
    response = client.get(url("template_edit", org, kind=kind.code), {"from": old.pk})
    assert response.status_code == 200 and "Ancien texte" in text(response) and "Nouveau texte" not in text(response)
    # Another organisation's version is not reachable.
    response = web(stranger).get(url("template_edit", other_org, kind=kind.code), {"from": old.pk})
    assert response.status_code == 404


def test_unknown_kind_is_404(web, admin_user, org):
    assert web(admin_user).get(url("template_edit", org, kind="no_such_kind")).status_code == 404


def test_reset_goes_back_to_the_default(web, admin_user, org, kind):
    client = web(admin_user)
    client.post(url("template_edit", org, kind=kind.code), form_data(body="Texte maison\n"))
    response = client.post(url("template_reset", org, kind=kind.code), follow=True)
    assert "utilise de nouveau le modèle par défaut" in text(response)
    assert DEFAULT_BODY in text(response)  # the editor shows the default text again
    assert not DocumentTemplate.objects.filter(is_active=True).exists()
    assert DocumentTemplate.objects.filter(body="Texte maison\n", is_active=False).exists()
    response = client.post(url("template_reset", org, kind=kind.code), follow=True)
    assert "déjà le modèle par défaut" in text(response)


# --- preview --------------------------------------------------------------------------------------------


def test_preview_returns_png_pages_for_htmx(web, admin_user, org, kind):
    response = web(admin_user).post(
        url("template_preview", org, kind=kind.code), {"body": DEFAULT_BODY}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    pages = png_pages(response)
    assert len(pages) == 1 and pages[0].startswith(b"\x89PNG\r\n\x1a\n")
    assert not DocumentTemplate.objects.exists()  # a preview saves nothing


def test_preview_without_javascript_shows_the_editor_with_the_typed_text(web, admin_user, org, kind):
    typed = "= Brouillon non enregistré\n\n{{ session.title }}\n"
    response = web(admin_user).post(url("template_preview", org, kind=kind.code), {"body": typed, "name": "N"})
    assert response.status_code == 200
    assert typed in text(response) and "<html" in response.content.decode()
    assert len(png_pages(response)) == 1


def test_preview_shows_errors_with_line_and_keyword(web, admin_user, org, kind):
    response = web(admin_user).post(
        url("template_preview", org, kind=kind.code),
        {"body": "a\nb\n{{ trainee.nom }}"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Ligne 3 : mot-clé inconnu « trainee.nom »" in text(response)
    assert png_pages(response) == []


@pytest.mark.parametrize(
    "body", [HOSTILE, f"{{{{ session.title }}}}\n{HOSTILE}", "{{ session.__class__ }}", f"{{{{ {HOSTILE} }}}}"]
)
def test_hostile_template_never_reaches_the_preview_page(web, admin_user, org, kind, body):
    response = web(admin_user).post(
        url("template_preview", org, kind=kind.code), {"body": body}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script" not in content
    assert png_pages(response) or "Le modèle ne peut pas être rendu" in text(response)


def test_preview_with_real_hostile_data(web, admin_user, org):
    subjects = [("Stagiaire <b>réel</b>", {"name": HOSTILE, "incomplete": True})]
    kind = make_kind("test_real", hooks=KindHooks(preview_subjects=lambda actor: subjects))
    with registered(kind):
        client = web(admin_user)
        page = client.get(url("template_edit", org, kind=kind.code))
        assert "Stagiaire &lt;b&gt;réel&lt;/b&gt;" in page.content.decode()  # the choice of data
        response = client.post(
            url("template_preview", org, kind=kind.code),
            {"body": "Nom : {{ trainee.full_name }}", "subject": "0"},
            headers={"HX-Request": "true"},
        )
    content = response.content.decode()
    assert "<script" not in content and "<b>" not in content
    assert "Avec les données de : Stagiaire &lt;b&gt;réel&lt;/b&gt;" in content
    assert "Le SIRET du client" in content and 'href="/o/coop-test/people/clients/1/edit/"' in content
    assert len(png_pages(response)) == 1


# --- history --------------------------------------------------------------------------------------------


def test_history_lists_versions_with_author_and_text(web, quality_user, quality_actor, org, kind):
    from coopforma.documents.template_services import template_reset, template_save

    template_save(
        actor=quality_actor,
        kind=kind,
        name="Première version",
        body=f"Premier {HOSTILE}\n",
        requires_quality_signature=False,
        signers=[],
    )
    template_save(
        actor=quality_actor,
        kind=kind,
        name="Seconde version",
        body="Second\n",
        requires_quality_signature=False,
        signers=[],
    )
    template_reset(actor=quality_actor, kind=kind)
    response = web(quality_user).get(url("template_history", org, kind=kind.code))
    assert response.status_code == 200
    page = response.content.decode()
    assert HOSTILE not in page and "Premier &lt;script&gt;" in page
    assert text(response).count("Quentin Qualité") >= 2
    assert "Modèle remis à sa version par défaut" in page and "Modèle modifié" in page
    assert "documents.template.reset" not in page
    # newest first (names with a space: a random CSRF token in the page can hold "V1", never these)
    assert text(response).index("Seconde version") < text(response).index("Première version")


def test_preview_on_real_data_of_the_organisation(db, web, quality_user, org, member):
    """The shipped kinds offer the organisation's own records to preview a template on."""
    from coopforma.documents.registry import get_kind
    from coopforma.training_sessions.tests.factories import ParticipantFactory, SessionFactory, SlotFactory

    session = SessionFactory(training__organisation=org, training__member_structure=member, title="Coopérer ici")
    SlotFactory(session=session)
    ParticipantFactory(enrolment__session=session, trainee__first_name="Zélie", trainee__last_name="Réelle")
    kind = get_kind("certificate")
    url = reverse("documents:template_preview", kwargs={"org": org.slug, "kind": kind.code})
    response = web(quality_user).post(url, {"body": "= {{ trainee.full_name }}", "subject": "0"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.problem is None and preview.page_count == 1
    assert preview.subject_label.startswith("Zélie Réelle")  # rendered with this record, not the examples
    assert "data:image/png;base64," in response.text
