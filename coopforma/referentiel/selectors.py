# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the référentiel, by who asks: anyone reads the published versions of a public network; members of
the network also read the draft and the proposals (refused ones too: nothing is lost)."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from coopforma.core.locking import id_or_404
from coopforma.networks.models import Network
from coopforma.referentiel import access, files, matching
from coopforma.referentiel.models import (
    DEFAULT_LICENCE,
    DEFAULT_TITLE,
    LEVELS,
    REFERENCE_LABELS,
    Item,
    ItemKind,
    ObjectiveCompetency,
    Proposal,
    ProposalState,
    Referentiel,
    TrainerCompetency,
    TrainerCompetencyState,
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


# --- Trainings' objectives ↔ competencies -----------------------------------------------------------------------


def applicable_versions(*, organisation_id: int) -> list[Version]:
    """The référentiels that apply to an organisation's trainings: the latest published version of each network
    it is a member of, by network name (one query)."""
    versions = (
        Version.objects.filter(
            state=VersionState.PUBLISHED, referentiel__network__organisations__organisation_id=organisation_id
        )
        .select_related("referentiel__network")
        .order_by("referentiel__network__name", "-major", "-minor")
    )
    latest: dict[int, Version] = {}
    for version in versions:
        latest.setdefault(version.referentiel.network_id, version)
    return list(latest.values())


def linkable_competencies(*, organisation_id: int) -> QuerySet[Item]:
    """The competencies of the applicable versions (what a training of the organisation may aim at)."""
    version_ids = [v.pk for v in applicable_versions(organisation_id=organisation_id)]
    return (
        Item.objects.filter(version_id__in=version_ids, kind=ItemKind.COMPETENCY)
        .select_related("version__referentiel__network", "parent")
        .order_by("version__referentiel__network__name", "position")
    )


def competency_search(*, organisation_id: int, query: str, limit: int = 20) -> list[Item]:
    """Competencies of the applicable versions whose code, label, other names or criteria hold every word."""
    words = normalise(query).split()[:10]
    if not words:
        return []
    items = linkable_competencies(organisation_id=organisation_id)
    for word in words:
        items = items.filter(search_text__contains=word)
    return list(items[:limit])


def objective_links(*, training: Any) -> QuerySet[ObjectiveCompetency]:
    """The links of a training's objectives, with their competency, version and network (one query)."""
    return (
        ObjectiveCompetency.objects.filter(training=training)
        .select_related("competency__version__referentiel__network")
        .order_by("objective", "competency__version__referentiel__network__name", "competency__position")
    )


@dataclass
class ObjectiveRow:
    """One objective of a training with its linked competencies and (for editors) the suggested ones."""

    rank: int
    text: str
    links: list[ObjectiveCompetency] = field(default_factory=list)
    suggestions: list[Item] = field(default_factory=list)


def objectives_with_competencies(*, training: Any, suggest: bool = False) -> list[ObjectiveRow]:
    """Each objective of the training (`Training.objectives`, by rank) with its links; with `suggest`, the three
    competencies of the applicable référentiels whose words best match it (not already linked)."""
    rows = [ObjectiveRow(rank=i, text=str(text)) for i, text in enumerate(training.objectives or [])]
    for link in objective_links(training=training):
        if 0 <= link.objective < len(rows):
            rows[link.objective].links.append(link)
    if suggest and rows:
        candidates = list(linkable_competencies(organisation_id=training.organisation_id))
        by_id = {item.pk: item for item in candidates}
        for row in rows:
            linked = {link.competency.key for link in row.links}
            pool = [(c.pk, c.label, [*c.aliases, *c.criteria]) for c in candidates if c.key not in linked]
            row.suggestions = [by_id[s.competency_id] for s in matching.rank(row.text, pool)]
    return rows


def training_competency_item_url(*, item: Item) -> str:
    """The public page of a competency in its version (stable)."""
    version = item.version
    return reverse(
        "referentiel:competences",
        kwargs={"network": version.referentiel.network.slug, "number": version.number, "code": item.code},
    )


def public_training_competencies(*, training: Any) -> list[dict[str, Any]]:
    """For the public training page: each linked competency once (by network, then référentiel order), with
    its level, the objectives it serves and its public page — published versions of public networks only."""
    found: dict[int, dict[str, Any]] = {}
    objectives = training.objectives or []
    for link in objective_links(training=training).filter(
        competency__version__state=VersionState.PUBLISHED, competency__version__referentiel__network__is_public=True
    ):
        entry = found.setdefault(
            link.competency_id,
            {
                "item": link.competency,
                "network": link.competency.version.referentiel.network,
                "version": link.competency.version,
                "url": training_competency_item_url(item=link.competency),
                "levels": [],
                "objectives": [],
            },
        )
        if link.level and link.get_level_display() not in entry["levels"]:
            entry["levels"].append(link.get_level_display())
        if 0 <= link.objective < len(objectives):
            entry["objectives"].append(str(objectives[link.objective]))
    return list(found.values())


def programme_competencies(*, training_id: int, objectives: list[str]) -> list[dict[str, Any]]:
    """What the programme prints: each objective with its competencies (code, label, level, référentiel)."""
    rows: list[dict[str, Any]] = [{"objective": str(text), "competencies": []} for text in objectives]
    links = (
        ObjectiveCompetency.objects.filter(training_id=training_id)
        .select_related("competency__version__referentiel")
        .order_by("objective", "competency__position")
    )
    for link in links:
        if 0 <= link.objective < len(rows):
            item = link.competency
            rows[link.objective]["competencies"].append(
                {
                    "code": item.code,
                    "label": item.label,
                    "level": str(link.get_level_display()) if link.level else "",
                    "referentiel": f"{item.version.referentiel.title} {item.version.number}",
                }
            )
    return rows


# --- Coverage and the map -------------------------------------------------------------------------------------------


@dataclass
class CoveredTraining:
    id: int
    title: str
    organisation: str
    public_url: str  # "" when the training is not on its organisation's public catalogue


@dataclass
class CoverageRow:
    item: Item
    group: str  # the job (« M1 Animateur·rice… ») or, for a block's competency, the block
    trainings: list[CoveredTraining] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.trainings)


