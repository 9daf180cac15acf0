# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: the exchanges' open data (GoGoCarto)."""

from ninja import Router

router = Router(tags=["exchanges"])
