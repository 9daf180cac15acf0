# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF's outputs: the JSON shape (docs/bpf.md, keys = the Cerfa's frame and line codes), CSV and PDF.

Money: euros with cents as strings ("1234.50"); hours: decimal strings with two decimals ("10.50"), from the
exact integer minutes (also given as `minutes`).
"""

import csv
import io
from decimal import Decimal
from typing import Any

from coopforma.core.hours import format_minutes
from coopforma.core.money import cents_to_decimal
from coopforma.reporting.bpf import C_LINES, F1_LINES, F3_LINES, LINE_LABELS, Bpf, Figure, cerfa_ref

SCHEMA = "coopforma.bpf/1"

D_LABELS = {
    "D.total": "Total des charges de l'organisme liées à l'activité de formation",
    "D.trainer_salaries": "dont salaires des formateurs",
    "D.purchases": "dont achats de prestations de formation et honoraires de formation",
    "D.member_subcontracting": (
        "dont reversements aux structures membres ayant leur propre NDA (sous-traitance, calculé)"
    ),
}


def euros(cents: int | None) -> str | None:
    if cents is None:
        return None
    return str(cents_to_decimal(cents).quantize(Decimal("0.01")))


def hours(minutes: int) -> str:
    return str((Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01")))


def figure(fig: Figure) -> dict[str, Any]:
    return {"trainees": fig.trainees, "hours": hours(fig.minutes), "minutes": fig.minutes}


def bpf_json(bpf: Bpf) -> dict[str, Any]:
    org = bpf.organisation
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "cerfa": "10443*17",
        "is_cerfa": bpf.is_cerfa,
        "year": bpf.year,
        "member_structure": (
            {"id": bpf.member_structure.pk, "name": bpf.member_structure.name} if bpf.member_structure else None
        ),
        "A": {
            "nda": org.nda,
            "legal_form": org.legal_form,
            "siret": org.siret,
            "naf": org.naf_code,
            "name": org.name,
            "address": org.address,
            "address_public": bpf.charges.address_public if bpf.charges else None,
            "phone": org.phone,
            "email": org.email,
        },
        "B": {
            "fiscal_year_start": bpf.start.isoformat(),
            "fiscal_year_end": bpf.end.isoformat(),
            "remote_actions": bpf.remote_actions,
        },
    }
    for code, _label in C_LINES:
        data[code] = euros(bpf.money[code])
    data["C.unclassified"] = euros(bpf.money["C.unclassified"])
    data["C.training_share_percent"] = bpf.training_share_percent
    charges = bpf.charges
    data["D.total"] = euros(charges.total_charges_cents) if charges else None
    data["D.trainer_salaries"] = euros(charges.trainer_salaries_cents) if charges else None
    data["D.purchases"] = euros(charges.purchases_cents) if charges else None
    data["D.member_subcontracting"] = euros(bpf.member_subcontracting_cents)
    for kind in ("internal", "external"):
        data[f"E.{kind}.persons"] = bpf.persons[kind]
        data[f"E.{kind}.hours"] = hours(bpf.delivered_minutes[kind])
    for code, _label in F1_LINES:
        data[code] = figure(bpf.f1[code])
    data["F1.remote"] = figure(bpf.f1["F1.remote"])
    data["F2"] = figure(bpf.f2)
    for code, _label in F3_LINES:
        data[code] = figure(bpf.f3[code])
    data["F4"] = [{"nsf": code, "label": label, **figure(fig)} for code, label, fig in bpf.f4]
    data["F4.others"] = figure(bpf.f4_others)
    data["F4.total"] = figure(bpf.f4_total)
    data["G"] = figure(bpf.g)
    data["H"] = {"name": org.head_name, "title": org.head_title}
    data["anomalies"] = [
        {
            "code": a.code,
            "severity": a.severity,
            "frame": a.frame,
            "message": a.message,
            "url": a.url,
            "object_id": a.object_id,
        }
        for a in bpf.anomalies
    ]
    data["checks"] = [{"code": c.code, "label": c.label, "ok": c.ok, "detail": c.detail} for c in bpf.checks]
    data["can_file"] = bpf.can_file
    return data


def rows(bpf: Bpf) -> list[tuple[str, str, str, str, str]]:
    """(code, label, trainees or persons, hours, euros) per line, in the Cerfa's order."""
    out: list[tuple[str, str, str, str, str]] = []
    for code, label in C_LINES:
        out.append((code, str(label), "", "", euros(bpf.money[code]) or ""))
    out.append(("C.unclassified", str(LINE_LABELS["C.unclassified"]), "", "", euros(bpf.money["C.unclassified"]) or ""))
    charges = bpf.charges
    out.append(("D.total", D_LABELS["D.total"], "", "", euros(charges.total_charges_cents) if charges else ""))
    out.append(
        (
            "D.trainer_salaries",
            D_LABELS["D.trainer_salaries"],
            "",
            "",
            euros(charges.trainer_salaries_cents) if charges else "",
        )
    )
    out.append(("D.purchases", D_LABELS["D.purchases"], "", "", euros(charges.purchases_cents) if charges else ""))
    out.append(
        ("D.member_subcontracting", D_LABELS["D.member_subcontracting"], "", "", euros(bpf.member_subcontracting_cents))
    )
    for kind in ("internal", "external"):
        label = str(LINE_LABELS[f"E.{kind}"])
        out.append((f"E.{kind}", label, str(bpf.persons[kind]), hours(bpf.delivered_minutes[kind]), ""))

    def fig(code: str, label: str, f: Figure) -> None:
        out.append((code, label, str(f.trainees), hours(f.minutes), ""))

    for code, label in F1_LINES:
        fig(code, str(label), bpf.f1[code])
    fig("F1.remote", str(LINE_LABELS["F1.remote"]), bpf.f1["F1.remote"])
    fig("F2", str(LINE_LABELS["F2"]), bpf.f2)
    for code, label in F3_LINES:
        fig(code, str(label), bpf.f3[code])
    for code, label, f in bpf.f4:
        fig(f"F4.{code}", f"{code} {label}", f)
    fig("F4.others", str(LINE_LABELS["F4.others"]), bpf.f4_others)
    fig("F4.total", str(LINE_LABELS["F4.total"]), bpf.f4_total)
    fig("G", str(LINE_LABELS["G"]), bpf.g)
    return out