def trainings_for_competency(*, network: Network, key: Any) -> list[int]:
    """The ids of the trainings of the network's member organisations whose objectives aim at the competency
    `key` (its key, the same in every version). For the map's filter (offers wires it)."""
    return list(
        ObjectiveCompetency.objects.filter(
            competency__key=key,
            competency__version__referentiel__network=network,
            training__organisation__networks__network=network,
        )
        .values_list("training_id", flat=True)
        .distinct()
        .order_by("training_id")
    )


def coverage(*, network: Network, version: Version) -> list[CoverageRow]:
    """Every competency of `version` (in the référentiel's order, grouped by job) with the trainings of the
    network's member organisations that aim at it (in any version: the key follows it). Three queries."""
    items = list(items_of(version=version))
    competencies = [i for i in items if i.kind == ItemKind.COMPETENCY]
    rows = {
        c.key: CoverageRow(item=c, group=f"{c.parent.code} {c.parent.label}" if c.parent else "") for c in competencies
    }
    links = (
        ObjectiveCompetency.objects.filter(
            competency__key__in=list(rows),
            competency__version__referentiel__network=network,
            training__organisation__networks__network=network,
        )
        .values(
            "competency__key",
            "training_id",
            "training__title",
            "training__is_public",
            "training__status",
            "training__organisation__name",
            "training__organisation__slug",
        )
        .order_by("training__title", "training_id")
        .distinct()
    )
    seen: set[tuple[Any, int]] = set()
    for link in links:
        pair = (link["competency__key"], link["training_id"])
        if pair in seen:
            continue
        seen.add(pair)
        public = link["training__is_public"] and link["training__status"] == "validated"
        url = (
            reverse("public:training", kwargs={"org": link["training__organisation__slug"], "pk": link["training_id"]})
            if public
            else ""
        )
        rows[link["competency__key"]].trainings.append(
            CoveredTraining(
                id=link["training_id"],
                title=link["training__title"],
                organisation=link["training__organisation__name"],
                public_url=url,
            )
        )
    return list(rows.values())


