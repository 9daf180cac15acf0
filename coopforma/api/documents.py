# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for documents: list, generate, download."""

from ninja import Router

router = Router(tags=["documents"])
