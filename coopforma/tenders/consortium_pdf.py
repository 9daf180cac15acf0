# SPDX-License-Identifier: AGPL-3.0-or-later
"""The response kit as a readable PDF (typst, through the documents engine's `compile_pdf`): the same content as
the kit's page, from `consortium_selectors.response_kit` — nothing that the kit does not hold."""

from typing import Any

from django.utils import timezone

from coopforma.core.formatting import fr_money
from coopforma.documents.rendering import compile_pdf, typst_escape

PAGE = (
    '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.6cm), footer: context [#set text(size: 7pt, fill: luma(80)); '
    "{footer} #h(1fr) Page #counter(page).display() sur #counter(page).final().first()])\n"
    '#set text(size: 9pt, lang: "fr")\n'
    "#set table(inset: 4pt, stroke: 0.5pt + luma(120))\n"
)
MAX_TEXT = 1500


def e(value: object) -> str:
    text = "" if value is None else str(value)
    return typst_escape(text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…")


def _facts(rows: list[tuple[str, Any]]) -> str:
    cells = ", ".join(f"[*{e(k)}*], [{e(v)}]" for k, v in rows if v not in (None, ""))
    return f"#table(columns: (auto, 1fr), stroke: none, inset: 2pt, {cells})\n" if cells else ""


def _identity_rows(member: dict[str, Any]) -> list[tuple[str, Any]]:
    identity = member["identity"]
    rows: list[tuple[str, Any]] = [
        ("Forme juridique", identity["legal_form"]),
        ("SIRET", identity["siret"]),
        ("Adresse", identity["address"]),
        ("Déclaration d'activité (NDA)", identity["nda"]),
        ("Représentant·e", identity["head"]),
    ]
    qualiopi = identity["qualiopi"]
    if qualiopi:
        dates = " – ".join(d for d in (qualiopi["valid_from"], qualiopi["valid_until"]) if d)
        rows.append(
            ("Certificat Qualiopi", f"{qualiopi['certificate_number']} {qualiopi['certifier']} {dates}".strip())
        )
    if "turnover" in member:
        turnover = member["turnover"]
        rows.append(
            (
                "Chiffre d'affaires (dernier BPF)",
                f"{fr_money(turnover['turnover_cents'])} (exercice {turnover['fiscal_year']})",
            )
        )
    return rows


def _cv_line(cv: dict[str, Any]) -> str:
    if cv["kind"] == "file":
        return f"CV joint au dossier : {cv['filename']}"
    sessions = "; ".join(
        f"{s['title']} ({s['start_date'] or '—'} – {s['end_date'] or '—'}, {s['hours']} h)"
        for s in cv["recent_sessions"]
    )
    line = (
        f"CV d'après nos enregistrements : {cv['sessions_delivered']} session(s) animée(s) et terminée(s), "
        f"{cv['hours_delivered']} h"
    )
    return f"{line} — {sessions}" if sessions else line


def _certificate_line(certificate: dict[str, Any]) -> str:
    parts = [certificate["label"], certificate["number"]]
    if certificate["certifier"]:
        parts.append(f"({certificate['certifier']})")
    if certificate["valid_until"]:
        parts.append(f"jusqu'au {certificate['valid_until']}")
    if certificate["categories"]:
        parts.append("— " + ", ".join(certificate["categories"]))
    if certificate["number"] and not certificate["in_force"]:
        parts.append("— pas en cours de validité aujourd'hui")
    if certificate["file"]:
        parts.append(f"— certificat joint : {certificate['file']['filename']}")
    return " ".join(p for p in parts if p)


def kit_markup(kit: dict[str, Any]) -> str:
    notice, groupement = kit["notice"], kit["groupement"]
    out = [PAGE.format(footer=e(f"Dossier de réponse {notice['idweb']} — au {timezone.localdate():%d/%m/%Y}"))]
    out.append(f'#text(size: 15pt, weight: "bold", fill: rgb("#1d4e4a"))[{e(notice["object"])}]\n\n')
    out.append(
        _facts(
            [
                ("Avis BOAMP", notice["idweb"]),
                ("Acheteur", notice["buyer"]),
                ("Groupement", groupement["form"]),
                ("Mandataire", groupement["mandataire"]),
            ]
        )
    )
    for member in kit["members"]:
        title = member["identity"]["name"] + (" (mandataire)" if member["mandataire"] else "")
        out.append(f"= {e(title)}\n")
        out.append("== Identité (DC1 / DC2)\n")
        out.append(_facts(_identity_rows(member)))
        if member["shares"]:
            shares = " ; ".join(
                f"{'lot ' + str(s['lot']) if s['lot'] else 'avis entier'} {s['per_mille']} ‰" for s in member["shares"]
            )
            out.append(f"Parts : {e(shares)}\n\n")
        out.append("== Références\n")
        if member["references"]:
            out.append(
                "#table(columns: (2fr, 1.2fr, auto, auto, auto, 1.2fr),\n"
                "table.header([*Formation*], [*Dates*], [*Stagiaires*], [*Heures*], [*Satisfaction*], [*Client*]),\n"
            )
            for ref in member["references"]:
                rate = (
                    f"{ref['satisfaction_percent']} % (n = {ref['satisfaction_sample']})"
                    if ref["satisfaction_percent"] is not None
                    else "—"
                )
                dates = f"{ref['start_date'] or '—'} – {ref['end_date'] or '—'}"
                out.append(
                    f"[{e(ref['training'])}], [{e(dates)}], [{e(ref['trainees'])}], [{e(ref['hours'])}], "
                    f"[{e(rate)}], [{e(', '.join(ref['buyer_types']) or '—')}],\n"
                )
            out.append(")\n")
        else:
            out.append("Aucune session terminée d'une formation correspondant à l'avis.\n\n")
        out.append("== Formateur·rices\n")
        for trainer in member["trainers"]:
            competencies = ", ".join(f"{c['label']} ({c['level']})" for c in trainer["competencies"])
            out.append(f"- {e(trainer['name'])}{' — ' + e(competencies) if competencies else ''}\n")
            out.append(f"  {e(_cv_line(trainer['cv']))}\n")
        if not member["trainers"]:
            out.append("Aucune personne de ce membre dans l'équipe.\n")
        out.append("\n== Certificats\n")
        for certificate in member["certificates"]:
            out.append(f"- {e(_certificate_line(certificate))}\n")
        if not member["certificates"]:
            out.append("Aucun certificat enregistré pour ce membre.\n")
        out.append("\n")
    out.append("= Mémoire technique (trame)\n")
    for number, section in enumerate(kit["technical_memo"]["sections"], start=1):
        out.append(f"{number}. {e(section)}\n")
    out.append("\n")
    for programme in kit["technical_memo"]["programmes"]:
        out.append(f"== {e(programme['title'])} ({e(programme['organisation'])})\n")
        if programme["summary"]:
            out.append(f"{e(programme['summary'])}\n\n")
        for objective in programme["objectives"]:
            out.append(f"- {e(objective)}\n")
        out.append(
            _facts(
                [
                    ("Durée", f"{programme['duration_hours']} h — {programme['modality']}"),
                    ("Public", programme["audience"]),
                    ("Contenu", programme["content"]),
                    ("Méthodes", programme["methods"]),
                    ("Évaluation", programme["evaluation_methods"]),
                ]
            )
        )
    return "".join(out)


def kit_pdf(kit: dict[str, Any]) -> bytes:
    return compile_pdf(kit_markup(kit), tagged=False)
