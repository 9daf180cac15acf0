# SPDX-License-Identifier: AGPL-3.0-or-later
"""The paper fallback's PDFs, laid out with typst through `documents.rendering`'s public functions.

- The printable attendance sheet (feuille d'émargement) of one slot or of a whole session: title, reference,
  dates, times, place or virtual room, trainers; per day one table with a line per trainee and a signature box
  per half-day, and the trainer's signature box under each half-day (regulations.md §3.8). A slot already
  signed on a phone is printed with its status in the box (« Signé 09:03 (lien personnel) »), so the sheet can
  also serve as a printout of the electronic émargement.
- The PDF export of a session's attendance: per trainee the attended / planned hours and rate, then every slot's
  states, methods and times (the CSV's content, readable by a funder).

Only plain strings reach the markup, each through `typst_escape`.
"""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from coopforma.attendance.drawing import as_svg
from coopforma.core.formatting import WEEKDAYS
from coopforma.core.hours import format_minutes
from coopforma.documents.rendering import compile_pdf, typst_escape

if TYPE_CHECKING:
    from coopforma.attendance.selectors import PaperSheet, SessionAttendance
    from coopforma.training_sessions.models import Slot

STATUS = {
    "present": "Présent·e",
    "late": "En retard",
    "absent": "Absent·e",
    "excused": "Absence justifiée",
    "unknown": "Non renseigné",
}
METHOD = {
    "qr": "QR code",
    "link": "lien personnel",
    "remote": "à distance",
    "on_behalf": "pour son compte",
    "paper": "feuille papier",
}

PAGE = (
    '#set page(paper: "a4", flipped: {flipped}, margin: (x: 1.4cm, y: 1.4cm), footer: context [#set text(size: 7pt, '
    "fill: luma(80)); {footer} #h(1fr) Page #counter(page).display() sur #counter(page).final().first()])\n"
    '#set text(size: 9pt, lang: "fr")\n'
    "#set table(inset: 4pt, stroke: 0.5pt + luma(120))\n"
)


def e(value: object) -> str:
    return typst_escape("" if value is None else str(value))


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def fr_day(value: dt.datetime) -> str:
    value = local(value)
    return f"{WEEKDAYS[value.weekday()]} {value:%d/%m/%Y}"


def slot_label(slot: "Slot") -> str:
    half = "Matin" if slot.half_day == "am" else "Après-midi"
    return f"{half}, {local(slot.starts_at):%H:%M} – {local(slot.ends_at):%H:%M} ({format_minutes(slot.minutes)})"


def _facts(rows: Iterable[tuple[str, str]]) -> str:
    cells = ", ".join(f"[*{e(k)}*], [{e(v)}]" for k, v in rows)
    return f"#table(columns: (auto, 1fr), stroke: none, inset: 2pt, {cells})\n"


def _by_day(slots: list["Slot"]) -> list[tuple[str, list["Slot"]]]:
    days: dict[str, list[Slot]] = {}
    for slot in slots:
        days.setdefault(fr_day(slot.starts_at), []).append(slot)
    return list(days.items())


ELECTRONIC_ONLY = "Émargement électronique en cours ou clos : ne pas signer ici"


def _drawing_input(slot_id: int, participant_id: int) -> str:
    return f"drawing_{slot_id}_{participant_id}"


def _box(cell: object, *, started: bool = False, drawing: str = "") -> str:
    """What an electronic émargement already says in a signature box. Empty (to sign on paper) only while the
    slot's electronic émargement has not started: afterwards a blank box would let a half-day carry two proofs."""
    if cell is None or getattr(cell, "status", "unknown") == "unknown":
        return f"#text(size: 6.5pt, fill: luma(90))[{e(ELECTRONIC_ONLY)}]" if started else ""
    text = STATUS.get(cell.status, cell.status)
    if cell.signed_at:
        text = f"Signé {local(cell.signed_at):%H:%M}"
        if cell.method:
            text += f" ({METHOD.get(cell.method, cell.method)})"
    elif cell.arrival_at:
        text += f" — arrivée {local(cell.arrival_at):%H:%M}"
    box = f"#text(size: 7pt, fill: luma(60))[{e(text)}]"
    if drawing:  # the signature drawn on the phone (its SHA-256 is sealed in the record's chain)
        box += f' \\ #image(bytes(sys.inputs.at("{drawing}")), height: 0.6cm)'
    return box


