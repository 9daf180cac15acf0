# SPDX-License-Identifier: AGPL-3.0-or-later
"""The user guide (docs/guide/*.md, in French) rendered as HTML pages of the application.

The Markdown files are ours, never user input: raw HTML in them is not rendered all the same (markdown-it's
"html" option off). Headings get ids from their text (`slugify`), so a link or the help mapping
(`help.links`) can point to a section; links between guide files (`stagiaire.md#…`) become page URLs.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils.text import slugify
from markdown_it import MarkdownIt

# The pages, in the order of the guide's menu: URL slug -> file in docs/guide/.
PAGES: dict[str, str] = {
    "index": "index.md",
    "administration": "administration.md",
    "qualite": "qualite.md",
    "structure-membre": "structure-membre.md",
    "formateur": "formateur.md",
    "client": "client.md",
    "stagiaire": "stagiaire.md",
    "reseau": "reseau.md",
    "echanges": "echanges.md",
    "animation-des-echanges": "animation-des-echanges.md",
    "referentiel": "referentiel.md",
    "flux-lheo": "flux-lheo.md",
}


_LICENCE_COMMENT = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)

# Gives the URL of a guide page: inside an organisation's pages, or the public ones.
PageUrl = Callable[[str], str]


def guide_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "guide"


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    html: str
    sections: tuple[Section, ...]


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def _link_target(href: str, page_url: PageUrl) -> str:
    path, _, anchor = href.partition("#")
    if "/" in path or not path.endswith(".md"):
        return href
    slug = path.removesuffix(".md")
    if slug not in PAGES:
        return href
    return page_url(slug) + (f"#{anchor}" if anchor else "")


def render(slug: str, page_url: PageUrl) -> GuidePage:
    """The page `slug` as HTML, its title (its first heading) and its sections; 404 for an unknown page."""
    if slug not in PAGES:
        raise Http404
    text = (guide_dir() / PAGES[slug]).read_text(encoding="utf-8")
    text = _LICENCE_COMMENT.sub("", text)  # the files' SPDX line: raw HTML is not rendered, so not shown either
    md = _markdown()
    tokens = md.parse(text)
    sections: list[Section] = []
    seen: dict[str, int] = {}
    title = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            content = tokens[index + 1].content
            anchor = slugify(content) or "section"
            seen[anchor] = seen.get(anchor, 0) + 1
            if seen[anchor] > 1:
                anchor = f"{anchor}-{seen[anchor]}"
            token.attrSet("id", anchor)
            level = int(token.tag[1])
            if level == 1 and not title:
                title = content
            sections.append(Section(anchor=anchor, title=content, level=level))
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "link_open":
                    child.attrSet("href", _link_target(str(child.attrGet("href") or ""), page_url))
    html = md.renderer.render(tokens, md.options, {})
    return GuidePage(slug=slug, title=title, html=html, sections=tuple(sections))


def anchors(slug: str) -> set[str]:
    """Every section id of the page `slug` (for the tests of the help mapping)."""
    return {section.anchor for section in render(slug, _as_file).sections}


def titles() -> list[tuple[str, str]]:
    """(slug, title) of every page, in menu order."""
    return [(slug, render(slug, _as_file).title) for slug in PAGES]


def _as_file(slug: str) -> str:
    return f"{slug}.md"
