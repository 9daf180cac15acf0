# SPDX-License-Identifier: AGPL-3.0-or-later
"""The access map sent with each convocation: a one-page PDF per session with each place's address, access notes
and accessibility, and a QR code that opens the address in OpenStreetMap on the trainee's phone.

No map tiles: the server fetches nothing at runtime and the page is the same on every server (the QR code is a
link the reader opens, not an image we download). The PDF is laid out by the documents engine (render workers,
their limits), stored once under a name made of its SHA-256 (the same places give the same file), and attached
by reference (core.mail.MailAttachment, checked against its hash when the e-mail leaves)."""

import hashlib
from urllib.parse import quote_plus

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopforma.core.mail import MailAttachment
from coopforma.documents.qr import qr_svg
from coopforma.documents.rendering import compile_pdf, typst_escape
from coopforma.training_sessions.models import Place, Session


def session_places(session: Session) -> list[Place]:
    """The session's place, then the other places of its slots, each once; only those with an address."""
    places: list[Place] = []
    if session.place is not None:
        places.append(session.place)
    for slot in session.slots.select_related("place").exclude(place=None).order_by("starts_at"):
        if slot.place is not None and all(slot.place.pk != p.pk for p in places):
            places.append(slot.place)
    return [p for p in places if p.address]


def osm_url(place: Place) -> str:
    return "https://www.openstreetmap.org/search?query=" + quote_plus(place.address)


def access_map_markup(session: Session, places: list[Place]) -> str:
    e = typst_escape
    lines = [
        '#set page(paper: "a4", margin: 2cm)',
        '#set text(lang: "fr", size: 11pt)',
        f"= {e(_('Plan d’accès'))}",
        f"*{e(_('Session'))}* : {e(session.title)} \\",
        f"*{e(_('Organisme'))}* : {e(session.organisation.name)}",
    ]
    for index, place in enumerate(places):
        lines += [
            "",
            f"== {e(place.name)}",
            "#grid(columns: (1fr, 3.2cm), gutter: 1em,",
            "  [",
            f"    *{e(_('Adresse'))}* : {e(place.address)}",
        ]
        if place.access_notes:
            lines.append(f"\n    *{e(_('Accès'))}* : {e(place.access_notes)}")
        if place.accessibility:
            lines.append(f"\n    *{e(_('Accessibilité'))}* : {e(place.accessibility)}")
        lines += [
            "  ],",
            f'  [#image(bytes(sys.inputs.at("qr{index}")), width: 3cm)'
            f" #text(size: 8pt)[{e(_('Itinéraire : scannez pour ouvrir l’adresse sur une carte'))}]],",
            ")",
        ]
    return "\n".join(lines) + "\n"


def access_map_files(session_id: int) -> list[tuple[str, MailAttachment]]:
    """The access map of the session as an attachment ([] when it has no place with an address: a remote
    session)."""
    session = Session.objects.select_related("place", "organisation").filter(pk=session_id).first()
    if session is None:
        return []
    places = session_places(session)
    if not places:
        return []
    inputs = {f"qr{index}": qr_svg(osm_url(place)) for index, place in enumerate(places)}
    pdf = compile_pdf(access_map_markup(session, places), inputs=inputs)
    digest = hashlib.sha256(pdf).hexdigest()
    name = f"access-maps/{session.organisation_id}/{session.pk}-{digest[:32]}.pdf"
    if not default_storage.exists(name):
        stored = default_storage.save(name, ContentFile(pdf))
        name = stored
    title = _("Plan d'accès — %(place)s") % {"place": ", ".join(p.name for p in places)}
    file_name = f"plan-d-acces-{slugify(places[0].name)[:60] or 'lieu'}.pdf"
    return [(title, MailAttachment(storage_name=name, file_name=file_name, mime_type="application/pdf", sha256=digest))]
