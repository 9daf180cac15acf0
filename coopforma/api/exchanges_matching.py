# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: suggestions and facilitation."""

from ninja import Router

router = Router(tags=["exchanges"])