def sheet_markup(sheet: "PaperSheet") -> str:
    session = sheet.session
    organisation = sheet.organisation
    slots = sheet.slots
    title = "Feuille d'émargement — " + (slot_label(slots[0]) if sheet.single else "session")
    period = fr_day(slots[0].starts_at) if slots else ""
    if slots and not sheet.single and fr_day(slots[-1].starts_at) != period:
        period = f"du {period} au {fr_day(slots[-1].starts_at)}"
    planned = sum(s.minutes for s in slots)
    footer = e(f"{organisation.name} — pièce justificative de la réalisation de l'action (art. R6313-3), à conserver.")
    out = [PAGE.format(flipped="false" if sheet.single or len(slots) < 3 else "true", footer=footer)]
    out.append(f'#text(size: 15pt, weight: "bold", fill: rgb("#1d4e4a"))[{e(title)}]\n\n')
    out.append(
        _facts(
            [
                ("Action", f"{session.title} (réf. S-{session.pk:05d})"),
                ("Organisme", f"{organisation.name}" + (f" — NDA {organisation.nda}" if organisation.nda else "")),
                ("Date" if sheet.single else "Période", period),
                ("Durée", format_minutes(planned) + (" (ce créneau)" if sheet.single else " planifiées")),
                ("Lieu", sheet.place),
                ("Formateur·rices", ", ".join(sheet.trainers) or "—"),
            ]
        )
    )
    out.append(
        "Chaque stagiaire signe à chaque demi-journée de présence ; le ou la formateur·rice signe à la fin de chaque "
        "demi-journée et atteste l'exactitude des présences. Une absence est indiquée « absent·e » dans la case.\n\n"
    )
    for day, day_slots in _by_day(slots):
        out.append(f"== {e(day[:1].upper() + day[1:])}\n")
        columns = "(1.5fr, 1.1fr, " + ", ".join("1.4fr" for _ in day_slots) + ")"
        names = {s.pk: ", ".join(sheet.slot_trainers.get(s.pk, [])) for s in day_slots}
        head = "[*Stagiaire*], [*Employeur*], " + ", ".join(
            f"[*{e(slot_label(s))}* \\ #text(size: 7pt)[Formateur·rice : {e(names[s.pk] or '—')}]]" for s in day_slots
        )
        rows = [head]
        for participant in sheet.participants:
            boxes = ", ".join(
                "["
                + _box(
                    sheet.cells.get((s.pk, participant.pk)),
                    started=s.pk in sheet.started,
                    drawing=_drawing_input(s.pk, participant.pk) if (s.pk, participant.pk) in sheet.drawings else "",
                )
                + "]"
                for s in day_slots
            )
            rows.append(
                f"[{e(participant.trainee.full_name)}], [{e(sheet.employers.get(participant.pk, ''))}], {boxes}"
            )
        trainer = ", ".join(
            f"[{e(sheet.trainer_signatures.get(s.pk, ''))} \\ #text(size: 7pt)[{e(names[s.pk])}]]" for s in day_slots
        )
        rows.append(f"table.cell(colspan: 2)[*Signature du ou de la formateur·rice*], {trainer}")
        heights = "(auto, " + "".join("1cm, " for _ in sheet.participants) + "1.4cm)"
        out.append(f"#table(columns: {columns}, rows: {heights}, table.header({rows[0]}),\n")
        out.append(",\n".join(rows[1:]) + ",\n)\n")
    if not sheet.participants:
        out.append("_Aucun·e stagiaire inscrit·e._\n")
    return "".join(out)


