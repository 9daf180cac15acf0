# SPDX-License-Identifier: AGPL-3.0-or-later
"""The readable PDFs of the privacy app (typst): a person's data summary, the records-of-processing register."""

from typing import Any

from django.utils import timezone

from coopforma.documents.rendering import compile_pdf, typst_escape

PAGE = (
    '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.6cm), footer: context [#set text(size: 7pt, fill: luma(80)); '
    "{footer} #h(1fr) Page #counter(page).display() sur #counter(page).final().first()])\n"
    '#set text(size: 9pt, lang: "fr")\n'
    "#set table(inset: 4pt, stroke: 0.5pt + luma(120))\n"
)
MAX_ROWS = 200  # per section in the PDF (the JSON holds everything)


def e(value: object) -> str:
    text = "" if value is None or value == "" else str(value)
    return typst_escape(text if len(text) <= 600 else text[:600] + "…")


def _title(text: str) -> str:
    return f'#text(size: 15pt, weight: "bold", fill: rgb("#1d4e4a"))[{e(text)}]\n\n'


def _facts(rows: list[tuple[str, str]]) -> str:
    cells = ", ".join(f"[*{e(k)}*], [{e(v)}]" for k, v in rows)
    return f"#table(columns: (auto, 1fr), stroke: none, inset: 2pt, {cells})\n"


def export_markup(data: dict[str, Any]) -> str:
    controller = data["controller"]["name"]
    out = [PAGE.format(footer=e(f"{controller} — vos données personnelles, au {timezone.localdate():%d/%m/%Y}"))]
    out.append(_title("Vos données personnelles (RGPD art. 15 et 20)"))
    out.append(
        _facts(
            [
                ("Responsable du traitement", controller),
                ("Archive", "donnees.json (toutes les données, format décrit dans la documentation) et ce résumé"),
                ("Vos droits", data["rights"]),
            ]
        )
    )
    for subject in data["subjects"]:
        out.append(f"= {e(subject['name'])}\n")
        for section in subject["sections"]:
            out.append(f"== {e(section['title'])}\n")
            out.append(
                _facts(
                    [
                        ("Origine", section["source"]),
                        ("Finalité", section["purpose"]),
                        ("Base légale", section["legal_basis"]),
                        ("Conservation", section["retention"]),
                    ]
                )
            )
            if section.get("notes"):
                out.append(f"_{e(section['notes'])}_\n\n")
            records = section["records"]
            if not records:
                out.append("Aucune donnée.\n\n")
                continue
            for record in records[:MAX_ROWS]:
                rows = [(label, record.get(name)) for name, label in section["fields"].items()]
                out.append(_facts([(k, "—" if v in (None, "") else str(v)) for k, v in rows]))
                out.append("#line(length: 100%, stroke: 0.3pt + luma(160))\n")
            if len(records) > MAX_ROWS:
                out.append(f"… et {len(records) - MAX_ROWS} autre(s) : voir donnees.json.\n\n")
    return "".join(out)


def export_pdf(data: dict[str, Any]) -> bytes:
    return compile_pdf(export_markup(data), tagged=False)


def register_markup(organisation_name: str, entries: list[Any]) -> str:
    out = [PAGE.format(footer=e(f"{organisation_name} — registre des traitements, au {timezone.localdate():%d/%m/%Y}"))]
    out.append(_title("Registre des activités de traitement (RGPD art. 30)"))
    out.append(_facts([("Responsable du traitement", organisation_name)]))
    for entry in entries:
        processing = entry.processing
        out.append(f"== {e(processing.name)}\n")
        out.append(
            _facts(
                [
                    ("Finalité", str(processing.purpose)),
                    ("Base légale", str(processing.legal_basis)),
                    ("Personnes concernées", str(processing.subjects)),
                    ("Destinataires", str(processing.recipients)),
                ]
            )
        )
        out.append("#table(columns: (1fr, 1.4fr, 2fr),\ntable.header([*Données*], [*Origine*], [*Champs*]),\n")
        for label, source, fields in entry.models:
            out.append(f"[{e(label)}], [{e(source)}], [{e(', '.join(fields))}],\n")
        out.append(")\n")
        out.append("*Durées de conservation* : " + e(" ; ".join(entry.periods)) + "\n\n")
    return "".join(out)


def register_pdf(organisation_name: str, entries: list[Any]) -> bytes:
    return compile_pdf(register_markup(organisation_name, entries), tagged=False)
