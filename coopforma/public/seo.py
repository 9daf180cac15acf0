# SPDX-License-Identifier: AGPL-3.0-or-later
"""For search engines: the JSON-LD `Course` of a public training page, its Open Graph and Twitter card, the
sitemap and robots.txt.

The JSON-LD follows schema.org's Course (https://schema.org/Course) and Google's « Course info » structured data:
one `CourseInstance` per upcoming public session (public.published.public_sessions), dates in ISO 8601 with the
Paris offset. Never a connection link or a person's name: what is public here is what the page shows.
"""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import condition

from coopforma.catalogue.models import CertificationKind, Modality, Training
from coopforma.core.links import absolute_url
from coopforma.public import published
from coopforma.training_sessions.models import Session

DESCRIPTION_LENGTH = 300
COURSE_MODES = {
    Modality.ON_SITE: "Onsite",
    Modality.REMOTE: "Online",
    Modality.HYBRID: "Blended",
    Modality.WORK_BASED: "Onsite",
}
# Inside <script>, "</script>" (or "<!--") in a value would end the element: these three never appear raw.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data: Any) -> SafeString:
    """JSON safe to put between <script> tags (the same escapes as Django's json_script)."""
    return mark_safe(json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


def iso_duration(minutes: int) -> str:
    """450 → "PT7H30M" (ISO 8601)."""
    hours, rest = divmod(int(minutes), 60)
    return f"PT{hours}H{rest}M" if rest else f"PT{hours}H"


def _euros(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def description_of(training: Training) -> str:
    text = training.summary.strip() or " ; ".join(str(o).strip() for o in training.objectives if str(o).strip())
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"


def training_url(training: Training) -> str:
    return absolute_url(reverse("public:training", kwargs={"org": training.organisation.slug, "pk": training.pk}))


def catalogue_url(org_slug: str) -> str:
    """The organisation's public catalogue (/f/<org>/)."""
    return absolute_url(reverse("public:catalogue", kwargs={"org": org_slug}))


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _location(session: Session) -> dict[str, Any]:
    place = session.place
    if place is None:
        slots = list(session.slots.all())
        place = next((s.place for s in slots if s.place is not None), None)
    if place is None:
        return {"@type": "VirtualLocation", "name": "À distance"}
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
    if place.street:
        address["streetAddress"] = place.street
    if place.postal_code:
        address["postalCode"] = place.postal_code
    if place.city:
        address["addressLocality"] = place.city
    return {"@type": "Place", "name": place.name, "address": address}


def _course_mode(training: Training, session: Session) -> str:
    slots = list(session.slots.all())
    if session.place is None and slots and all(s.place_id is None for s in slots):
        return "Online"
    return COURSE_MODES.get(Modality(training.modality), "Onsite") if training.modality in Modality.values else "Onsite"


def course_instance(training: Training, session: Session) -> dict[str, Any]:
    slots = list(session.slots.all())
    instance: dict[str, Any] = {
        "@type": "CourseInstance",
        "name": session.title,
        "courseMode": _course_mode(training, session),
    }
    if slots:
        instance["startDate"] = _local(slots[0].starts_at)
        instance["endDate"] = _local(max(s.ends_at for s in slots))
    elif session.start_date:
        instance["startDate"] = session.start_date.isoformat()
        instance["endDate"] = (session.end_date or session.start_date).isoformat()
    instance["location"] = _location(session)
    schedule: dict[str, Any] = {"@type": "Schedule"}
    if session.start_date:
        schedule["startDate"] = session.start_date.isoformat()
        schedule["endDate"] = (session.end_date or session.start_date).isoformat()
    if slots:
        lengths = {s.minutes for s in slots}
        schedule["repeatCount"] = len(slots)
        if len(lengths) == 1:
            schedule["duration"] = iso_duration(lengths.pop())
    instance["courseSchedule"] = schedule
    minutes = session.total_minutes or training.duration_minutes
    if minutes:
        instance["courseWorkload"] = iso_duration(minutes)
    if training.price_inter_cents is not None:
        instance["offers"] = {
            "@type": "Offer",
            "category": "Inter",
            "price": _euros(training.price_inter_cents),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock"
            if getattr(session, "places_left", 1) > 0
            else "https://schema.org/SoldOut",
        }
    return instance


def course_json_ld(training: Training, sessions: list[Session]) -> dict[str, Any]:
    """The schema.org Course of a published training with its upcoming public sessions."""
    organisation = training.organisation
    url = training_url(training)
    provider: dict[str, Any] = {
        "@type": "Organization",
        "name": organisation.name,
        "url": catalogue_url(organisation.slug),
    }
    if organisation.website:
        provider["sameAs"] = organisation.website
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url + "#formation",
        "url": url,
        "name": training.title,
        "description": description_of(training) or training.title,
        "inLanguage": "fr",
        "provider": provider,
    }
    if training.reference:
        data["courseCode"] = training.reference
    if training.duration_minutes:
        data["timeRequired"] = iso_duration(training.duration_minutes)
    if training.audience.strip():
        data["audience"] = {"@type": "Audience", "audienceType": " ".join(training.audience.split())[:200]}
    if training.prerequisites.strip():
        data["coursePrerequisites"] = " ".join(training.prerequisites.split())
    objectives = [str(o).strip() for o in training.objectives if str(o).strip()]
    if objectives:
        data["teaches"] = objectives
    if training.certification_kind != CertificationKind.NONE and training.certification_code.strip():
        data["educationalCredentialAwarded"] = {
            "@type": "EducationalOccupationalCredential",
            "name": f"{CertificationKind(training.certification_kind).label} — {training.certification_code}",
            "credentialCategory": "RNCP" if training.certification_kind == CertificationKind.RNCP else "RS",
            "identifier": training.certification_code,
        }
    offers = []
    if training.price_inter_cents is not None:
        offers.append(
            {"@type": "Offer", "category": "Inter", "price": _euros(training.price_inter_cents), "priceCurrency": "EUR"}
        )
    if training.price_intra_cents is not None:
        offers.append(
            {"@type": "Offer", "category": "Intra", "price": _euros(training.price_intra_cents), "priceCurrency": "EUR"}
        )
    if offers:
        data["offers"] = offers
    if sessions:
        data["hasCourseInstance"] = [course_instance(training, s) for s in sessions]
    return data


@dataclass(frozen=True)
class PageMeta:
    """What the <head> of a public training page says to search engines and to sites that show a preview."""

    title: str
    description: str
    canonical: str
    site_name: str
    image: str
    json_ld: SafeString


def training_meta(training: Training) -> PageMeta:
    organisation = training.organisation
    sessions = published.public_sessions(scope=published.Scope(organisation), training=training, limit=20)
    image = absolute_url(reverse("public:logo", kwargs={"org": organisation.slug})) if organisation.logo else ""
    return PageMeta(
        title=f"{training.title} — {organisation.name}",
        description=description_of(training),
        canonical=training_url(training),
        site_name=organisation.name,
        image=image,
        json_ld=json_for_script(course_json_ld(training, sessions)),
    )


# --- sitemap.xml and robots.txt -------------------------------------------------------------------------------

# What crawlers are asked to leave alone: the back office, the API, the portals and every one-time link route.
ROBOTS_DISALLOW = ["/o/", "/admin/", "/api/", "/accounts/", "/p/", "/s/", "/e/", "/q/", "/v/", "/cal/", "/i18n/"]


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /f/", ""]
    lines.append(f"Sitemap: {absolute_url(reverse('public:sitemap'))}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    lastmod: dt.date


def sitemap_entries() -> list[SitemapEntry]:
    """Each public organisation's catalogue (lastmod: its latest published training) and each published training
    page (lastmod: the training's last change)."""
    entries: list[SitemapEntry] = []
    latest: dict[str, dt.date] = {}
    for training in published.sitemap_trainings():
        day = timezone.localtime(training.updated_at).date()
        slug = training.organisation.slug
        latest[slug] = max(latest.get(slug, day), day)
        entries.append(SitemapEntry(training_url(training), day))
    catalogues = [SitemapEntry(catalogue_url(slug), day) for slug, day in latest.items()]
    return catalogues + entries


def _sitemap_etag(request: HttpRequest) -> str:
    entries = sitemap_entries()
    return f"{len(entries)}-{max((e.lastmod for e in entries), default=dt.date.min).isoformat()}"


@condition(etag_func=_sitemap_etag)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml (sitemaps.org protocol 0.9; 50,000 URLs at most per file, far above a catalogue's size)."""
    rows = [
        f"<url><loc>{escape(e.location)}</loc><lastmod>{e.lastmod.isoformat()}</lastmod></url>"
        for e in sitemap_entries()[:50_000]
    ]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(rows) + "\n</urlset>\n"
    )
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
