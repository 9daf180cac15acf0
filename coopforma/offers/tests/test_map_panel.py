# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map panel's server side: the tile settings reach the template, the CSP source of a tile URL, no inline
script or style (the panel is drawn by static/coopforma/network-map.js; tests/browser/test_network_map.py drives
it in Chromium)."""

import re

from django.template.loader import render_to_string
from django.test import override_settings

from config.settings import _tile_origin


def test_no_tiles_by_default_and_the_configured_ones_otherwise():
    html = render_to_string("offers/_map_panel.html", {"mode": "gaps"})
    assert 'data-tile-url=""' in html and 'role="region"' in html
    assert "departements.geojson" in html and "leaflet.markercluster.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html
    with override_settings(MAP_TILE_URL="https://{s}.tuiles.example.org/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© X"):
        html = render_to_string("offers/_map_panel.html")
    assert 'data-tile-url="https://{s}.tuiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© X"' in html and "Carte des offres par département" in html


def test_the_tile_host_allowed_by_the_csp():
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert _tile_origin("https://tuiles.example.fr:8443/{z}/{x}/{y}.png") == "https://tuiles.example.fr:8443"
    assert _tile_origin("javascript:alert(1)") == "" and _tile_origin("") == ""