def bpf_csv(bpf: Bpf) -> str:
    """`;`-separated for a French spreadsheet, one line per Cerfa line: its reference as the Cerfa prints it
    (« F-3 a », not the key « F3.a.level_6_8 »: the keys are the JSON's), its label, trainees or persons, hours and
    euros with a decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Repère Cerfa", "Libellé", "Stagiaires ou personnes", "Heures", "Euros"])
    for code, label, people, hours_, amount in rows(bpf):
        writer.writerow([cerfa_ref(code), label, people, hours_.replace(".", ","), amount.replace(".", ",")])
    return buffer.getvalue()


def pdf_rows(bpf: Bpf) -> list[tuple[str, str, str, str, str]]:
    """(frame prefix, label, trainees or persons, hours, euros) per line for the PDF: French labels, money as
    « 3 185,00 € », hours as « 7 h 30 »; the codes stay in the CSV and the JSON."""
    from coopforma.core.money import format_cents

    def money(cents: int | None) -> str:
        return format_cents(cents) if cents is not None else "non saisi"

    out: list[tuple[str, str, str, str, str]] = []
    for code, label in C_LINES:
        out.append(("C", str(label), "", "", money(bpf.money[code])))
    if bpf.money["C.unclassified"]:
        out.append(("C", str(LINE_LABELS["C.unclassified"]), "", "", money(bpf.money["C.unclassified"])))
    charges = bpf.charges
    for label, cents in (
        (str(D_LABELS["D.total"]), charges.total_charges_cents if charges else None),
        (str(D_LABELS["D.trainer_salaries"]), charges.trainer_salaries_cents if charges else None),
        (str(D_LABELS["D.purchases"]), charges.purchases_cents if charges else None),
        (str(D_LABELS["D.member_subcontracting"]), bpf.member_subcontracting_cents),
    ):
        out.append(("D", label, "", "", money(cents)))
    for kind in ("internal", "external"):
        out.append(
            (
                "E",
                str(LINE_LABELS[f"E.{kind}"]),
                str(bpf.persons[kind]),
                format_minutes(bpf.delivered_minutes[kind]) or "0 h",
                "",
            )
        )
    figures: list[tuple[str, str, Figure | None]] = [("F1", "§F-1. Type de stagiaires de l'organisme", None)]
    figures.extend((code, str(label), bpf.f1[code]) for code, label in F1_LINES)
    figures.append(("F1.remote", str(LINE_LABELS["F1.remote"]), bpf.f1["F1.remote"]))
    figures.append(("F2", "§F-2. Activité sous-traitée", None))
    figures.append(("F2", str(LINE_LABELS["F2"]), bpf.f2))
    figures.append(("F3", "§F-3. Objectif général des prestations dispensées", None))
    figures.extend((code, str(label), bpf.f3[code]) for code, label in F3_LINES)
    figures.append(("F4", "§F-4. Spécialités de formation (les cinq principales)", None))
    figures.extend((f"F4.{nsf}", f"{nsf} — {label}", fig) for nsf, label, fig in bpf.f4)
    figures.append(("F4.others", str(LINE_LABELS["F4.others"]), bpf.f4_others))
    figures.append(("F4.total", str(LINE_LABELS["F4.total"]), bpf.f4_total))
    figures.append(("G", str(LINE_LABELS["G"]), bpf.g))
    for code, label, fig in figures:
        frame = "G" if code == "G" else "F"
        if fig is None:  # a sub-heading (« § »)
            out.append((frame, label, "", "", ""))
        else:
            out.append((frame, label, str(fig.trainees), format_minutes(fig.minutes) or "0 h", ""))
    return out


def bpf_pdf(bpf: Bpf) -> bytes:
    """The BPF as a PDF laid out with typst (documents.rendering's public API); a report, not archived."""
    from coopforma.documents.rendering import compile_pdf, typst_escape

    def e(value: object) -> str:
        return typst_escape("" if value is None else str(value))

    org = bpf.organisation
    title = (
        f"Bilan pédagogique et financier {bpf.year} — Cerfa 10443*17"
        if bpf.is_cerfa
        else f"Rapport d'activité {bpf.year} — {bpf.member_structure} (ce n'est pas un Cerfa)"
    )
    address_public = bpf.charges.address_public if bpf.charges else None
    frame_a = [
        ("Numéro de déclaration d'activité", org.nda),
        ("Forme juridique", org.legal_form),
        ("SIRET", org.siret),
        ("Code NAF", org.naf_code),
        ("Dénomination", org.name),
        ("Adresse", org.address),
        (
            "Acceptez-vous que cette adresse soit rendue publique ?",
            "non saisi (cadre D)" if address_public is None else ("oui" if address_public else "non"),
        ),
        ("Téléphone", org.phone),
        ("Courriel", org.email),
    ]
    share = bpf.training_share_percent
    parts = [
        '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.6cm), footer: context [#set text(size: 7pt); '
        f"{e(org.name)} #h(1fr) Page #counter(page).display()])\n",
        '#set text(size: 9pt, lang: "fr")\n#set table(inset: 4pt, stroke: 0.5pt + luma(120))\n',
        f"= {e(title)}\n",
        "== A. Identification de l'organisme de formation\n",
        "#table(columns: (auto, 1fr), "
        + ", ".join(f"[{e(label)}], [{e(value or '—')}]" for label, value in frame_a)
        + ")\n",
        "== B. Informations générales\n",
        f"Exercice comptable du {bpf.start:%d/%m/%Y} au {bpf.end:%d/%m/%Y}\\\n",
        "Avez-vous mis en œuvre une ou des actions en tout ou partie à distance ? "
        f"*{'oui' if bpf.remote_actions else 'non'}*\n",
    ]
    sections = [
        ("C", "C. Bilan financier hors taxes : origine des produits de l'organisme", ("Ligne", "Euros HT")),
        ("D", "D. Bilan financier hors taxes : charges de l'organisme", ("Ligne", "Euros HT")),
        ("E", "E. Personnes dispensant des heures de formation", ("", "Nombre", "Heures dispensées")),
        ("F", "F. Bilan pédagogique : stagiaires et heures suivies", ("", "Stagiaires", "Heures")),
        (
            "G",
            "G. Stagiaires dont la formation a été confiée à votre organisme par un autre organisme de formation",
            ("", "Stagiaires", "Heures"),
        ),
    ]
    all_rows = pdf_rows(bpf)
    for frame, heading, header in sections:
        parts.append(f"== {e(heading)}\n")
        money_frame = frame in ("C", "D")
        cells = [", ".join(f"[*{e(h)}*]" for h in header)]
        for row_frame, label, n, h, eur in all_rows:
            if row_frame != frame:
                continue
            if label.startswith("§"):
                cells.append(f"table.cell(colspan: 3)[*{e(label[1:])}*]")
                continue
            values = (label, eur) if money_frame else (label, n, h)
            cells.append(", ".join(f"[{e(v)}]" for v in values))
        columns = "(1fr, auto)" if money_frame else "(1fr, auto, auto)"
        parts.append(f"#table(columns: {columns}, {', '.join(cells)})\n")
        if frame == "C":
            parts.append(
                "Part du chiffre d'affaires global réalisée dans la formation professionnelle : "
                + (
                    f"*{e(share.replace('.', ','))} %*"
                    if share is not None
                    else "non calculée (chiffre d'affaires global non saisi au cadre D)"
                )
                + "\n"
            )
    parts.append("== Contrôles\n")
    for check in bpf.checks:
        parts.append(f"- {'OK' if check.ok else 'À corriger'} : {e(check.label)} {e(check.detail)}\n")
    if bpf.anomalies:
        parts.append(f"== Anomalies ({len(bpf.anomalies)})\n")
        for anomaly in bpf.anomalies:
            kind = "Erreur" if anomaly.severity == "error" else "Avertissement"
            parts.append(f"- {kind} (cadre {e(anomaly.frame)}) : {e(anomaly.message)}\n")
    parts.append(
        f"== H. Personne ayant la qualité de dirigeant\n{e(org.head_name or '—')} — {e(org.head_title or '—')}\n"
    )
    parts.append(
        f"#text(size: 7pt)[Heures : {e(format_minutes(bpf.f1['F1.total'].minutes) or '0 h')} au total F-1 ; "
        "heures suivies d'après l'émargement, heures planifiées pour les créneaux sans émargement.]\n"
    )
    return compile_pdf("".join(parts), tagged=False)
