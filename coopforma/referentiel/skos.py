# SPDX-License-Identifier: AGPL-3.0-or-later
"""A published version as linked data: a SKOS concept scheme in JSON-LD, as ESCO publishes its classification.

The scheme is the version (its URI is the version's page), each item a `skos:Concept` whose URI is the item's
page in that version (stable: a published version never changes); `dct:identifier` carries the item's key,
the same in every version, and `skos:notation` its code. Jobs are broader than their activities and
competencies; jobs and competencies are related to their cross-cutting blocks.
"""

from collections.abc import Callable
from typing import Any

from coopforma.referentiel.models import Item, ItemKind, Version
from coopforma.referentiel.selectors import Tree

CONTEXT = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "coop": "https://coopforma.org/ns/referentiel#",
    "skos:broader": {"@type": "@id"},
    "skos:narrower": {"@type": "@id"},
    "skos:related": {"@type": "@id"},
    "skos:inScheme": {"@type": "@id"},
    "skos:hasTopConcept": {"@type": "@id"},
    "skos:topConceptOf": {"@type": "@id"},
    "dct:license": {"@type": "@id"},
}
KIND_TYPES = {
    ItemKind.JOB: "coop:Job",
    ItemKind.ACTIVITY: "coop:Activity",
    ItemKind.COMPETENCY: "coop:Competency",
    ItemKind.BLOCK: "coop:CrossCuttingBlock",
}


def _fr(text: str) -> dict[str, str]:
    return {"@language": "fr", "@value": text}


def concept_scheme(*, version: Version, tree: Tree, scheme_url: str, item_url: Callable[[Item], str]) -> dict[str, Any]:
    """The JSON-LD document of `version` (`tree`: selectors.version_tree), with absolute URLs."""
    referentiel = version.referentiel
    items: list[Item] = [*tree.blocks]
    for job in tree.jobs:
        items += [job.job, *job.activities, *job.competencies]
    children: dict[int, list[str]] = {}
    for item in items:
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item_url(item))
    concepts = []
    for item in items:
        concept: dict[str, Any] = {
            "@id": item_url(item),
            "@type": ["skos:Concept", KIND_TYPES[ItemKind(item.kind)]],
            "skos:inScheme": scheme_url,
            "skos:notation": item.code,
            "dct:identifier": str(item.key),
            "skos:prefLabel": _fr(item.label),
        }
        if item.aliases:
            concept["skos:altLabel"] = [_fr(a) for a in item.aliases]
        if item.description:
            concept["skos:definition"] = _fr(item.description)
        if item.criteria:
            concept["coop:observableCriteria"] = [_fr(c) for c in item.criteria]
        if item.levels:
            concept["coop:levels"] = [{"coop:level": k, "skos:definition": _fr(v)} for k, v in item.levels.items()]
        if item.notes:
            concept["skos:note"] = [_fr(n) for n in item.notes]
        if item.codes:
            concept["coop:references"] = [f"{kind}:{code}" for kind, codes in item.codes.items() for code in codes]
        if item.parent_id and item.parent is not None:
            concept["skos:broader"] = [item_url(item.parent)]
        if item.pk in children:
            concept["skos:narrower"] = children[item.pk]
        related = [item_url(b) for b in item.blocks.all()]
        if item.kind == ItemKind.BLOCK:
            related = [item_url(t) for t in tree.by_block.get(item.pk, [])]
        if related:
            concept["skos:related"] = related
        if item.kind in (ItemKind.JOB, ItemKind.BLOCK):
            concept["skos:topConceptOf"] = scheme_url
        concepts.append(concept)
    scheme: dict[str, Any] = {
        "@id": scheme_url,
        "@type": "skos:ConceptScheme",
        "skos:prefLabel": _fr(f"{referentiel.title} — {referentiel.network.name}"),
        "owl:versionInfo": version.number,
        "dct:publisher": referentiel.network.name,
        "skos:hasTopConcept": [item_url(i) for i in items if i.kind in (ItemKind.JOB, ItemKind.BLOCK)],
    }
    if version.published_at:
        scheme["dct:issued"] = {"@type": "xsd:date", "@value": version.published_at.date().isoformat()}
    scheme["dct:license"] = referentiel.licence_url or referentiel.licence
    if version.changelog:
        scheme["skos:changeNote"] = _fr(version.changelog)
    return {"@context": CONTEXT, "@graph": [scheme, *concepts]}
