# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the register for the other apps: by SIRET, SIREN, NDA (indexed columns) and by name.

The register is public data, the same for every organisation: these selectors take no actor. The name search
compares the normalised name (`names.normalise`: no case, accents or punctuation) word by word: every word of
the query must begin a word of the name (« form coop » finds « SCOP FORMATIONS COOPÉRATIVES »), the same on
SQLite and PostgreSQL, through a table of the names' words (`RegisteredName`, a B-tree index: a word prefix is
a range of it).
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from coopforma.core.identifiers import compact
from coopforma.registry.models import RegisteredName, RegisteredOrganisation, RegistryImport
from coopforma.registry.names import WORD_LENGTH, normalise

SEARCH_LIMIT = 20
SELECTIVITY_CAP = 2000  # beyond this many names, a word is as unselective as any other


def find_by_siret(siret: str) -> RegisteredOrganisation | None:
    """The organisation whose declaring establishment has this SIRET (the latest declared when several)."""
    number = compact(siret)
    if len(number) != 14:
        return None
    return (
        RegisteredOrganisation.objects.select_related("imported")
        .filter(siret=number)
        .order_by("-present", "-last_declared_on", "-pk")
        .first()
    )


def find_by_siren(siren: str) -> list[RegisteredOrganisation]:
    """The organisations of a company (several NDAs, one per declaring establishment, are possible)."""
    number = compact(siren)
    if len(number) != 9:
        return []
    return list(RegisteredOrganisation.objects.filter(siren=number).order_by("-present", "name", "nda"))


def find_by_nda(nda: str) -> RegisteredOrganisation | None:
    number = compact(nda)
    if len(number) != 11:
        return None
    return RegisteredOrganisation.objects.select_related("imported").filter(nda=number).first()


def find(*, siret: str = "", nda: str = "") -> RegisteredOrganisation | None:
    """By NDA first (the list's key), else by SIRET."""
    return (find_by_nda(nda) if nda else None) or (find_by_siret(siret) if siret else None)


def search(name: str, *, limit: int = SEARCH_LIMIT) -> list[RegisteredOrganisation]:
    """Organisations whose name has a word beginning with each word of `name` (accents and case ignored)."""
    words = normalise(name).split()
    if not words:
        return []
    # The most selective word is read along the word index, in its order; each other word is
    # checked for that organisation through the index (organisation, word); the database stops at `limit`.
    # The wide table is read for the organisations found only.
    ordered = _by_selectivity({w[:WORD_LENGTH] for w in words})
    if not ordered:
        return []
    names = _prefix(RegisteredName.objects.all(), "word", ordered[0])
    for word in ordered[1:]:
        names = names.filter(
            Exists(_prefix(RegisteredName.objects.filter(organisation_id=OuterRef("organisation_id")), "word", word))
        )
    ids: list[int] = []
    # No ORDER BY: the database stops at the first matches (SQLite walks its word index in order anyway;
    # PostgreSQL's pattern index cannot give an order, and sorting every match of a short prefix was slow).
    # The page of results is put in name order below.
    for pk in names.order_by().values_list("organisation_id", flat=True)[: limit * 3]:
        if pk not in ids:
            ids.append(pk)
        if len(ids) == limit:
            break
    rows = RegisteredOrganisation.objects.in_bulk(ids)
    return sorted((rows[pk] for pk in ids), key=lambda o: (not o.present, o.search_name))


def _by_selectivity(words: set[str]) -> list[str]:
    """The words, the one with the fewest names first (counted up to a cap on the index); [] if one has none."""
    counted = []
    for word in words:
        found = _prefix(RegisteredName.objects.all(), "word", word).values("pk")[:SELECTIVITY_CAP].count()
        if not found:
            return []
        counted.append((found, -len(word), word))
    return [word for _, _, word in sorted(counted)]


def _prefix(queryset: QuerySet[RegisteredName], field: str, prefix: str) -> QuerySet[RegisteredName]:
    """The rows whose `field` begins with `prefix`, through the column's B-tree index on each database."""
    if connection.vendor == "postgresql":
        # Django gives an indexed CharField a varchar_pattern_ops index there: LIKE 'x%' uses it.
        return queryset.filter(**{f"{field}__startswith": prefix})
    # SQLite's case-insensitive LIKE cannot use the index; a range over the (binary) index can. The words are
    # [0-9a-z] only, all below "{".
    return queryset.filter(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "{"})


def latest_import() -> RegistryImport | None:
    """The last finished import: its date is the date of the register's data."""
    return RegistryImport.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()


def qualiopi_sirens() -> QuerySet[RegisteredOrganisation, str]:
    """The SIRENs of the organisations of the latest list holding a Qualiopi certificate (any category), for a
    `__in` subquery (the map's Qualiopi facet)."""
    return (
        RegisteredOrganisation.objects.filter(present=True)
        .filter(
            Q(qualiopi_training=True)
            | Q(qualiopi_skills_assessment=True)
            | Q(qualiopi_vae=True)
            | Q(qualiopi_apprenticeship=True)
        )
        .values_list("siren", flat=True)
    )


def registered_sirens() -> QuerySet[RegisteredOrganisation, str]:
    """The SIRENs of every organisation of the latest list (not in it: Qualiopi status unknown)."""
    return RegisteredOrganisation.objects.filter(present=True).values_list("siren", flat=True)
