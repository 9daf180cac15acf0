# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: members and their offers and requests of know-how."""

from ninja import Router

router = Router(tags=["exchanges"])
