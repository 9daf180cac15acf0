# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the référentiel tells the apps above it, which it does not know (import contract: the map's offers sit
above it and suggest their competencies from its latest published version).

`version_published` is sent once a version's publication is committed (`services.version_publish`), with
`network_id` and `version_id`; receivers are connected in their app's `ready()` (offers/apps.py)."""

from django.dispatch import Signal

version_published = Signal()
