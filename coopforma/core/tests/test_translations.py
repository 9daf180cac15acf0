# SPDX-License-Identifier: AGPL-3.0-or-later
"""The English translation: the .po is complete, the committed .mo matches it, and Django serves it."""

import ast
import gettext as gettext_module
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import gettext, override

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"


def parse_po(path: Path) -> list[dict]:
    """A deliberately simple .po reader: one dict per entry (ctxt, id, id_plural, strs, fuzzy, obsolete)."""
    entries: list[dict] = []
    entry: dict = {}
    key = ""

    def flush() -> None:
        nonlocal entry
        if "id" in entry:
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            if "id" in entry:
                flush()
            entry["fuzzy"] = "fuzzy" in {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if "id" in entry:
                flush()
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, quoted = line.partition(" ")
            if keyword == "msgctxt" and "id" in entry:
                flush()
            key = {"msgctxt": "ctxt", "msgid": "id", "msgid_plural": "id_plural"}.get(keyword, keyword)
            value = ast.literal_eval(quoted)
            if key.startswith("msgstr"):
                entry.setdefault("strs", {})[key] = ""
            else:
                entry[key] = ""
        if key.startswith("msgstr"):
            entry["strs"][key] += value
        else:
            entry[key] += value
    flush()
    return [e for e in entries if not e.get("obsolete")]


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    entries = parse_po(PO_PATH)
    assert entries[0]["id"] == "", "the .po should start with its header"
    return entries[1:]


def catalogue_key(entry: dict, index: int | None = None) -> str | tuple[str, int]:
    msgid = entry["id"] if "ctxt" not in entry else f"{entry['ctxt']}\x04{entry['id']}"
    return msgid if index is None else (msgid, index)


def test_po_has_no_empty_or_fuzzy_msgstr(po_entries):
    assert len(po_entries) > 800
    fuzzy = [e["id"] for e in po_entries if e.get("fuzzy")]
    empty = [e["id"] for e in po_entries if any(not s for s in e["strs"].values())]
    assert not fuzzy, f"fuzzy entries: {fuzzy[:10]}"
    assert not empty, f"untranslated entries: {empty[:10]}"


def test_compiled_mo_is_in_step_with_the_po(po_entries):
    with MO_PATH.open("rb") as fh:
        catalog = gettext_module.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    mo_ids = {key if isinstance(key, str) else key[0] for key in catalog} - {""}
    po_ids = {catalogue_key(e) for e in po_entries}
    assert po_ids - mo_ids == set(), "msgids missing from the .mo: run msgfmt -c (see docs/i18n.md)"
    assert mo_ids - po_ids == set(), "the .mo has msgids the .po no longer has: recompile it"
    for entry in po_entries:
        if "id_plural" in entry:
            for index in range(len(entry["strs"])):
                msgstr = entry["strs"][f"msgstr[{index}]"]
                assert catalog[catalogue_key(entry, index)] == msgstr, entry["id"]
        else:
            assert catalog[catalogue_key(entry)] == entry["strs"]["msgstr"], entry["id"]


def test_gettext_translates_to_english():
    with override("en"):
        assert gettext("Tableau de bord") == "Dashboard"
        assert gettext("Page %(n)s sur %(total)s") % {"n": 2, "total": 5} == "Page 2 of 5"
    with override("fr"):
        assert gettext("Tableau de bord") == "Tableau de bord"


@pytest.mark.django_db
def test_login_page_in_english_from_accept_language():
    response = Client(headers={"Accept-Language": "en"}).get("/accounts/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert ">Log in</button>" in content
    assert "Se connecter" not in content


@pytest.mark.django_db
def test_login_page_in_english_after_choosing_the_language():
    client = Client()
    assert "Se connecter" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    content = client.get("/accounts/login/").content.decode()
    assert ">Log in</button>" in content
    assert "Se connecter" not in content
