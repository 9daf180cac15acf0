# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the référentiel, by who asks: anyone reads the published versions of a public network; members of
the network also read the draft and the proposals (refused ones too: nothing is lost)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from coopforma.core.locking import id_or_404
from coopforma.networks.models import Network
from coopforma.referentiel import access, files
from coopforma.referentiel.models import (
    DEFAULT_LICENCE,
    DEFAULT_TITLE,
    LEVELS,
    REFERENCE_LABELS,
    Item,
    ItemKind,
    Proposal,
    ProposalState,
    Referentiel,
    Version,
    VersionState,
)
from coopforma.referentiel.services import normalise

# The URL segment of each kind of item (…/v/<version>/<segment>/<code>/).
KIND_SEGMENTS = {
    ItemKind.JOB: "metiers",
    ItemKind.ACTIVITY: "activites",
    ItemKind.COMPETENCY: "competences",
    ItemKind.BLOCK: "blocs",
}
SEGMENT_KINDS = {segment: kind for kind, segment in KIND_SEGMENTS.items()}


def network_get(*, user: Any, slug: str) -> Network:
    """The network of the URL; 404 when it does not exist, or is not public and the user is not in it."""
    network = Network.objects.filter(slug=slug).first()
    if network is None or (not network.is_public and not access.is_member(user, network)):
        raise Http404
    return network


def referentiel_get(*, network: Network) -> Referentiel | None:
    return Referentiel.objects.filter(network=network).first()


def versions_visible(*, user: Any, network: Network) -> QuerySet[Version]:
    """The versions the user may read, newest first: the published ones; with the draft for members."""
    versions = Version.objects.filter(referentiel__network=network).order_by("-major", "-minor")
    if not access.is_member(user, network):
        versions = versions.filter(state=VersionState.PUBLISHED)
    return versions


def published_versions(*, network: Network) -> QuerySet[Version]:
    return Version.objects.filter(referentiel__network=network, state=VersionState.PUBLISHED).order_by(
        "-major", "-minor"
    )


def latest_published(*, network: Network) -> Version | None:
    return published_versions(network=network).select_related("referentiel").first()


def draft_get(*, user: Any, network: Network) -> Version | None:
    if not access.is_member(user, network):
        return None
    return Version.objects.filter(referentiel__network=network, state=VersionState.DRAFT).first()


def version_get(*, user: Any, network: Network, number: str) -> Version:
    """A version by number; a draft only for the network's members (404 for anyone else)."""
    version = versions_visible(user=user, network=network).select_related("referentiel").filter(number=number).first()
    if version is None:
        raise Http404
    return version


def published_version_get(*, network: Network, number: str) -> Version:
    """A published version by number, or the latest with `latest` (the public API); 404 otherwise."""
    version = latest_published(network=network) if number == "latest" else None
    if number != "latest":
        version = published_versions(network=network).select_related("referentiel").filter(number=number).first()
    if version is None:
        raise Http404
    return version


def previous_published(*, version: Version) -> Version | None:
    return (
        Version.objects.filter(referentiel_id=version.referentiel_id, state=VersionState.PUBLISHED)
        .exclude(pk=version.pk)
        .filter(major__lte=version.major)
        .exclude(major=version.major, minor__gte=version.minor)
        .order_by("-major", "-minor")
        .first()
    )


def items_of(*, version: Version) -> QuerySet[Item]:
    """Every item of a version, with its job and blocks loaded (a constant number of queries)."""
    return (
        version.items.select_related("parent")
        .prefetch_related(Prefetch("blocks", queryset=Item.objects.order_by("position")))
        .order_by("position")
    )


def item_get(*, version: Version, kind: str, code: str) -> Item:
    item = items_of(version=version).filter(kind=kind, code=code).first()
    if item is None:
        raise Http404
    return item


def item_by_code(*, version: Version, code: str) -> Item:
    item = items_of(version=version).filter(code=code).first()
    if item is None:
        raise Http404
    return item


def item_in_latest(*, network: Network, kind: str, code: str) -> tuple[Version, Item]:
    """The item `code` in the latest published version (the unversioned URLs): 404 without one."""
    version = latest_published(network=network)
    if version is None:
        raise Http404
    return version, item_get(version=version, kind=kind, code=code)


@dataclass
class JobView:
    job: Item
    activities: list[Item] = field(default_factory=list)
    competencies: list[Item] = field(default_factory=list)


@dataclass
class Tree:
    """A version laid out for its pages: blocks, then jobs with their activities and competencies."""

    blocks: list[Item]
    jobs: list[JobView]
    by_block: dict[int, list[Item]]

    @property
    def count(self) -> int:
        return len(self.blocks) + sum(1 + len(j.activities) + len(j.competencies) for j in self.jobs)