# --- Trainers' competencies ----------------------------------------------------------------------------------------


def trainer_competencies(*, trainer: Any) -> QuerySet[TrainerCompetency]:
    return (
        TrainerCompetency.objects.filter(trainer=trainer)
        .select_related("competency__version__referentiel__network", "validated_by")
        .order_by("competency__version__referentiel__network__name", "competency__position")
    )


def trainer_queue(*, user: Any, network: Network, state: str = TrainerCompetencyState.PROPOSED) -> QuerySet:
    """The competencies trainers declared in the network's référentiel, for its committee (404 for anyone not in
    the network; the view checks the flag)."""
    if not access.is_member(user, network):
        raise Http404
    lines = TrainerCompetency.objects.filter(competency__version__referentiel__network=network)
    if state:
        lines = lines.filter(state=state)
    return lines.select_related("trainer__organisation", "competency__version", "validated_by", "declared_by").order_by(
        "created_at", "pk"
    )


def competency_id_for(*, network: str, version: str, code: str) -> int:
    """The id of the competency `code` of a published version (`latest`: the latest) of the network `network`,
    for the API (which names competencies as people cite them); a French error saying what is not found. Whether
    the organisation may aim at it is the service's check."""
    found = Network.objects.filter(slug=network).first()
    version_obj = None
    if found is not None:
        try:
            version_obj = published_version_get(network=found, number=version)
        except Http404:
            version_obj = None
    if version_obj is None:
        message = _("Aucune version publiée « %(version)s » du référentiel du réseau « %(network)s ».")
        raise ValidationError({"version": message % {"version": version, "network": network}})
    item = version_obj.items.filter(code=code, kind=ItemKind.COMPETENCY).only("pk").first()
    if item is None:
        message = _("Aucune compétence « %(code)s » dans la version %(number)s.")
        raise ValidationError({"code": message % {"code": code, "number": version_obj.number}})
    return item.pk


@dataclass
class CompetencyMap:
    """The competencies of a network's latest published version for the map (code → "code label", code → label
    alone, code → key, in the version's order) and, for each code, the member trainings aiming at it (organisation
    slug, training id)."""

    labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    keys: dict[str, Any] = field(default_factory=dict)
    trainings: dict[str, set[tuple[str, int]]] = field(default_factory=dict)


def competency_trainings(*, network: Network) -> tuple[dict[str, str], dict[str, set[tuple[str, int]]]]:
    """`competency_map`'s labels and trainings."""
    found = competency_map(network=network)
    return found.labels, found.trainings


def competency_map(*, network: Network) -> CompetencyMap:
    """For the map's filter and facet by competency: the competencies of the network's latest published version
    (code → label and key, in the version's order) and, for each code, the trainings of the network's member
    organisations whose objectives aim at it (in any version: matched by the item's key), as (organisation slug,
    training id). Two queries; nothing without a published version."""
    version = latest_published(network=network)
    if version is None:
        return CompetencyMap()
    items = list(Item.objects.filter(version=version, kind=ItemKind.COMPETENCY).order_by("position", "pk"))
    labels = {item.code: f"{item.code} {item.label}" for item in items}
    names = {item.code: item.label for item in items}
    keys = {item.code: item.key for item in items}
    code_of_key = {item.key: item.code for item in items}
    trainings: dict[str, set[tuple[str, int]]] = {}
    rows = ObjectiveCompetency.objects.filter(
        competency__key__in=list(code_of_key),
        competency__version__referentiel__network=network,
        training__organisation__networks__network=network,
    ).values_list("competency__key", "training__organisation__slug", "training_id")
    for key, slug, training_id in rows:
        trainings.setdefault(code_of_key[key], set()).add((slug, training_id))
    return CompetencyMap(labels=labels, names=names, keys=keys, trainings=trainings)
