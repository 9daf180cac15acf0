# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public read routes of a network's référentiel (no token): its published versions and their items.

`network_id` is the network's short name (its slug, as in /reseaux/<slug>/), `version_id` a version number
(`0.1`) or `latest`, `item_id` an item's code (`M1`, `M1-C2`, `S4`). Drafts are not served here: they are the
network's work in progress (its members read them on the pages). The same data as the open data downloads
(/reseaux/<slug>/referentiel/v/<version>/telecharger/json/)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from coopforma.api.auth import PUBLIC, permission
from coopforma.api.params import coded, paged
from coopforma.referentiel import selectors
from coopforma.referentiel.models import Item, ItemKind, Version

router = Router(tags=["referentiel"])


class VersionOut(Schema):
    number: str
    title: str
    network: str = Field(description="the network's short name")
    licence: str
    licence_url: str
    published_at: datetime | None
    changelog: str
    items: int = Field(description="how many items the version holds")

    @staticmethod
    def resolve_title(obj: Version) -> str:
        return obj.referentiel.title

    @staticmethod
    def resolve_network(obj: Version) -> str:
        return obj.referentiel.network.slug

    @staticmethod
    def resolve_licence(obj: Version) -> str:
        return obj.referentiel.licence

    @staticmethod
    def resolve_licence_url(obj: Version) -> str:
        return obj.referentiel.licence_url

    @staticmethod
    def resolve_items(obj: Version) -> int:
        return obj.items.count()


class ItemOut(Schema):
    code: str = Field(description="the item's identifier in the référentiel (M1, M1-C2, S4)")
    key: str = Field(description="the item's key, the same in every version")
    kind: str = coded(ItemKind)
    label: str
    aliases: list[str]
    description: str = Field(description="a job's mission, an item's definition")
    criteria: list[str] = Field(description="observable criteria (competencies)")
    levels: dict[str, str] = Field(description="notions, pratique, maitrise, transmission → what each means")
    notes: list[str] = Field(description="repères: sources and related référentiels")
    codes: dict[str, list[str]] = Field(description="references: rome, rncp, rs, nsf, formacode")
    job: str = Field(description="the job's code (activities and competencies), or empty")
    blocks: list[str] = Field(description="codes of the cross-cutting blocks it belongs to")

    @staticmethod
    def resolve_key(obj: Item) -> str:
        return str(obj.key)

    @staticmethod
    def resolve_job(obj: Item) -> str:
        return obj.parent.code if obj.parent else ""

    @staticmethod
    def resolve_blocks(obj: Item) -> list[str]:
        return [b.code for b in obj.blocks.all()]


class ItemFilters(Schema):
    kind: str = Field("", description="job, activity, competency or block (default: all)")
    q: str = Field("", max_length=200, description="words to find, whatever the accents and the case")


@router.get(
    "/referentiel/networks/{network_id}/versions", response=list[VersionOut], auth=None, summary="Published versions"
)
@permission(PUBLIC)
@paged
def referentiel_version_list(request: HttpRequest, network_id: str) -> list[Version]:
    network = selectors.network_get(user=None, slug=network_id)
    return list(selectors.published_versions(network=network).select_related("referentiel__network"))


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}",
    response=VersionOut,
    auth=None,
    summary="One published version (`latest`: the latest)",
)
@permission(PUBLIC)
def referentiel_version_get(request: HttpRequest, network_id: str, version_id: str) -> Version:
    network = selectors.network_get(user=None, slug=network_id)
    return selectors.published_version_get(network=network, number=version_id)


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}/items",
    response=list[ItemOut],
    auth=None,
    summary="The items of a published version",
)
@permission(PUBLIC)
@paged
def referentiel_item_list(
    request: HttpRequest, network_id: str, version_id: str, filters: Query[ItemFilters]
) -> list[Item]:
    network = selectors.network_get(user=None, slug=network_id)
    version = selectors.published_version_get(network=network, number=version_id)
    if filters.q.strip():
        items = selectors.item_search(version=version, query=filters.q)
    else:
        items = list(selectors.items_of(version=version))
    return [i for i in items if not filters.kind or i.kind == filters.kind]


@router.get(
    "/referentiel/networks/{network_id}/versions/{version_id}/items/{item_id}",
    response=ItemOut,
    auth=None,
    summary="One item of a published version, by its code",
)
@permission(PUBLIC)
def referentiel_item_get(request: HttpRequest, network_id: str, version_id: str, item_id: str) -> Item:
    network = selectors.network_get(user=None, slug=network_id)
    version = selectors.published_version_get(network=network, number=version_id)
    return selectors.item_by_code(version=version, code=item_id)