def sheet_pdf(sheet: "PaperSheet") -> bytes:
    inputs = {_drawing_input(*key): as_svg(png) for key, png in sheet.drawings.items()}
    return compile_pdf(sheet_markup(sheet), inputs=inputs)


def export_markup(summary: "SessionAttendance", organisation_name: str) -> str:
    session = summary.session
    footer = e(
        f"{organisation_name} — émargement de la session S-{session.pk:05d}, exporté le "
        f"{local(timezone.now()):%d/%m/%Y à %H:%M}"
    )
    out = [PAGE.format(flipped="false", footer=footer)]
    out.append(f'#text(size: 15pt, weight: "bold", fill: rgb("#1d4e4a"))[{e("Émargement et heures suivies")}]\n\n')
    rate = summary.rate_percent
    out.append(
        _facts(
            [
                ("Action", f"{session.title} (réf. S-{session.pk:05d})"),
                ("Créneaux", str(len(summary.slots))),
                (
                    "Heures suivies",
                    f"{format_minutes(summary.attended_minutes) or '0 h'} sur "
                    f"{format_minutes(summary.planned_minutes) or '0 h'} planifiées",
                ),
                ("Assiduité", f"{rate} %" if rate is not None else "—"),
            ]
        )
    )
    out.append("== Par stagiaire\n#table(columns: (2fr, 1fr, 1fr, 1fr, 0.8fr),\n")
    out.append(
        "table.header([*Stagiaire*], [*Heures suivies*], [*Planifiées*], [*Absences justifiées*], [*Assiduité*]),\n"
    )
    for line in summary.lines:
        rate = line.rate_percent
        out.append(
            f"[{e(line.participant.trainee.full_name)}], [{e(format_minutes(line.attended_minutes) or '0 h')}], "
            f"[{e(format_minutes(line.planned_minutes) or '0 h')}], "
            f"[{e(format_minutes(line.excused_minutes) or '—')}], "
            f"[{e(f'{rate} %' if rate is not None else '—')}],\n"
        )
    out.append(")\n")
    for slot, state in zip(summary.slots, summary.slot_states, strict=True):
        head = summary.heads.get(slot.pk)
        closing = ""
        if head is not None and head.closed_at:
            closing = f" — signé et clos par {head.trainer_signature or '—'} le {local(head.closed_at):%d/%m/%Y %H:%M}"
        status = {"pending": "pas encore ouvert", "open": "ouvert", "closed": "clos"}.get(state, state)
        out.append(f"== {e(fr_day(slot.starts_at).capitalize())} — {e(slot_label(slot))}\n")
        out.append(f"État : {e(status + closing)}\n\n")
        out.append("#table(columns: (2fr, 1fr, 1.2fr, 0.8fr, 1.6fr, 0.8fr),\n")
        out.append("table.header([*Stagiaire*], [*Présence*], [*Mode*], [*Heure*], [*Motif*], [*Temps suivi*]),\n")
        index = summary.slots.index(slot)
        for line in summary.lines:
            cell = line.cells[index]
            status_text = STATUS.get(cell.status, cell.status) if cell else STATUS["unknown"]
            method = METHOD.get(cell.method, cell.method) if cell and cell.method else "—"
            when = cell.signed_at or cell.arrival_at if cell else None
            out.append(
                f"[{e(line.participant.trainee.full_name)}], [{e(status_text)}], [{e(method)}], "
                f"[{e(f'{local(when):%H:%M}' if when else '—')}], [{e(cell.reason if cell and cell.reason else '—')}], "
                f"[{e(format_minutes(cell.attended_minutes if cell else 0) or '0 h')}],\n"
            )
        out.append(")\n")
    return "".join(out)


def export_pdf(summary: "SessionAttendance", organisation_name: str) -> bytes:
    return compile_pdf(export_markup(summary, organisation_name))
