# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for slots' attendance."""

from ninja import Router

router = Router(tags=["attendance"])
