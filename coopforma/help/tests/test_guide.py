# SPDX-License-Identifier: AGPL-3.0-or-later
"""The guide's pages: every file renders with its sections, links between pages work, who may read them."""

import re

import pytest
from django.urls import reverse

from coopforma.help import guide

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", list(guide.PAGES))
def test_every_page_renders_with_a_title_and_sections(client, slug):  # type: ignore[no-untyped-def]
    response = client.get(reverse(f"help:{slug}"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.title and len(page.sections) > 2
    assert f'<h1 id="{page.sections[0].anchor}">' in response.text
    assert "SPDX" not in response.text  # the licence comment at the top of each file


def test_the_files_on_disk_are_the_pages_of_the_menu():  # type: ignore[no-untyped-def]
    on_disk = {path.name for path in guide.guide_dir().glob("*.md")}
    assert on_disk == set(guide.PAGES.values())


def test_links_between_guide_files_become_page_urls(client):  # type: ignore[no-untyped-def]
    html = client.get(reverse("help:index")).text
    assert f'href="{reverse("help:formateur")}"' in html
    assert ".md" not in html.replace("docs/sauvegarde.md", "")
    # Every link to another page's section lands on a heading that exists.
    for slug in guide.PAGES:
        for target in _guide_links(slug):
            page, _, anchor = target.partition("#")
            assert anchor in guide.anchors(page), f"{slug}: {target}"


def _guide_links(slug: str) -> list[str]:
    text = (guide.guide_dir() / guide.PAGES[slug]).read_text(encoding="utf-8")
    links = re.finditer(r"\]\(([a-z-]+\.md#[a-z0-9-]+)\)", text)
    return [m.group(1).replace(".md#", "#") for m in links]


def test_raw_html_in_a_guide_file_is_not_rendered(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.BASE_DIR = tmp_path
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "guide" / "index.md").write_text("# Titre\n\n<script>alert(1)</script>\n", encoding="utf-8")
    page = guide.render("index", lambda slug: f"/{slug}/")
    assert "<script>" not in page.html


def test_an_unknown_page_is_404(client):  # type: ignore[no-untyped-def]
    assert client.get("/aide/inconnue/").status_code == 404


def test_the_guide_inside_the_organisation_keeps_the_navigation(web, org, admin_user):  # type: ignore[no-untyped-def]
    response = web(admin_user).get(reverse("help_org:administration", kwargs={"org": org.slug}))
    assert response.status_code == 200
    assert reverse("sessions:list", kwargs={"org": org.slug}) in response.text
    # Links to other pages stay inside the organisation.
    assert f'href="{reverse("help_org:qualite", kwargs={"org": org.slug})}#' in response.text


@pytest.mark.parametrize("role", ["admin_user", "quality_user", "manager_user", "trainer_user"])
def test_every_role_reads_the_guide_and_finds_it_in_the_menu(request, web, org, role):  # type: ignore[no-untyped-def]
    client = web(request.getfixturevalue(role))
    index = reverse("help_org:index", kwargs={"org": org.slug})
    assert client.get(index).status_code == 200
    dashboard = client.get(reverse("dashboard:home", kwargs={"org": org.slug})).text
    assert f'<a href="{index}">Aide</a>' in dashboard


def test_another_organisations_admin_gets_404_on_our_guide(web, org, stranger):  # type: ignore[no-untyped-def]
    client = web(stranger)
    for slug in guide.PAGES:
        assert client.get(reverse(f"help_org:{slug}", kwargs={"org": org.slug})).status_code == 404


def test_without_an_account_the_organisation_guide_asks_to_log_in(client, org):  # type: ignore[no-untyped-def]
    response = client.get(reverse("help_org:index", kwargs={"org": org.slug}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
