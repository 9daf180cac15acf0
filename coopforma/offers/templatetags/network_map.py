# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map panel's configuration: the tile server of the settings (none by default) and the outlines' file."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tile_url() -> str:
    return str(getattr(settings, "MAP_TILE_URL", ""))


@register.simple_tag
def map_tile_attribution() -> str:
    return str(getattr(settings, "MAP_TILE_ATTRIBUTION", ""))
