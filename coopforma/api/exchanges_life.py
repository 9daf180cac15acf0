# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: an exchange's life (steps, attendance, debriefs, artefacts,
expeditions and compagnonnage)."""

from ninja import Router

router = Router(tags=["exchanges"])