def version_tree(*, version: Version) -> Tree:
    items = list(items_of(version=version))
    jobs = {i.pk: JobView(job=i) for i in items if i.kind == ItemKind.JOB}
    by_block: dict[int, list[Item]] = {}
    for item in items:
        if item.kind == ItemKind.ACTIVITY and item.parent_id in jobs:
            jobs[item.parent_id].activities.append(item)
        elif item.kind == ItemKind.COMPETENCY and item.parent_id in jobs:
            jobs[item.parent_id].competencies.append(item)
        for block in item.blocks.all():
            by_block.setdefault(block.pk, []).append(item)
    return Tree(blocks=[i for i in items if i.kind == ItemKind.BLOCK], jobs=list(jobs.values()), by_block=by_block)


def item_search(*, version: Version, query: str) -> list[Item]:
    """Items whose code, label, aliases, description or criteria hold every word of `query`, whatever the
    accents and the case."""
    words = normalise(query).split()[:10]
    if not words:
        return []
    items = items_of(version=version)
    for word in words:
        items = items.filter(search_text__contains=word)
    return list(items[:200])


def document_for(*, version: Version) -> files.Document:
    """The version as a file document (blocks, then each job with its activities and competencies)."""
    tree = version_tree(version=version)
    referentiel = version.referentiel

    def entry(item: Item) -> files.Entry:
        return files.Entry(
            kind=item.kind,
            code=item.code,
            label=item.label,
            aliases=list(item.aliases),
            description=item.description,
            criteria=list(item.criteria),
            levels=dict(item.levels),
            blocks=[b.code for b in item.blocks.all()],
            notes=list(item.notes),
            codes={k: list(v) for k, v in item.codes.items()},
            parent=item.parent.code if item.parent else "",
        )

    entries = [entry(b) for b in tree.blocks]
    for job in tree.jobs:
        entries += [entry(job.job), *map(entry, job.activities), *map(entry, job.competencies)]
    # The defaults are left out of the file (the draft names neither): a file read and written is the same file.
    return files.Document(
        number=version.number,
        draft=not version.is_published,
        title=referentiel.title if referentiel.title != DEFAULT_TITLE else "",
        licence=referentiel.licence if referentiel.licence != DEFAULT_LICENCE else "",
        entries=entries,
    )


# --- Diff --------------------------------------------------------------------------------------------------------

FIELD_LABELS = {
    "code": "identifiant",
    "label": "libellé",
    "aliases": "autres appellations",
    "description": "mission ou définition",
    "criteria": "critères observables",
    "levels": "niveaux",
    "notes": "repères",
    "codes": "références",
    "parent": "métier",
    "blocks": "blocs transversaux",
}


@dataclass
class Change:
    state: str  # added, removed, changed
    kind_label: str
    code: str
    label: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, before, after)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return " ; ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return " ; ".join(f"{k} : {_shown(v)}" for k, v in value.items()) or "—"
    return str(value) or "—"


def version_diff(*, old: Version | None, new: Version) -> list[Change]:
    """What changed from `old` to `new`, item by item (matched by key, so a re-coded item is one change)."""
    before = {e["key"]: e for e in _snapshot(old)} if old is not None else {}
    after = _snapshot(new)
    kinds = dict(ItemKind.choices)
    changes = []
    for e in after:
        previous = before.pop(e["key"], None)
        if previous is None:
            changes.append(Change("added", str(kinds[e["kind"]]), e["code"], e["label"]))
            continue
        fields = [
            (FIELD_LABELS[name], _shown(previous[name]), _shown(e[name]))
            for name in FIELD_LABELS
            if previous[name] != e[name]
        ]
        if fields:
            changes.append(Change("changed", str(kinds[e["kind"]]), e["code"], e["label"], fields))
    for e in before.values():
        changes.append(Change("removed", str(kinds[e["kind"]]), e["code"], e["label"]))
    return changes


def _snapshot(version: Version) -> list[dict[str, Any]]:
    rows = []
    for item in items_of(version=version):
        rows.append(
            {
                "key": item.key,
                "kind": item.kind,
                "code": item.code,
                "label": item.label,
                "aliases": item.aliases,
                "description": item.description,
                "criteria": item.criteria,
                "levels": item.levels,
                "notes": item.notes,
                "codes": item.codes,
                "parent": item.parent.code if item.parent else "",
                "blocks": [b.code for b in item.blocks.all()],
            }
        )
    return rows


# --- Proposals ---------------------------------------------------------------------------------------------------


def proposal_list(*, user: Any, network: Network, state: str = "") -> QuerySet[Proposal]:
    """The network's proposals, for its members only (others: none)."""
    if not access.is_member(user, network):
        return Proposal.objects.none()
    proposals = Proposal.objects.filter(referentiel__network=network).select_related("author", "decided_by", "version")
    if state in ProposalState.values:
        proposals = proposals.filter(state=state)
    return proposals


def proposal_get(*, user: Any, network: Network, proposal_id: int) -> Proposal:
    proposal_id = id_or_404(proposal_id)  # an id beyond 64 bits is a 404, not a database error
    proposal = (
        proposal_list(user=user, network=network).prefetch_related("comments__author").filter(pk=proposal_id).first()
    )
    if proposal is None:
        raise Http404
    return proposal


def level_labels() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in LEVELS]


def reference_labels() -> dict[str, str]:
    return {code: str(label) for code, label in REFERENCE_LABELS.items()}
